#include "apps/edge/health_checker.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "lib/net/http1_io.h"
#include "lib/net/tcp_stream.h"

namespace cairn::edge {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
}  // namespace

asio::awaitable<bool> CheckOnce(net::DeadlineList& deadlines, const UpstreamHost& host,
                                const std::string& path, std::chrono::milliseconds timeout) {
  tcp::socket socket(co_await asio::this_coro::executor);
  boost::system::error_code ec;
  socket.open(host.endpoint.protocol(), ec);
  if (ec) co_return false;
  net::TcpStream stream(std::move(socket));
  net::Deadline deadline(deadlines, stream.socket());
  deadline.Arm(timeout);
  auto [connect_ec] = co_await stream.socket().async_connect(host.endpoint, kTuple);
  if (connect_ec) co_return false;
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: " + host.host_header +
                        "\r\nUser-Agent: cairn-edge-health-check\r\nConnection: close\r\n"
                        "b3: 0\r\n\r\n";
  asio::const_buffer part = asio::buffer(request);
  co_await stream.Write(std::span(&part, 1), ec);
  if (ec) co_return false;
  net::ReadBuffer buffer(16 * 1024);
  net::MessageHead head;
  net::HeadParser<false> parser(head, 100, nullptr);
  parser.body_limit(1024 * 1024);
  co_await net::ReadHttp(stream, buffer, parser, net::ReadUntil::kMessage, ec);
  deadline.Disarm();
  co_return !ec && head.status() >= 200 && head.status() < 300;
}

HealthChecker::HealthChecker() {
  asio::post(*ioc_, [this] {
    asio::co_spawn(*ioc_, deadlines_.Run(std::chrono::milliseconds(50)), asio::detached);
  });
  auto work = std::make_shared<asio::executor_work_guard<asio::io_context::executor_type>>(
      ioc_->get_executor());
  thread_ = std::thread([this, work] { ioc_->run(); });
  running_ = true;
}

HealthChecker::~HealthChecker() {
  Stop();
  ioc_.reset();
}

void HealthChecker::SetSnapshot(std::shared_ptr<const Snapshot> snapshot) {
  asio::post(*ioc_, [this, snapshot = std::move(snapshot)] {
    const std::uint64_t generation = ++generation_;
    for (const auto& service : snapshot->services) {
      if (!service->config().health_check.enabled) continue;
      for (std::size_t i = 0; i < service->host_count(); ++i) {
        asio::co_spawn(*ioc_, CheckLoop(snapshot, service.get(), i, generation), asio::detached);
      }
    }
  });
}

asio::awaitable<void> HealthChecker::CheckLoop(std::shared_ptr<const Snapshot> snapshot,
                                               Service* service, std::size_t index,
                                               std::uint64_t generation) {
  const HealthCheckConfig& hc = service->config().health_check;
  HostState& host = service->host(index);
  asio::steady_timer timer(*ioc_);
  while (generation == generation_) {
    const bool pass = co_await CheckOnce(deadlines_, *host.config, hc.path, hc.timeout);
    if (generation != generation_) break;
    const bool healthy = host.healthy.load(std::memory_order_relaxed);
    if (pass == healthy) {
      host.health_streak = 0;
    } else if (++host.health_streak >= (pass ? hc.healthy_threshold : hc.unhealthy_threshold)) {
      host.healthy.store(pass, std::memory_order_relaxed);
      host.health_streak = 0;
    }
    timer.expires_after(hc.interval);
    auto [ec] = co_await timer.async_wait(kTuple);
    if (ec) break;
  }
  (void)snapshot;  // kept alive while checking
}

void HealthChecker::Stop() {
  if (!running_) return;
  running_ = false;
  asio::post(*ioc_, [this] {
    ++generation_;
    deadlines_.Stop();
    ioc_->stop();
  });
  thread_.join();
}

}  // namespace cairn::edge
