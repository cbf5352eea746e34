#include "apps/edge/edge_server.h"

#include <boost/asio/ip/address.hpp>
#include <thread>

namespace cairn::edge {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

Result<tcp::endpoint> Endpoint(const ListenerConfig& l, std::string_view what) {
  boost::system::error_code ec;
  asio::ip::address address = l.address == "localhost"
                                  ? asio::ip::address(asio::ip::address_v4::loopback())
                                  : asio::ip::make_address(l.address, ec);
  if (ec)
    return InvalidArgument(std::string(what) + ".address '" + l.address + "' is not an IP address");
  return tcp::endpoint(address, l.port);
}

void Note(std::string* notes, std::string_view text) {
  if (notes == nullptr) return;
  if (!notes->empty()) *notes += "; ";
  *notes += text;
}

}  // namespace

Result<std::unique_ptr<EdgeServer>> EdgeServer::Create(EdgeConfig config) {
  std::unique_ptr<EdgeServer> server(new EdgeServer());
  server->metrics_ = std::make_unique<EdgeMetrics>();
  Result<EdgeTracer> tracer = MakeEdgeTracer(config.tracing);
  if (!tracer.ok()) return tracer.status();
  server->tracer_ = std::move(tracer).value();
  if (!config.access_log.empty()) {
    Result<std::unique_ptr<AccessLog>> log = AccessLog::Open(config.access_log);
    if (!log.ok()) return log.status();
    server->access_log_ = std::move(log).value();
  }
  Result<std::shared_ptr<const Snapshot>> snapshot =
      Snapshot::Build(std::move(config), *server->metrics_);
  if (!snapshot.ok()) return snapshot.status();
  server->snapshot_ = std::move(snapshot).value();
  server->shared_.metrics = server->metrics_.get();
  server->shared_.tracer = server->tracer_.tracer.get();
  server->shared_.access_log = server->access_log_.get();
  return server;
}

EdgeServer::~EdgeServer() { Stop(); }

Status EdgeServer::Start() {
  if (started_) return FailedPrecondition("EdgeServer already started");
  const EdgeConfig& c = snapshot_->config;
  std::size_t n = c.workers != 0 ? c.workers : std::max(1u, std::thread::hardware_concurrency());
  for (std::size_t i = 0; i < n; ++i) workers_.push_back(std::make_unique<Worker>(shared_, i, c));
  // Each worker gets its own socket on every listener; an ephemeral port is fixed by the first.
  struct Spec {
    const ListenerConfig* config;
    bool tls;
    std::uint16_t* port;
    std::string_view what;
  };
  for (const Spec& spec :
       {Spec{&c.https, true, &https_port_, "https"}, Spec{&c.http, false, &http_port_, "http"}}) {
    if (!spec.config->enabled) continue;
    Result<tcp::endpoint> endpoint = Endpoint(*spec.config, spec.what);
    if (!endpoint.ok()) return endpoint.status();
    for (auto& worker : workers_) {
      Result<std::uint16_t> port = worker->Listen(*endpoint, spec.tls);
      if (!port.ok()) return port.status();
      *spec.port = *port;
      endpoint->port(*port);
    }
  }
  for (auto& worker : workers_) worker->Start(snapshot_);
  health_ = std::make_unique<HealthChecker>();
  health_->SetSnapshot(snapshot_);
  started_ = true;
  return Status::Ok();
}

Status EdgeServer::Reload(EdgeConfig config, std::string* notes) {
  const EdgeConfig& old = snapshot_->config;
  auto listener_changed = [](const ListenerConfig& a, const ListenerConfig& b) {
    return a.enabled != b.enabled || a.address != b.address || a.port != b.port;
  };
  if (listener_changed(old.https, config.https) || listener_changed(old.http, config.http)) {
    Note(notes, "listener changes need a restart");
    config.https = old.https;
    config.http = old.http;
  }
  if (old.workers != config.workers) {
    Note(notes, "a new worker count needs a restart");
    config.workers = old.workers;
  }
  if (old.tracing.zipkin_url != config.tracing.zipkin_url ||
      old.tracing.sample_rate != config.tracing.sample_rate ||
      old.tracing.service_name != config.tracing.service_name) {
    Note(notes, "tracing changes need a restart");
    config.tracing = old.tracing;
  }
  if (old.access_log != config.access_log) {
    Note(notes, "a new access log file needs a restart");
    config.access_log = old.access_log;
  }
  // Limits are read by connections from the worker, fixed at start.
  config.limits = old.limits;
  Result<std::shared_ptr<const Snapshot>> snapshot = Snapshot::Build(std::move(config), *metrics_);
  if (!snapshot.ok()) {
    metrics_->CountReload(false);
    return snapshot.status();
  }
  snapshot_ = std::move(snapshot).value();
  for (auto& worker : workers_) worker->Publish(snapshot_);
  if (health_) health_->SetSnapshot(snapshot_);
  metrics_->CountReload(true);
  return Status::Ok();
}

void EdgeServer::Stop() {
  if (!started_ || stopped_) return;
  stopped_ = true;
  shared_.draining.store(true);
  for (auto& worker : workers_) worker->BeginDrain();
  const auto deadline = std::chrono::steady_clock::now() + snapshot_->config.limits.drain_timeout;
  while (shared_.connections.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    for (auto& worker : workers_) worker->BeginDrain();  // connections that went idle since
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  for (auto& worker : workers_) worker->CloseAll();
  workers_.clear();  // joins
  if (health_) health_->Stop();
  if (tracer_.reporter) (void)tracer_.reporter->Flush(std::chrono::seconds(2));
}

}  // namespace cairn::edge
