#include "lib/net/http_server.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <thread>
#include <vector>

#include "lib/net/server_state.h"
#include "lib/net/session.h"

namespace cairn::net {
namespace {

using tcp = asio::ip::tcp;
using internal::Connection;
using internal::Counters;
using internal::ServerState;

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Connections being sent a 503 at once; past this, excess connections are closed without one.
constexpr std::size_t kMaxRejecting = 64;
// How often Stop() looks again for idle connections (a safety net: sessions that go idle after
// Stop() began notice `stopping` themselves).
constexpr std::chrono::milliseconds kSweepInterval{100};

// Completion of a detached connection coroutine: exceptions are already handled inside, so this
// only makes sure a stray one is counted instead of lost.
struct Detached {
  std::shared_ptr<ServerState> state;
  void operator()(std::exception_ptr error) const {
    if (error) Counters::Inc(state->counters.handler_errors);
  }
};

asio::awaitable<void> Listen(std::shared_ptr<ServerState> state, tcp::acceptor& acceptor,
                             asio::io_context& ioc) {
  asio::steady_timer backoff(acceptor.get_executor());
  while (true) {
    auto [ec, socket] = co_await acceptor.async_accept(asio::make_strand(ioc), kTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || state->stopping.load() || !acceptor.is_open()) {
        break;
      }
      // Typically out of file descriptors: back off rather than spin on the error.
      Counters::Inc(state->counters.accept_errors);
      backoff.expires_after(std::chrono::milliseconds(50));
      co_await backoff.async_wait(kTuple);
      continue;
    }
    if (state->stopping.load()) break;
    Counters::Inc(state->counters.connections_accepted);
    if (state->active.load() >= state->options.max_connections) {
      Counters::Inc(state->counters.connections_rejected);
      if (state->rejecting.load() >= kMaxRejecting) {
        beast::error_code ignored;
        socket.close(ignored);
        continue;
      }
      auto conn = std::make_shared<Connection>(std::move(socket));
      internal::Registration registration = state->Register(conn, /*counted=*/false);
      auto executor = conn->socket.get_executor();
      asio::co_spawn(executor, internal::RejectConnection(state, conn, std::move(registration)),
                     Detached{state});
      continue;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    auto conn = std::make_shared<Connection>(std::move(socket));
    internal::Registration registration = state->Register(conn, /*counted=*/true);
    auto executor = conn->socket.get_executor();
    asio::co_spawn(executor, internal::ServeConnection(state, conn, std::move(registration)),
                   Detached{state});
  }
  state->MarkListenerDone();
}

// Enforces the connections' deadlines every `tick` until the io_context stops.
asio::awaitable<void> Watchdog(std::shared_ptr<ServerState> state, std::chrono::milliseconds tick) {
  asio::steady_timer timer(co_await asio::this_coro::executor);
  while (true) {
    timer.expires_after(tick);
    auto [ec] = co_await timer.async_wait(kTuple);
    if (ec) break;
    state->CloseExpired(Connection::Clock::now());
  }
}

// Timeouts fire up to one tick late; a quarter of the shortest one keeps that small relative to
// every timeout without waking up more often than needed.
std::chrono::milliseconds WatchdogTick(const ServerOptions& o) {
  auto shortest = std::min(
      {o.header_timeout, o.body_timeout, o.idle_timeout, o.write_timeout, o.linger_timeout});
  return std::clamp<std::chrono::milliseconds>(shortest / 4, std::chrono::milliseconds(5),
                                               std::chrono::milliseconds(250));
}

}  // namespace

struct HttpServer::Impl {
  Impl(ServerOptions options, Router router)
      : state(std::make_shared<ServerState>(std::move(options), std::move(router))),
        num_threads(state->options.io_threads != 0
                        ? state->options.io_threads
                        : std::max(1u, std::thread::hardware_concurrency())),
        ioc(std::make_unique<asio::io_context>(static_cast<int>(num_threads))) {}

