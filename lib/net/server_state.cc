#include "lib/net/server_state.h"

#include <vector>

namespace cairn::net::internal {

Registration::~Registration() {
  if (state_ != nullptr) state_->Unregister(conn_, counted_);
}

Registration ServerState::Register(const std::shared_ptr<Connection>& conn, bool counted) {
  {
    std::lock_guard lock(mu_);
    connections_.emplace(conn.get(), conn);
  }
  (counted ? active : rejecting).fetch_add(1);
  return Registration(this, conn.get(), counted);
}

void ServerState::Unregister(Connection* conn, bool counted) {
  std::lock_guard lock(mu_);
  connections_.erase(conn);
  (counted ? active : rejecting).fetch_sub(1);
  cv_.notify_all();
}

void ServerState::CloseExpired(Connection::Clock::time_point now) {
  const std::int64_t ticks = now.time_since_epoch().count();
  std::vector<std::shared_ptr<Connection>> expired;
  {
    std::lock_guard lock(mu_);
    for (auto& [ptr, weak] : connections_) {
      // Registered connections are alive: they unregister before their last owner lets go.
      if (!ptr->Expired(ticks)) continue;
      if (auto conn = weak.lock()) expired.push_back(std::move(conn));
    }
  }
  for (auto& conn : expired) {
    asio::post(conn->socket.get_executor(), [conn, ticks] {
      // The connection may have moved on to a later phase since the check above.
      if (!conn->Expired(ticks)) return;
      conn->timed_out = true;
      conn->Close();
    });
  }
}

void ServerState::MarkListenerDone() {
  std::lock_guard lock(mu_);
  listener_done_ = true;
  cv_.notify_all();
}

bool ServerState::WaitIdle(std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mu_);
  return cv_.wait_until(lock, deadline, [this] { return listener_done_ && connections_.empty(); });
}

ServerStats ServerState::Snapshot() const {
  auto get = [](const Counters::Counter& c) { return c.load(std::memory_order_relaxed); };
  ServerStats s;
  s.connections_accepted = get(counters.connections_accepted);
  s.connections_active = active.load(std::memory_order_relaxed);
  s.connections_rejected = get(counters.connections_rejected);
  s.requests = get(counters.requests);
  for (std::size_t i = 0; i < s.responses_by_class.size(); ++i) {
    s.responses_by_class[i] = get(counters.responses_by_class[i]);
  }
  s.rejected_malformed = get(counters.rejected_malformed);
  s.rejected_header_too_large = get(counters.rejected_header_too_large);
  s.rejected_body_too_large = get(counters.rejected_body_too_large);
  s.header_timeouts = get(counters.header_timeouts);
  s.body_timeouts = get(counters.body_timeouts);
  s.idle_timeouts = get(counters.idle_timeouts);
  s.write_errors = get(counters.write_errors);
  s.handler_errors = get(counters.handler_errors);
  s.accept_errors = get(counters.accept_errors);
  return s;
}

}  // namespace cairn::net::internal
