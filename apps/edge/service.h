// Service: the runtime state of one upstream group, shared by every worker: load balancing
// (round robin or least request), passive outlier ejection, active health verdicts and circuit
// breaking counters. Built from a ServiceConfig for each configuration generation; a reload builds
// new Services (state starts fresh) while requests in flight finish on the old ones.
//
// Outlier ejection (Envoy's consecutive_5xx / gateway failures): ReportFailure for a connect
// failure or a 5xx answer, ReportSuccess for anything else; `consecutive_failures` in a row eject
// the host for `ejection_time`, unless that would put more than `max_ejection_percent` of the
// hosts out (so one host alone is never ejected). An ejected host returns on its own when its
// time is up.
//
// Circuit breaking (Envoy's cluster thresholds): TryStartRequest fails past max_requests active
// requests, TryStartPending past max_pending_requests requests waiting for a connection;
// connections() counts open upstream connections against max_connections.
//
// Thread-safe: all state is atomic; Pick may run on every worker at once.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <vector>

#include "apps/edge/edge_config.h"
#include "apps/edge/edge_metrics.h"

namespace cairn::edge {

struct HostState {
  const UpstreamHost* config = nullptr;
  std::atomic<int> active_requests{0};
  std::atomic<int> consecutive_failures{0};
  std::atomic<std::int64_t> ejected_until{0};  // steady_clock ticks; 0: not ejected
  std::atomic<bool> healthy{true};             // active health check verdict
  int health_streak = 0;                       // health checker thread only
};

class Service {
 public:
  using Clock = std::chrono::steady_clock;

  Service(const ServiceConfig& config, ServiceMetrics& metrics);
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  const ServiceConfig& config() const { return config_; }
  const std::string& name() const { return config_.name; }
  ServiceMetrics& metrics() { return metrics_; }
  std::size_t host_count() const { return hosts_.size(); }
  HostState& host(std::size_t i) { return hosts_[i]; }

  // A host to send the next attempt to: available (healthy and not ejected) and, when possible,
  // not one of the hosts in `tried` (bit i = host i). nullptr when no host is available.
  HostState* Pick(std::uint64_t tried, Clock::time_point now);
  std::size_t IndexOf(const HostState& host) const {
    return static_cast<std::size_t>(&host - hosts_.data());
  }

  void ReportSuccess(HostState& host);
  // Returns true when this failure ejected the host.
  bool ReportFailure(HostState& host, Clock::time_point now);
  bool IsEjected(const HostState& host, Clock::time_point now) const;
  std::size_t EjectedCount(Clock::time_point now) const;

  bool TryStartRequest();
  void EndRequest() { active_requests_.fetch_sub(1, std::memory_order_relaxed); }
  bool TryStartPending();
  void EndPending() { pending_.fetch_sub(1, std::memory_order_relaxed); }
  // Open connection count, shared with the connections (which may outlive the service).
  const std::shared_ptr<std::atomic<std::int64_t>>& connections() const { return connections_; }
  bool AtConnectionLimit() const {
    return connections_->load(std::memory_order_relaxed) >=
           static_cast<std::int64_t>(config_.circuit_breaker.max_connections);
  }

 private:
  bool Available(const HostState& h, Clock::time_point now) const {
    return h.healthy.load(std::memory_order_relaxed) && !IsEjected(h, now);
  }

  const ServiceConfig& config_;
  ServiceMetrics& metrics_;
  std::vector<HostState> hosts_;
  std::atomic<std::uint64_t> rr_{0};
  std::atomic<std::int64_t> active_requests_{0};
  std::atomic<std::int64_t> pending_{0};
  std::shared_ptr<std::atomic<std::int64_t>> connections_ =
      std::make_shared<std::atomic<std::int64_t>>(0);
};

}  // namespace cairn::edge
