#include "apps/edge/edge_metrics.h"

#include "lib/metrics/process_metrics.h"

namespace cairn::edge {

RouteMetrics::RouteMetrics(metrics::Family<metrics::Counter>& family, std::string route)
    : family_(family), route_(std::move(route)) {}

void RouteMetrics::CountResponse(unsigned status) {
  if (status < 100 || status > 599) status = 599;
  std::atomic<metrics::Counter*>& slot = by_status_[status - 100];
  metrics::Counter* counter = slot.load(std::memory_order_acquire);
  if (counter == nullptr) {
    const std::string code = std::to_string(status);
    counter = &family_.With({route_, code});  // the same series for every thread
    slot.store(counter, std::memory_order_release);
  }
  counter->Increment();
}

EdgeMetrics::EdgeMetrics()
    : requests_(registry_.AddCounterFamily("cairn_edge_requests_total",
                                           "Responses sent, by route id and status code",
                                           {"route", "code"})),
      latency_(registry_.AddHistogramFamily(
          "cairn_edge_upstream_latency_seconds",
          "Time from sending a request upstream to receiving its response header",
          {0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5,
           5, 10},
          {"service"})),
      retries_(registry_.AddCounterFamily("cairn_edge_upstream_retries_total",
                                          "Upstream attempts after the first", {"service"})),
      ejections_(registry_.AddCounterFamily("cairn_edge_upstream_ejections_total",
                                            "Hosts ejected by outlier detection", {"service"})),
      connect_failures_(registry_.AddCounterFamily("cairn_edge_upstream_connect_failures_total",
                                                   "Failed upstream connects (incl. timeouts)",
                                                   {"service"})),
      breaker_(registry_.AddCounterFamily("cairn_edge_breaker_rejections_total",
                                          "Requests answered 503 by circuit breaking",
                                          {"service", "limit"})) {
  auto& rejected = registry_.AddCounterFamily(
      "cairn_edge_rejected_requests_total",
      "Client requests or connections refused before routing, by reason", {"reason"});
  static constexpr std::string_view kReasons[] = {
      "malformed",      "header_too_large", "too_many_headers", "body_too_large",
      "header_timeout", "body_timeout",     "connection_limit", "bad_path"};
  for (int i = 0; i < static_cast<int>(Rejection::kCount); ++i) {
    rejections_[i] = &rejected.With({kReasons[i]});
  }
  downstream_connections_ =
      &registry_.AddGauge("cairn_edge_downstream_connections", "Open client connections");
  tls_failures_ = &registry_.AddCounter("cairn_edge_tls_handshake_failures_total",
                                        "Client TLS handshakes that failed");
  auto& reloads = registry_.AddCounterFamily("cairn_edge_config_reloads_total",
                                             "Configuration reloads (SIGHUP)", {"result"});
  reload_ok_ = &reloads.With({"success"});
  reload_failed_ = &reloads.With({"failure"});
  metrics::RegisterProcessMetrics(registry_);
}

RouteMetrics& EdgeMetrics::Route(const std::string& id) {
  std::lock_guard lock(mu_);
  auto it = routes_.find(id);
  if (it == routes_.end()) {
    it = routes_.emplace(id, std::make_unique<RouteMetrics>(requests_, id)).first;
  }
  return *it->second;
}

ServiceMetrics& EdgeMetrics::Service(const std::string& name) {
  std::lock_guard lock(mu_);
  auto it = services_.find(name);
  if (it == services_.end()) {
    auto m = std::make_unique<ServiceMetrics>();
    m->latency = &latency_.With({name});
    m->retries = &retries_.With({name});
    m->ejections = &ejections_.With({name});
    m->connect_failures = &connect_failures_.With({name});
    m->breaker[0] = &breaker_.With({name, "max_connections"});
    m->breaker[1] = &breaker_.With({name, "max_pending_requests"});
    m->breaker[2] = &breaker_.With({name, "max_requests"});
    it = services_.emplace(name, std::move(m)).first;
  }
  return *it->second;
}

}  // namespace cairn::edge
