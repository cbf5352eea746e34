// Worker: one I/O thread of cairn-edge, Envoy-style. It owns an io_context run by that thread
// alone, its listeners (one socket per listener and worker, SO_REUSEPORT, so the kernel spreads
// connections), the client connections it accepted, a keep-alive pool to the upstreams and a
// deadline watchdog. Nothing on the request path is shared with other workers except the
// snapshot (immutable), the services' atomics, the metrics and the tracer.
//
// Life cycle (driven by EdgeServer from the main thread): Listen for each listener, Start, then
// any number of Publish (new snapshot on reload); at stop BeginDrain (close listeners and idle
// connections; requests in flight finish and their connections close), CloseAll after the drain
// deadline, and Join.
#pragma once

#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <deque>
#include <memory>
#include <thread>
#include <vector>

#include "apps/edge/access_log.h"
#include "apps/edge/edge_metrics.h"
#include "apps/edge/snapshot.h"
#include "cairn/trace/tracer.h"
#include "lib/base/status.h"
#include "lib/net/deadline_list.h"
#include "lib/net/upstream_pool.h"

namespace cairn::edge {

// What all workers share; owned by EdgeServer and outliving the workers.
struct EdgeShared {
  EdgeMetrics* metrics = nullptr;
  trace::Tracer* tracer = nullptr;
  AccessLog* access_log = nullptr;          // null: no access log
  std::atomic<std::size_t> connections{0};  // open client connections, all workers
  std::atomic<bool> draining{false};
};

// A client connection as the worker sees it, for draining. Owned by its session coroutine.
struct SessionHandle {
  boost::asio::ip::tcp::socket* socket = nullptr;
  bool idle = true;  // waiting for a request: closing it loses nothing
  SessionHandle* prev = nullptr;
  SessionHandle* next = nullptr;
};

class Worker {
 public:
  Worker(EdgeShared& shared, std::size_t index, const EdgeConfig& config);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Binds a listener on `endpoint` (SO_REUSEPORT) and returns the bound port. Before Start.
  Result<std::uint16_t> Listen(const boost::asio::ip::tcp::endpoint& endpoint, bool tls);
  // Starts the thread with `snapshot` as the current configuration.
  void Start(std::shared_ptr<const Snapshot> snapshot);
  // Thread-safe: the worker switches to `snapshot` for new requests.
  void Publish(std::shared_ptr<const Snapshot> snapshot);
  // Thread-safe: stop accepting, close idle client connections (shared.draining must be set).
  void BeginDrain();
  // Thread-safe: close every client and upstream connection.
  void CloseAll();
  // Stops the io_context and joins the thread.
  void Join();

  // ---- worker thread only ----
  boost::asio::io_context& ioc() { return *ioc_; }
  EdgeShared& shared() { return shared_; }
  net::DeadlineList& deadlines() { return deadlines_; }
  net::UpstreamPool& pool() { return pool_; }
  const std::shared_ptr<const Snapshot>& snapshot() const { return snapshot_; }
  AccessLogBuffer& access_log() { return access_log_; }
  const LimitsConfig& limits() const { return limits_; }
  std::size_t index() const { return index_; }

  void Register(SessionHandle& handle);
  void Unregister(SessionHandle& handle);

  // Waiting for an upstream connection when a service is at its connection limit: the wait ends
  // when a connection is released on this worker (NotifyConnectionFree) or at `deadline`.
  boost::asio::awaitable<void> WaitForConnection(std::chrono::steady_clock::time_point deadline);
  void NotifyConnectionFree();

 private:
  boost::asio::awaitable<void> AcceptLoop(boost::asio::ip::tcp::acceptor& acceptor, bool tls);
  boost::asio::awaitable<void> Housekeeping();

  EdgeShared& shared_;
  const std::size_t index_;
  const LimitsConfig limits_;  // listener-level limits are fixed at start
  // First member: destroyed explicitly in ~Worker (see there), before anything coroutines use.
  std::unique_ptr<boost::asio::io_context> ioc_ = std::make_unique<boost::asio::io_context>(1);
  net::DeadlineList deadlines_;
  net::UpstreamPool pool_;
  AccessLogBuffer access_log_;
  std::shared_ptr<const Snapshot> snapshot_;
  struct Listener {
    std::unique_ptr<boost::asio::ip::tcp::acceptor> acceptor;
    bool tls;
  };
  std::vector<Listener> listeners_;
  SessionHandle* sessions_ = nullptr;
  std::deque<boost::asio::steady_timer*> connection_waiters_;
  std::thread thread_;
  bool stopping_ = false;
};

}  // namespace cairn::edge
