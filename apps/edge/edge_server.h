// EdgeServer: cairn-edge in-process. It owns the workers, the process-wide state they share
// (metrics, tracer, access log), the current Snapshot and the health checker.
//
//   auto server = EdgeServer::Create(config);      // certificates, routes, tracer, access log
//   CAIRN_RETURN_IF_ERROR((*server)->Start());     // listening once this returns
//   (*server)->Reload(new_config);                 // SIGHUP: routes and certificates
//   (*server)->Stop();                             // SIGTERM: drain, then stop
//
// Reload builds a new snapshot (failing without any effect when the new configuration is bad)
// and hands it to every worker: requests in flight finish on the old one. Listener addresses,
// worker count, limits, tracing and the access log file are fixed at start; a reload that changes
// them says so in its result message and keeps the old values.
//
// Stop drains: listeners close, idle connections close, requests in flight finish (their
// responses say Connection: close) for up to limits.drain-timeout, then everything is closed, the
// reporter flushed and the workers joined. Start, Reload and Stop are for one controlling thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "apps/edge/access_log.h"
#include "apps/edge/edge_config.h"
#include "apps/edge/edge_metrics.h"
#include "apps/edge/edge_tracing.h"
#include "apps/edge/health_checker.h"
#include "apps/edge/snapshot.h"
#include "apps/edge/worker.h"
#include "lib/base/status.h"

namespace cairn::edge {

class EdgeServer {
 public:
  static Result<std::unique_ptr<EdgeServer>> Create(EdgeConfig config);
  ~EdgeServer();

  Status Start();
  // Ok (with a note in *notes about settings that need a restart), or the reason the new
  // configuration was refused (the old one stays in force).
  Status Reload(EdgeConfig config, std::string* notes = nullptr);
  void Stop();

  std::uint16_t https_port() const { return https_port_; }
  std::uint16_t http_port() const { return http_port_; }
  EdgeMetrics& metrics() { return *metrics_; }
  std::shared_ptr<const Snapshot> snapshot() const { return snapshot_; }
  trace::AsyncReporter* reporter() { return tracer_.reporter.get(); }
  std::size_t open_connections() const { return shared_.connections.load(); }

 private:
  EdgeServer() = default;

  std::unique_ptr<EdgeMetrics> metrics_;
  EdgeTracer tracer_;
  std::unique_ptr<AccessLog> access_log_;
  EdgeShared shared_;
  std::shared_ptr<const Snapshot> snapshot_;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::unique_ptr<HealthChecker> health_;
  std::uint16_t https_port_ = 0;
  std::uint16_t http_port_ = 0;
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace cairn::edge
