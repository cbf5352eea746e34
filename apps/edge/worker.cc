#include "apps/edge/worker.h"

#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>

#include "apps/edge/client_session.h"

namespace cairn::edge {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::chrono::milliseconds kHousekeepingTick{250};

// A quarter of the shortest timeout, within 5..250 ms: how late a timeout may fire.
std::chrono::milliseconds WatchdogTick(const LimitsConfig& l, const EdgeConfig& c) {
  auto shortest = std::min({l.header_timeout, l.body_timeout, l.idle_timeout, l.write_timeout});
  for (const ServiceConfig& s : c.services) shortest = std::min(shortest, s.connect_timeout);
  for (const RouteConfig& r : c.routes) {
    shortest = std::min(shortest, r.response_timeout);
    if (r.retry.per_try_timeout.count() > 0) shortest = std::min(shortest, r.retry.per_try_timeout);
  }
  return std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::milliseconds(5),
                                               std::chrono::milliseconds(250));
}

}  // namespace

Worker::Worker(EdgeShared& shared, std::size_t index, const EdgeConfig& config)
    : shared_(shared),
      index_(index),
      limits_(config.limits),
      pool_(ioc_->get_executor(), deadlines_,
            net::UpstreamPoolOptions{.max_idle_per_endpoint = config.upstream_max_idle,
                                     .idle_timeout = config.upstream_idle_timeout}),
      access_log_(shared.access_log) {}

Worker::~Worker() {
  Join();
  // Coroutines still suspended are destroyed with the io_context; their destructors unregister
  // from the session list and the deadline list, so those (and the pool's sockets, which belong
  // to the io_context) must go in this order.
  pool_.Clear();
  listeners_.clear();
  ioc_.reset();
}

Result<std::uint16_t> Worker::Listen(const tcp::endpoint& endpoint, bool tls) {
  auto acceptor = std::make_unique<tcp::acceptor>(*ioc_);
  boost::system::error_code ec;
  const std::string where = endpoint.address().to_string() + ":" + std::to_string(endpoint.port());
  if (acceptor->open(endpoint.protocol(), ec))
    return Unavailable("open " + where + ": " + ec.message());
  acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  int one = 1;
  if (::setsockopt(acceptor->native_handle(), SOL_SOCKET, SO_REUSEPORT, &one, sizeof one) != 0) {
    return Unavailable("SO_REUSEPORT on " + where + ": " + std::strerror(errno));
  }
  if (acceptor->bind(endpoint, ec)) return Unavailable("bind " + where + ": " + ec.message());
  if (acceptor->listen(asio::socket_base::max_listen_connections, ec)) {
    return Unavailable("listen " + where + ": " + ec.message());
  }
  const std::uint16_t port = acceptor->local_endpoint(ec).port();
  listeners_.push_back({std::move(acceptor), tls});
  return port;
}

void Worker::Start(std::shared_ptr<const Snapshot> snapshot) {
  snapshot_ = std::move(snapshot);
  for (Listener& l : listeners_) {
    asio::co_spawn(*ioc_, AcceptLoop(*l.acceptor, l.tls), asio::detached);
  }
  asio::co_spawn(*ioc_, deadlines_.Run(WatchdogTick(limits_, snapshot_->config)), asio::detached);
  asio::co_spawn(*ioc_, Housekeeping(), asio::detached);
  thread_ = std::thread([this] {
    while (true) {
      try {
        ioc_->run();
        return;
      } catch (...) {
        // Nothing on the data path throws; should something escape, keep serving.
      }
    }
  });
}

void Worker::Publish(std::shared_ptr<const Snapshot> snapshot) {
  asio::post(*ioc_,
             [this, snapshot = std::move(snapshot)]() mutable { snapshot_ = std::move(snapshot); });
}

void Worker::BeginDrain() {
  asio::post(*ioc_, [this] {
    for (Listener& l : listeners_) {
      boost::system::error_code ignored;
      l.acceptor->close(ignored);
    }
    for (SessionHandle* h = sessions_; h != nullptr; h = h->next) {
      if (h->idle) {
        boost::system::error_code ignored;
        h->socket->close(ignored);
      }
    }
  });
}

