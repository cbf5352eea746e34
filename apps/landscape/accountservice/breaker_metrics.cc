#include "apps/landscape/accountservice/breaker_metrics.h"

#include <spdlog/spdlog.h>

#include <array>
#include <cstdint>
#include <utility>

namespace cairn::accountservice {
namespace {

using resilience::BreakerState;
using resilience::BreakerStateName;

constexpr std::array<BreakerState, 3> kStates = {BreakerState::kClosed, BreakerState::kOpen,
                                                 BreakerState::kHalfOpen};

}  // namespace

BreakerMetrics::BreakerMetrics(metrics::Registry& registry)
    : transitions_(registry.AddCounterFamily("circuit_breaker_transitions_total",
                                             "Circuit breaker state changes",
                                             {"name", "from", "to"})),
      tracked_(std::make_shared<Tracked>()) {
  registry.AddCollector([tracked = tracked_](metrics::TextWriter& w) {
    std::vector<std::shared_ptr<resilience::CircuitBreaker>> breakers;
    {
      std::lock_guard<std::mutex> lock(tracked->mu);
      breakers = tracked->breakers;
    }
    if (breakers.empty()) return;
    std::vector<resilience::BreakerStats> stats;
    for (const auto& breaker : breakers) stats.push_back(breaker->Stats());

    w.Family("circuit_breaker_state", metrics::MetricType::kGauge,
             "1 for the state each circuit breaker is in, 0 for the others");
    for (std::size_t i = 0; i < breakers.size(); ++i) {
      for (BreakerState state : kStates) {
        w.Sample("circuit_breaker_state",
                 {{"name", breakers[i]->name()}, {"state", BreakerStateName(state)}},
                 std::uint64_t{stats[i].state == state ? 1u : 0u});
      }
    }
    w.Family("circuit_breaker_events_total", metrics::MetricType::kCounter,
             "Calls through each circuit breaker, by outcome");
    for (std::size_t i = 0; i < breakers.size(); ++i) {
      const resilience::BreakerStats& s = stats[i];
      const std::string& name = breakers[i]->name();
      w.Sample("circuit_breaker_events_total", {{"name", name}, {"event", "success"}}, s.successes);
      w.Sample("circuit_breaker_events_total", {{"name", name}, {"event", "failure"}}, s.failures);
      w.Sample("circuit_breaker_events_total", {{"name", name}, {"event", "timeout"}}, s.timeouts);
      w.Sample("circuit_breaker_events_total", {{"name", name}, {"event", "short_circuited"}},
               s.short_circuited);
      w.Sample("circuit_breaker_events_total", {{"name", name}, {"event", "rejected"}}, s.rejected);
    }
    w.Family("circuit_breaker_in_flight", metrics::MetricType::kGauge,
             "Calls each circuit breaker admitted that have not finished");
    for (std::size_t i = 0; i < breakers.size(); ++i) {
      w.Sample("circuit_breaker_in_flight", {{"name", breakers[i]->name()}}, stats[i].in_flight);
    }
  });
}

std::shared_ptr<resilience::CircuitBreaker> BreakerMetrics::Make(
    std::string name, resilience::BreakerSettings settings, const resilience::Clock& clock) {
  auto observer = [&transitions = transitions_](std::string_view breaker, BreakerState from,
                                                BreakerState to) {
    transitions.With({breaker, BreakerStateName(from), BreakerStateName(to)}).Increment();
    if (to == BreakerState::kOpen) {
      spdlog::warn("circuit breaker {}: {} -> {}", breaker, BreakerStateName(from),
                   BreakerStateName(to));
    } else {
      spdlog::info("circuit breaker {}: {} -> {}", breaker, BreakerStateName(from),
                   BreakerStateName(to));
    }
  };
  auto breaker = std::make_shared<resilience::CircuitBreaker>(std::move(name), settings, clock,
                                                              std::move(observer));
  std::lock_guard<std::mutex> lock(tracked_->mu);
  tracked_->breakers.push_back(breaker);
  return breaker;
}

}  // namespace cairn::accountservice
