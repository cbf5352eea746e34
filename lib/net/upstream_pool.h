// UpstreamPool: keep-alive connections from one thread to upstream servers, for proxies and
// clients. Idle connections are kept per endpoint (most recently used first, so the rest age out),
// at most `max_idle_per_endpoint` each and for at most `idle_timeout`.
//
//   std::unique_ptr<UpstreamConnection> conn = pool.TakeIdle(endpoint);
//   if (!conn) conn = co_await pool.Connect(endpoint, connect_timeout, ec);
//   ... write a request, read the whole response ...
//   pool.Release(std::move(conn));   // only when the response was read completely with keep-alive
//
// A connection taken from the idle list may have been closed by the server in the meantime: a
// request on a reused connection (reused() true) that fails before any response byte arrived is
// safe to send again on a fresh connection. Timeouts use the connection's Deadline on the thread's
// DeadlineList.
//
// Thread-safety: none; a pool, its DeadlineList and its connections belong to one thread (an
// io_context run by that thread alone). Destroying the pool closes its idle connections.
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <vector>

#include "lib/net/deadline_list.h"
#include "lib/net/read_buffer.h"
#include "lib/net/tcp_stream.h"

namespace cairn::net {

struct UpstreamConnection {
  UpstreamConnection(DeadlineList& deadlines, boost::asio::ip::tcp::socket socket,
                     const boost::asio::ip::tcp::endpoint& endpoint, std::size_t buffer_bytes);
  ~UpstreamConnection();
  UpstreamConnection(const UpstreamConnection&) = delete;
  UpstreamConnection& operator=(const UpstreamConnection&) = delete;

  TcpStream stream;
  Deadline deadline;
  ReadBuffer buffer;
  boost::asio::ip::tcp::endpoint endpoint;
  // Requests completed on this connection; 0 for a fresh one.
  std::uint64_t requests = 0;
  std::chrono::steady_clock::time_point idle_since{};
  // When set, decremented once when the connection is destroyed: lets a user keep a count of open
  // connections (e.g. per upstream service, for connection limits) that may outlive the pool.
  std::shared_ptr<std::atomic<std::int64_t>> open_count;

  bool reused() const { return requests > 0; }
};

struct UpstreamPoolOptions {
  std::size_t max_idle_per_endpoint = 64;
  std::chrono::milliseconds idle_timeout{30'000};
  // Read buffer per connection; response headers larger than this are refused.
  std::size_t buffer_bytes = 32 * 1024;
};

struct UpstreamPoolStats {
  std::uint64_t connects = 0;
  std::uint64_t connect_failures = 0;
  std::uint64_t reuses = 0;
  std::uint64_t idle_closed = 0;  // expired or over the idle limit
  std::size_t idle = 0;
};

class UpstreamPool {
 public:
  UpstreamPool(boost::asio::any_io_executor executor, DeadlineList& deadlines,
               UpstreamPoolOptions options = {});
  ~UpstreamPool();
  UpstreamPool(const UpstreamPool&) = delete;
  UpstreamPool& operator=(const UpstreamPool&) = delete;

  // The most recently released idle connection to `endpoint`, or nullptr.
  std::unique_ptr<UpstreamConnection> TakeIdle(const boost::asio::ip::tcp::endpoint& endpoint);

  // A new connection; nullptr with `ec` set on failure (asio::error::timed_out after `timeout`).
  boost::asio::awaitable<std::unique_ptr<UpstreamConnection>> Connect(
      const boost::asio::ip::tcp::endpoint& endpoint, std::chrono::milliseconds timeout,
      boost::system::error_code& ec);

  // Keeps `conn` for reuse (counts the request it served); closes it when the endpoint already
  // has max_idle_per_endpoint idle connections or the socket is closed.
  void Release(std::unique_ptr<UpstreamConnection> conn);

  // Closes idle connections older than idle_timeout.
  void EvictExpired(std::chrono::steady_clock::time_point now);
  // Closes every idle connection.
  void Clear();

  const UpstreamPoolStats& stats() const { return stats_; }
  const UpstreamPoolOptions& options() const { return options_; }

 private:
  boost::asio::any_io_executor executor_;
  DeadlineList& deadlines_;
  UpstreamPoolOptions options_;
  std::map<boost::asio::ip::tcp::endpoint, std::vector<std::unique_ptr<UpstreamConnection>>> idle_;
  UpstreamPoolStats stats_;
};

}  // namespace cairn::net
