// Snapshot: one configuration generation, immutable once built: the config, its services (with
// their runtime state), the route table and the TLS context. Workers hold a shared_ptr to the
// current one and each request keeps the one it started with, so a reload (SIGHUP) swaps in a new
// snapshot without disturbing requests in flight.
#pragma once

#include <memory>
#include <vector>

#include "apps/edge/edge_config.h"
#include "apps/edge/edge_metrics.h"
#include "apps/edge/route_table.h"
#include "apps/edge/service.h"
#include "lib/base/status.h"
#include "lib/net/tls_stream.h"

namespace cairn::edge {

struct Snapshot {
  EdgeConfig config;
  std::vector<std::unique_ptr<Service>> services;
  std::unique_ptr<RouteTable> routes;
  std::shared_ptr<const net::TlsServerContext> tls;  // null when HTTPS is off

  // Loads the certificate (when HTTPS is on) and builds services and routes. Errors name the
  // offending file or route.
  static Result<std::shared_ptr<const Snapshot>> Build(EdgeConfig config, EdgeMetrics& metrics);
};

}  // namespace cairn::edge
