// Internal to lib/net: the state an HttpServer shares with its listener and connection coroutines.
//
// ServerState is immutable configuration (options, router) plus thread-safe counters and the
// registry of open connections that Stop() walks. A Connection is owned jointly by its coroutine
// and by closures Stop() posts to the connection's strand; its members are touched only on that
// strand.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "lib/net/http.h"
#include "lib/net/router.h"
#include "lib/net/server_options.h"

namespace cairn::net::internal {

struct Connection {
  static constexpr std::int64_t kNoDeadline = std::numeric_limits<std::int64_t>::max();
  using Clock = std::chrono::steady_clock;

  explicit Connection(asio::ip::tcp::socket s) : socket(std::move(s)) {}

  // Every I/O phase (waiting for a request, reading it, writing the answer, lingering) sets a
  // deadline; the server's watchdog closes the socket of a connection whose deadline passed. This
  // costs a clock read and a relaxed store per phase instead of a timer operation per read/write.
  void ArmDeadline(std::chrono::milliseconds timeout) {
    deadline.store((Clock::now() + timeout).time_since_epoch().count(), std::memory_order_relaxed);
  }
  void DisarmDeadline() { deadline.store(kNoDeadline, std::memory_order_relaxed); }
  bool Expired(std::int64_t now) const { return deadline.load(std::memory_order_relaxed) <= now; }
  void Close() {
    boost::system::error_code ignored;
    socket.close(ignored);
  }

  asio::ip::tcp::socket socket;
  // Clock ticks (time_since_epoch) of the current phase's deadline; written on the strand, read by
  // the watchdog.
  std::atomic<std::int64_t> deadline{kNoDeadline};
  // True while the connection waits for the first byte of a request or lingers after its last
  // answer: closing it then loses no work. Strand-only.
  bool idle = false;
  // Set (on the strand) when the watchdog closed the socket because the deadline passed.
  bool timed_out = false;
};

struct Counters {
  using Counter = std::atomic<std::uint64_t>;
  Counter connections_accepted{0};
  Counter connections_rejected{0};
  Counter requests{0};
  std::array<Counter, 6> responses_by_class{};
  Counter rejected_malformed{0};
  Counter rejected_header_too_large{0};
  Counter rejected_body_too_large{0};
  Counter header_timeouts{0};
  Counter body_timeouts{0};
  Counter idle_timeouts{0};
  Counter write_errors{0};
  Counter handler_errors{0};
  Counter accept_errors{0};

  static void Inc(Counter& c) { c.fetch_add(1, std::memory_order_relaxed); }
  void CountResponse(unsigned status) { Inc(responses_by_class[StatusClass(status)]); }
};

class ServerState;

// Keeps a connection in the registry for as long as it lives (moved into the coroutine frame, so it
// unregisters even if the frame is destroyed without running).
class Registration {
 public:
  Registration(ServerState* state, Connection* conn, bool counted)
      : state_(state), conn_(conn), counted_(counted) {}
  Registration(Registration&& other) noexcept
      : state_(std::exchange(other.state_, nullptr)),
        conn_(other.conn_),
        counted_(other.counted_) {}
  Registration& operator=(Registration&&) = delete;
  ~Registration();

 private:
  ServerState* state_;
  Connection* conn_;
  bool counted_;
};

class ServerState {
 public:
  ServerState(ServerOptions options, Router router)
      : options(std::move(options)), router(std::move(router)) {}

  const ServerOptions options;
  const Router router;
  Counters counters;
  std::atomic<bool> stopping{false};
  std::atomic<std::size_t> active{0};     // connections being served
  std::atomic<std::size_t> rejecting{0};  // connections being sent a 503

  // Adds `conn` to the registry Stop() walks; `counted` connections count towards `active` (and
  // the max_connections limit), the ones being rejected do not.
  [[nodiscard]] Registration Register(const std::shared_ptr<Connection>& conn, bool counted);
  // Posts `fn(conn)` to the strand of every registered connection.
  template <typename F>
  void ForEachConnection(F fn);
  // Closes (on its strand) every connection whose deadline is before `now`.
  void CloseExpired(Connection::Clock::time_point now);

  void MarkListenerDone();
  // Waits until every registered connection and the listener are gone, or `deadline` passes; true
  // when done.
  bool WaitIdle(std::chrono::steady_clock::time_point deadline);

  ServerStats Snapshot() const;

 private:
  friend class Registration;
  void Unregister(Connection* conn, bool counted);

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::unordered_map<Connection*, std::weak_ptr<Connection>> connections_;
  bool listener_done_ = false;
};

template <typename F>
void ServerState::ForEachConnection(F fn) {
  std::vector<std::shared_ptr<Connection>> live;
  {
    std::lock_guard lock(mu_);
    live.reserve(connections_.size());
    for (auto& [ptr, weak] : connections_) {
      if (auto conn = weak.lock()) live.push_back(std::move(conn));
    }
  }
  for (auto& conn : live) {
    asio::post(conn->socket.get_executor(), [conn, fn] { fn(*conn); });
  }
}

}  // namespace cairn::net::internal
