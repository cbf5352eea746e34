// BreakerMetrics: circuit breakers whose state is visible. Each breaker it makes logs its state
// changes (warning "circuit breaker quotes-service: closed -> open") and counts them, and every
// scrape of /metrics reads the breakers' state and totals:
//
//   circuit_breaker_state{name,state}                1 for the current state, 0 for the others
//   circuit_breaker_transitions_total{name,from,to}  state changes
//   circuit_breaker_events_total{name,event}         success, failure, timeout, short_circuited,
//                                                    rejected (hystrix-go's counters)
//   circuit_breaker_in_flight{name}                  calls admitted and not finished
//
// Thread-safe. The breakers are shared with the registry's collector, so they stay valid for as
// long as the registry renders them; the registry must outlive this object.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "lib/metrics/registry.h"
#include "lib/resilience/circuit_breaker.h"
#include "lib/resilience/clock.h"

namespace cairn::accountservice {

class BreakerMetrics {
 public:
  explicit BreakerMetrics(metrics::Registry& registry);

  // A new breaker, observed and exported. `clock` must outlive it.
  std::shared_ptr<resilience::CircuitBreaker> Make(
      std::string name, resilience::BreakerSettings settings,
      const resilience::Clock& clock = resilience::SteadyClock());

 private:
  struct Tracked {
    std::mutex mu;
    std::vector<std::shared_ptr<resilience::CircuitBreaker>> breakers;
  };

  metrics::Family<metrics::Counter>& transitions_;
  std::shared_ptr<Tracked> tracked_;
};

}  // namespace cairn::accountservice
