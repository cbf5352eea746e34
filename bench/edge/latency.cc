// cairn-edge-latency: sends GET requests at a fixed rate over keep-alive connections and prints
// latency percentiles. Open loop: request i is due at start + i/rate and its latency is counted
// from that moment, so a stalled server cannot hide its stall by slowing the probe down
// (coordinated omission). Requests are dealt round-robin to the connections; one in flight per
// connection.
//
//   cairn-edge-latency --port 8080 --path /api/accounts/1 --rate 2000 --seconds 10
//   -> p50_us=61 p90_us=83 p99_us=140 p999_us=420 max_us=900 requests=20000 errors=0
#include <CLI/CLI.hpp>
#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);

struct Run {
  std::uint16_t port = 0;
  std::string host = "127.0.0.1";
  std::string path = "/";
  double rate = 2000;
  double seconds = 10;
  int connections = 8;
  double warmup = 1;
  std::vector<std::int64_t> latencies_us;
  std::int64_t errors = 0;
};

asio::awaitable<void> Connection(Run& run, int index, Clock::time_point start, std::int64_t total,
                                 std::int64_t warmup_requests) {
  auto executor = co_await asio::this_coro::executor;
  asio::ip::tcp::socket socket(executor);
  asio::ip::tcp::endpoint endpoint(asio::ip::make_address(run.host), run.port);
  auto [connect_ec] = co_await socket.async_connect(endpoint, kTuple);
  if (connect_ec) {
    std::fprintf(stderr, "connect: %s\n", connect_ec.message().c_str());
    ++run.errors;
    co_return;
  }
  socket.set_option(asio::ip::tcp::no_delay(true));
  const std::string request = "GET " + run.path + " HTTP/1.1\r\nHost: " + run.host +
                              "\r\nUser-Agent: cairn-edge-latency\r\n\r\n";
  boost::beast::flat_buffer buffer;
  asio::steady_timer timer(executor);
  const auto interval = std::chrono::duration<double>(1.0 / run.rate);
  for (std::int64_t i = index; i < total; i += run.connections) {
    const auto due =
        start + std::chrono::duration_cast<Clock::duration>(interval * static_cast<double>(i));
    if (Clock::now() < due) {
      timer.expires_at(due);
      co_await timer.async_wait(kTuple);
    }
    auto [write_ec, written] = co_await asio::async_write(socket, asio::buffer(request), kTuple);
    http::response<http::string_body> res;
    boost::system::error_code read_ec;
    if (!write_ec)
      std::tie(read_ec, std::ignore) = co_await http::async_read(socket, buffer, res, kTuple);
    const auto done = Clock::now();
    if (write_ec || read_ec || res.result_int() != 200) {
      ++run.errors;
      if (write_ec || read_ec) co_return;
      continue;
    }
    if (i >= warmup_requests) {
      run.latencies_us.push_back(
          std::chrono::duration_cast<std::chrono::microseconds>(done - due).count());
    }
  }
}

std::int64_t Percentile(const std::vector<std::int64_t>& sorted, double p) {
  if (sorted.empty()) return 0;
  std::size_t i = static_cast<std::size_t>(p * static_cast<double>(sorted.size() - 1) + 0.5);
  return sorted[std::min(i, sorted.size() - 1)];
}

}  // namespace

int main(int argc, char** argv) {
  Run run;
  CLI::App app{"Fixed-rate HTTP latency probe (open loop)"};
  app.add_option("--port", run.port, "Target port")->required();
  app.add_option("--host", run.host, "Target IP address");
  app.add_option("--path", run.path, "Request target");
  app.add_option("--rate", run.rate, "Requests per second")->check(CLI::PositiveNumber);
  app.add_option("--seconds", run.seconds, "Measured duration")->check(CLI::PositiveNumber);
  app.add_option("--warmup", run.warmup, "Seconds sent first and not measured");
  app.add_option("--connections", run.connections, "Keep-alive connections")
      ->check(CLI::Range(1, 1000));
  CLI11_PARSE(app, argc, argv);

  asio::io_context ioc(1);
  const auto warmup_requests = static_cast<std::int64_t>(run.rate * run.warmup);
  const auto total = warmup_requests + static_cast<std::int64_t>(run.rate * run.seconds);
  run.latencies_us.reserve(static_cast<std::size_t>(total));
  const auto start = Clock::now() + std::chrono::milliseconds(50);
  for (int c = 0; c < run.connections; ++c) {
    asio::co_spawn(ioc, Connection(run, c, start, total, warmup_requests), asio::detached);
  }
  ioc.run();
  std::sort(run.latencies_us.begin(), run.latencies_us.end());
  std::printf(
      "p50_us=%lld p90_us=%lld p99_us=%lld p999_us=%lld max_us=%lld requests=%zu errors=%lld\n",
      static_cast<long long>(Percentile(run.latencies_us, 0.5)),
      static_cast<long long>(Percentile(run.latencies_us, 0.9)),
      static_cast<long long>(Percentile(run.latencies_us, 0.99)),
      static_cast<long long>(Percentile(run.latencies_us, 0.999)),
      static_cast<long long>(run.latencies_us.empty() ? 0 : run.latencies_us.back()),
      run.latencies_us.size(), static_cast<long long>(run.errors));
  return run.errors == 0 ? 0 : 1;
}
