#include "lib/net/upstream_pool.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cairn::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

UpstreamConnection::UpstreamConnection(DeadlineList& deadlines, tcp::socket socket,
                                       const tcp::endpoint& endpoint, std::size_t buffer_bytes)
    : stream(std::move(socket)),
      deadline(deadlines, stream.socket()),
      buffer(buffer_bytes),
      endpoint(endpoint) {}

UpstreamConnection::~UpstreamConnection() {
  if (open_count) open_count->fetch_sub(1, std::memory_order_relaxed);
}

UpstreamPool::UpstreamPool(asio::any_io_executor executor, DeadlineList& deadlines,
                           UpstreamPoolOptions options)
    : executor_(std::move(executor)), deadlines_(deadlines), options_(options) {}

UpstreamPool::~UpstreamPool() { Clear(); }

std::unique_ptr<UpstreamConnection> UpstreamPool::TakeIdle(const tcp::endpoint& endpoint) {
  auto it = idle_.find(endpoint);
  if (it == idle_.end()) return nullptr;
  auto& list = it->second;
  while (!list.empty()) {
    std::unique_ptr<UpstreamConnection> conn = std::move(list.back());
    list.pop_back();
    --stats_.idle;
    if (conn->stream.is_open()) {
      ++stats_.reuses;
      return conn;
    }
    ++stats_.idle_closed;
  }
  return nullptr;
}

asio::awaitable<std::unique_ptr<UpstreamConnection>> UpstreamPool::Connect(
    const tcp::endpoint& endpoint, std::chrono::milliseconds timeout,
    boost::system::error_code& ec) {
  tcp::socket socket(executor_);
  socket.open(endpoint.protocol(), ec);
  if (ec) {
    ++stats_.connect_failures;
    co_return nullptr;
  }
  auto conn = std::make_unique<UpstreamConnection>(deadlines_, std::move(socket), endpoint,
                                                   options_.buffer_bytes);
  conn->deadline.Arm(timeout);
  auto [connect_ec] =
      co_await conn->stream.socket().async_connect(endpoint, asio::as_tuple(asio::use_awaitable));
  const bool fired = conn->deadline.fired();
  conn->deadline.Disarm();
  if (connect_ec || fired) {
    ec = fired ? asio::error::timed_out : connect_ec;
    ++stats_.connect_failures;
    co_return nullptr;
  }
  // TcpStream set these on the unconnected socket; some kernels want TCP_NODELAY after connect.
  boost::system::error_code ignored;
  conn->stream.socket().set_option(tcp::no_delay(true), ignored);
  ++stats_.connects;
  ec.clear();
  co_return conn;
}

void UpstreamPool::Release(std::unique_ptr<UpstreamConnection> conn) {
  if (conn == nullptr) return;
  ++conn->requests;
  if (!conn->stream.is_open() || !conn->buffer.empty()) return;  // closed, or stray bytes
  conn->deadline.Disarm();
  auto& list = idle_[conn->endpoint];
  if (list.size() >= options_.max_idle_per_endpoint) {
    ++stats_.idle_closed;
    return;
  }
  conn->idle_since = std::chrono::steady_clock::now();
  list.push_back(std::move(conn));
  ++stats_.idle;
}

void UpstreamPool::EvictExpired(std::chrono::steady_clock::time_point now) {
  for (auto it = idle_.begin(); it != idle_.end();) {
    auto& list = it->second;
    // Oldest first: the front of the list was released longest ago.
    std::size_t expired = 0;
    while (expired < list.size() && (now - list[expired]->idle_since >= options_.idle_timeout ||
                                     !list[expired]->stream.is_open())) {
      ++expired;
    }
    if (expired > 0) {
      list.erase(list.begin(), list.begin() + static_cast<std::ptrdiff_t>(expired));
      stats_.idle -= expired;
      stats_.idle_closed += expired;
    }
    it = list.empty() ? idle_.erase(it) : std::next(it);
  }
}

void UpstreamPool::Clear() {
  for (auto& [endpoint, list] : idle_) stats_.idle_closed += list.size();
  idle_.clear();
  stats_.idle = 0;
}

}  // namespace cairn::net