  std::shared_ptr<ServerState> state;
  std::size_t num_threads;
  // Declared before the acceptor so that it is destroyed after it.
  std::unique_ptr<asio::io_context> ioc;
  std::unique_ptr<tcp::acceptor> acceptor;
  std::optional<asio::executor_work_guard<asio::io_context::executor_type>> work;
  std::vector<std::thread> threads;
  std::atomic<std::uint16_t> port{0};
  enum class Phase { kNew, kRunning, kStopped } phase = Phase::kNew;
};

HttpServer::HttpServer(ServerOptions options, Router router)
    : impl_(std::make_unique<Impl>(std::move(options), std::move(router))) {}

HttpServer::~HttpServer() { Stop(std::chrono::milliseconds(0)); }

std::uint16_t HttpServer::port() const { return impl_->port.load(); }

ServerStats HttpServer::stats() const { return impl_->state->Snapshot(); }

asio::any_io_executor HttpServer::executor() { return impl_->ioc->get_executor(); }

Status HttpServer::Start() {
  Impl& impl = *impl_;
  if (impl.phase != Impl::Phase::kNew) return FailedPrecondition("HttpServer already started");
  const ServerOptions& options = impl.state->options;
  if (!impl.state->router.status().ok()) return impl.state->router.status();

  beast::error_code ec;
  asio::ip::address address = options.host == "localhost"
                                  ? asio::ip::address(asio::ip::address_v4::loopback())
                                  : asio::ip::make_address(options.host, ec);
  if (ec) return InvalidArgument("listen host '" + options.host + "' is not an IP address");
  const tcp::endpoint endpoint(address, options.port);
  const std::string where = options.host + ":" + std::to_string(options.port);

  impl.acceptor = std::make_unique<tcp::acceptor>(asio::make_strand(*impl.ioc));
  tcp::acceptor& acceptor = *impl.acceptor;
  if (acceptor.open(endpoint.protocol(), ec))
    return Unavailable("open " + where + ": " + ec.message());
  if (acceptor.set_option(asio::socket_base::reuse_address(true), ec)) {
    return Unavailable("SO_REUSEADDR on " + where + ": " + ec.message());
  }
  if (acceptor.bind(endpoint, ec)) return Unavailable("bind " + where + ": " + ec.message());
  if (acceptor.listen(asio::socket_base::max_listen_connections, ec)) {
    return Unavailable("listen " + where + ": " + ec.message());
  }
  impl.port = acceptor.local_endpoint(ec).port();
  if (ec) return Unavailable("local endpoint of " + where + ": " + ec.message());

  asio::co_spawn(acceptor.get_executor(), Listen(impl.state, acceptor, *impl.ioc),
                 Detached{impl.state});
  asio::co_spawn(asio::make_strand(*impl.ioc), Watchdog(impl.state, WatchdogTick(options)),
                 Detached{impl.state});
  impl.work.emplace(impl.ioc->get_executor());
  impl.threads.reserve(impl.num_threads);
  for (std::size_t i = 0; i < impl.num_threads; ++i) {
    impl.threads.emplace_back([ioc = impl.ioc.get()] {
      // Nothing on the data path throws; should something still escape a handler, keep serving.
      while (true) {
        try {
          ioc->run();
          return;
        } catch (...) {
        }
      }
    });
  }
  impl.phase = Impl::Phase::kRunning;
  return Status();
}

void HttpServer::Stop(std::chrono::milliseconds drain) {
  Impl& impl = *impl_;
  if (impl.phase != Impl::Phase::kRunning) return;
  impl.phase = Impl::Phase::kStopped;
  ServerState& state = *impl.state;
  state.stopping.store(true);

  tcp::acceptor* acceptor = impl.acceptor.get();
  asio::post(acceptor->get_executor(), [acceptor] {
    beast::error_code ignored;
    acceptor->close(ignored);
  });

  // Requests in flight finish; idle connections (and those that become idle) are closed.
  const auto deadline = std::chrono::steady_clock::now() + drain;
  bool drained = false;
  while (true) {
    state.ForEachConnection([](Connection& conn) {
      if (conn.idle) conn.Close();
    });
    const auto now = std::chrono::steady_clock::now();
    if (now >= deadline) break;
    if (state.WaitIdle(std::min(deadline, now + kSweepInterval))) {
      drained = true;
      break;
    }
  }
  if (!drained) {
    // Past the deadline: close everything. Handlers still running finish into a closed socket.
    state.ForEachConnection([](Connection& conn) { conn.Close(); });
    state.WaitIdle(std::chrono::steady_clock::now() + state.options.stop_grace);
  }
  impl.work.reset();
  impl.ioc->stop();
  for (std::thread& thread : impl.threads) thread.join();
  impl.threads.clear();
}

}  // namespace cairn::net
