#include "apps/edge/snapshot.h"

namespace cairn::edge {

Result<std::shared_ptr<const Snapshot>> Snapshot::Build(EdgeConfig config, EdgeMetrics& metrics) {
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->config = std::move(config);
  const EdgeConfig& c = snapshot->config;
  if (c.https.enabled) {
    Result<std::shared_ptr<const net::TlsServerContext>> tls =
        net::TlsServerContext::Load({c.cert_file, c.key_file});
    if (!tls.ok()) return tls.status();
    snapshot->tls = std::move(tls).value();
  }
  for (const ServiceConfig& s : c.services) {
    snapshot->services.push_back(std::make_unique<Service>(s, metrics.Service(s.name)));
  }
  Result<std::unique_ptr<RouteTable>> routes = RouteTable::Build(c, snapshot->services, metrics);
  if (!routes.ok()) return routes.status();
  snapshot->routes = std::move(routes).value();
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

}  // namespace cairn::edge
