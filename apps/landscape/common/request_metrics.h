// /metrics for landscape HTTP servers: request latency by method, route and status, and the HTTP
// server's and blocking pool's own counters.
//
//   http_server_requests_seconds{method,route,status}  histogram of handling time
//   cairn_http_connections_active, cairn_http_connections_total, cairn_http_rejected_total{reason}
//   cairn_blocking_pool_pending, cairn_blocking_pool_rejected_total
//
// Labels are bounded: `route` is the matched route template ("none" when no route matched),
// `method` a known HTTP method or "OTHER", `status` the numeric status.
#pragma once

#include <functional>
#include <string_view>

#include "lib/metrics/registry.h"
#include "lib/net/blocking_pool.h"
#include "lib/net/handler.h"
#include "lib/net/server_options.h"

namespace cairn::landscape {

// "GET", "POST", ... for the standard methods, "OTHER" for anything else.
std::string_view MethodLabel(net::http::verb method);

// Times every request (including the router's own 404/405 answers) into
// http_server_requests_seconds. Registers the family in `registry`, which must outlive the router.
net::Middleware RequestMetricsMiddleware(metrics::Registry& registry);

// Server and pool counters, read at each scrape. `stats` must stay callable while the registry
// renders; `pool` must outlive the registry's use of it.
void RegisterServerMetrics(metrics::Registry& registry, std::function<net::ServerStats()> stats);
void RegisterPoolMetrics(metrics::Registry& registry, const net::BlockingPool& pool);

}  // namespace cairn::landscape
