// The edge's Prometheus metrics, registered once per process in a metrics::Registry and rendered
// at /metrics. Hot-path series (per route and status, per service) are looked up once and cached,
// so counting a request costs a few relaxed atomic increments.
//
//   cairn_edge_requests_total{route,code}                 responses sent, by route id and status
//   cairn_edge_upstream_latency_seconds{service}          upstream attempt to response header
//   cairn_edge_upstream_retries_total{service}            attempts after the first
//   cairn_edge_upstream_ejections_total{service}          hosts ejected by outlier detection
//   cairn_edge_breaker_rejections_total{service,limit}    503s from circuit breaking
//   cairn_edge_upstream_connect_failures_total{service}
//   cairn_edge_rejected_requests_total{reason}            400/413/431, timeouts, connection limit
//   cairn_edge_downstream_connections                     open client connections (gauge)
//   cairn_edge_tls_handshake_failures_total
//   cairn_edge_config_reloads_total{result}
// plus the tracer's reporter counters and the process_* metrics.
//
// Thread-safe: every method may be called from any thread.
#pragma once

#include <array>
#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "lib/metrics/registry.h"

namespace cairn::edge {

enum class Rejection {
  kMalformed,
  kHeaderTooLarge,
  kTooManyHeaders,
  kBodyTooLarge,
  kHeaderTimeout,
  kBodyTimeout,
  kConnectionLimit,
  kBadPath,
  kCount
};

enum class BreakerLimit { kMaxConnections, kMaxPendingRequests, kMaxRequests };

// Counters of one route: requests by status code.
class RouteMetrics {
 public:
  RouteMetrics(metrics::Family<metrics::Counter>& family, std::string route);
  void CountResponse(unsigned status);

 private:
  metrics::Family<metrics::Counter>& family_;
  std::string route_;
  std::array<std::atomic<metrics::Counter*>, 500> by_status_{};  // 100..599
};

struct ServiceMetrics {
  metrics::Histogram* latency;
  metrics::Counter* retries;
  metrics::Counter* ejections;
  metrics::Counter* connect_failures;
  std::array<metrics::Counter*, 3> breaker;  // by BreakerLimit
};

class EdgeMetrics {
 public:
  EdgeMetrics();

  metrics::Registry& registry() { return registry_; }

  // Series of a route or service, created on first use and kept across reloads.
  RouteMetrics& Route(const std::string& id);
  ServiceMetrics& Service(const std::string& name);

  void Reject(Rejection reason) { rejections_[static_cast<int>(reason)]->Increment(); }
  metrics::Gauge& downstream_connections() { return *downstream_connections_; }
  metrics::Counter& tls_handshake_failures() { return *tls_failures_; }
  void CountReload(bool ok) { (ok ? reload_ok_ : reload_failed_)->Increment(); }
  // Requests matching no route (404), and admin requests, are counted under these route labels.
  RouteMetrics& no_route() { return Route("-"); }

  std::string Render() const { return registry_.Render(); }

 private:
  metrics::Registry registry_;
  metrics::Family<metrics::Counter>& requests_;
  metrics::Family<metrics::Histogram>& latency_;
  metrics::Family<metrics::Counter>& retries_;
  metrics::Family<metrics::Counter>& ejections_;
  metrics::Family<metrics::Counter>& connect_failures_;
  metrics::Family<metrics::Counter>& breaker_;
  std::array<metrics::Counter*, static_cast<int>(Rejection::kCount)> rejections_{};
  metrics::Gauge* downstream_connections_;
  metrics::Counter* tls_failures_;
  metrics::Counter* reload_ok_;
  metrics::Counter* reload_failed_;

  std::mutex mu_;
  std::map<std::string, std::unique_ptr<RouteMetrics>, std::less<>> routes_;
  std::map<std::string, std::unique_ptr<ServiceMetrics>, std::less<>> services_;
};

}  // namespace cairn::edge
