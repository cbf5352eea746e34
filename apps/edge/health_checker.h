// HealthChecker: optional active health checks (Envoy's HTTP health checking). For every service
// with a `health-check` section, each host is sent `GET <path>` every `interval` on a fresh
// connection; a 2xx answer within `timeout` is a pass, anything else a failure.
// `unhealthy-threshold` failures in a row mark the host unhealthy (the load balancer skips it),
// `healthy-threshold` passes in a row mark it healthy again. Hosts start healthy.
//
// Runs on its own thread and io_context, so checks never delay requests. SetSnapshot switches to
// a new configuration generation (checks of the old one stop). Thread-safe: SetSnapshot and Stop
// may be called from any one thread.
#pragma once

#include <boost/asio/io_context.hpp>
#include <memory>
#include <thread>

#include "apps/edge/snapshot.h"
#include "lib/net/deadline_list.h"

namespace cairn::edge {

class HealthChecker {
 public:
  HealthChecker();
  ~HealthChecker();
  HealthChecker(const HealthChecker&) = delete;
  HealthChecker& operator=(const HealthChecker&) = delete;

  void SetSnapshot(std::shared_ptr<const Snapshot> snapshot);
  void Stop();

 private:
  boost::asio::awaitable<void> CheckLoop(std::shared_ptr<const Snapshot> snapshot, Service* service,
                                         std::size_t host, std::uint64_t generation);

  std::unique_ptr<boost::asio::io_context> ioc_ = std::make_unique<boost::asio::io_context>(1);
  net::DeadlineList deadlines_;
  std::uint64_t generation_ = 0;  // io thread only
  std::thread thread_;
  bool running_ = false;
};

// One check: GET `path` on `host` within `timeout`; true for a 2xx answer. For the checker and
// tests.
boost::asio::awaitable<bool> CheckOnce(net::DeadlineList& deadlines, const UpstreamHost& host,
                                       const std::string& path, std::chrono::milliseconds timeout);

}  // namespace cairn::edge
