// Operational endpoints (zipkin-reference §1.5): /health, /info, /metrics and /prometheus, plus
// their Spring actuator aliases (/actuator/health, /actuator/info, /actuator/prometheus).
//
// - /health: 200 {"status":"UP","zipkin":{"status":"UP","details":{"<Describe()>":{"status":
//   "UP"}}}} when SpanStore::Check() is OK; 503 with status DOWN and details.error otherwise, and
//   Zipkin's "Timed out computing health status..." when the check takes longer than its timeout.
// - /info: {"zipkin":{"version":"<cairn version>","commit":"<commit>"}}.
// - /metrics: Zipkin's flat JSON (counter.zipkin_collector.<metric>.<transport>, gauge....).
// - /prometheus: text exposition format 0.0.4 with zipkin_collector_*_total{transport},
//   http_server_requests_seconds_{count,sum,max}{method,status,uri} and cairn's queue, pool and
//   HTTP server gauges and counters.
// The render functions are pure so tests can check the exact text.
#pragma once

#include <chrono>
#include <functional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "apps/server/metrics.h"
#include "apps/server/write_queue.h"
#include "lib/net/blocking_pool.h"
#include "lib/net/router.h"
#include "lib/net/server_options.h"
#include "lib/storage/span_store.h"

namespace cairn::server {

// What the ops endpoints read. Everything referenced must outlive the router.
struct OpsSources {
  storage::SpanStore* store = nullptr;
  net::BlockingPool* pool = nullptr;  // runs Check(), which may block
  std::chrono::milliseconds health_timeout{11'000};
  std::vector<const CollectorMetrics*> collectors;
  const HttpRequestMetrics* requests = nullptr;
  std::size_t write_queue_capacity = 0;
  std::function<WriteQueueStats()> write_queue;
  std::function<net::ServerStats()> http_server;
};

void AddOpsRoutes(net::Router& router, OpsSources sources);

// Health document for one storage component; `error` is used when !up.
std::string HealthJson(bool up, std::string_view component, std::string_view error);
// Health document when the check timed out.
std::string HealthTimeoutJson();
std::string InfoJson();
std::string MetricsJson(std::span<const CollectorMetrics* const> collectors);
std::string PrometheusText(const OpsSources& sources);

}  // namespace cairn::server
