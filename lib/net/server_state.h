// Internal to lib/net: the state an HttpServer shares with its listener and connection coroutines.
//
// ServerState is immutable configuration (options, router) plus thread-safe counters and the
// registry of open connections that Stop() walks. A Connection is owned jointly by its coroutine and
// by closures Stop() posts to the connection's strand; its members are touched only on that strand.
#pragma once

#include <atomic>
#include <boost/beast/core/tcp_stream.hpp>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>

#include "lib/net/http.h"
#include "lib/net/router.h"
#include "lib/net/server_options.h"

namespace cairn::net::internal {

struct Connection {
  explicit Connection(asio::ip::tcp::socket socket) : stream(std::move(socket)) {}

  beast::tcp_stream stream;
  // True while the connection waits for the first byte of a request or lingers after its last
  // answer: closing it then loses no work. Strand-only.
  bool idle = false;
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
      : state_(std::exchange(other.state_, nullptr)), conn_(other.conn_), counted_(other.counted_) {}
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
    asio::post(conn->stream.get_executor(), [conn, fn] { fn(*conn); });
  }
}

}  // namespace cairn::net::internal