void Worker::CloseAll() {
  asio::post(*ioc_, [this] {
    stopping_ = true;
    for (Listener& l : listeners_) {
      boost::system::error_code ignored;
      l.acceptor->close(ignored);
    }
    for (SessionHandle* h = sessions_; h != nullptr; h = h->next) {
      boost::system::error_code ignored;
      h->socket->close(ignored);
    }
    pool_.Clear();
    deadlines_.Stop();
    for (asio::steady_timer* t : connection_waiters_) t->cancel();
  });
}

void Worker::Join() {
  if (!thread_.joinable()) return;
  CloseAll();
  // Coroutines unwind after their sockets close; give them a moment before stopping the loop.
  asio::post(*ioc_, [this] {
    auto timer = std::make_shared<asio::steady_timer>(*ioc_, std::chrono::milliseconds(50));
    timer->async_wait([this, timer](boost::system::error_code) {
      access_log_.Flush();
      ioc_->stop();
    });
  });
  thread_.join();
}

void Worker::Register(SessionHandle& handle) {
  handle.next = sessions_;
  if (sessions_ != nullptr) sessions_->prev = &handle;
  sessions_ = &handle;
}

void Worker::Unregister(SessionHandle& handle) {
  if (handle.prev != nullptr) {
    handle.prev->next = handle.next;
  } else {
    sessions_ = handle.next;
  }
  if (handle.next != nullptr) handle.next->prev = handle.prev;
  handle.prev = handle.next = nullptr;
}

asio::awaitable<void> Worker::WaitForConnection(std::chrono::steady_clock::time_point deadline) {
  asio::steady_timer timer(*ioc_);
  timer.expires_at(deadline);
  connection_waiters_.push_back(&timer);
  co_await timer.async_wait(kTuple);
  for (auto it = connection_waiters_.begin(); it != connection_waiters_.end(); ++it) {
    if (*it == &timer) {
      connection_waiters_.erase(it);
      break;
    }
  }
}

void Worker::NotifyConnectionFree() {
  if (connection_waiters_.empty()) return;
  asio::steady_timer* first = connection_waiters_.front();
  connection_waiters_.pop_front();
  first->cancel();
}

asio::awaitable<void> Worker::AcceptLoop(tcp::acceptor& acceptor, bool tls) {
  boost::system::error_code ec;
  const std::uint16_t port = acceptor.local_endpoint(ec).port();
  asio::steady_timer backoff(*ioc_);
  while (true) {
    auto [accept_ec, socket] = co_await acceptor.async_accept(kTuple);
    if (accept_ec) {
      if (accept_ec == asio::error::operation_aborted || !acceptor.is_open() || stopping_) break;
      // Typically out of file descriptors: back off instead of spinning.
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kTuple);
      continue;
    }
    if (shared_.draining.load(std::memory_order_relaxed)) break;
    if (shared_.connections.fetch_add(1, std::memory_order_relaxed) >= limits_.max_connections) {
      shared_.connections.fetch_sub(1, std::memory_order_relaxed);
      shared_.metrics->Reject(Rejection::kConnectionLimit);
      if (!tls) {
        static constexpr std::string_view kAnswer =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: text/plain; charset=utf-8\r\n"
            "Content-Length: 27\r\nConnection: close\r\n\r\nserver at connection limit\n";
        boost::system::error_code ignored;
        socket.non_blocking(true, ignored);
        asio::write(socket, asio::buffer(kAnswer), ignored);  // best effort, never blocks
        socket.shutdown(tcp::socket::shutdown_send, ignored);
      }
      continue;  // the socket closes here
    }
    asio::co_spawn(*ioc_, ServeClient(*this, std::move(socket), tls, port), asio::detached);
  }
}

asio::awaitable<void> Worker::Housekeeping() {
  asio::steady_timer timer(*ioc_);
  while (!stopping_) {
    timer.expires_after(kHousekeepingTick);
    auto [ec] = co_await timer.async_wait(kTuple);
    if (ec || stopping_) break;
    access_log_.Flush();
    pool_.EvictExpired(std::chrono::steady_clock::now());
  }
}

}  // namespace cairn::edge
