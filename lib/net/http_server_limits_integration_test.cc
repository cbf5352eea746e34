// HttpServer limits that involve time or many connections: slowloris and other timeouts, the
// connection limit, graceful and forced stop, and offloading blocking work.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <thread>

#include "lib/net/blocking_pool.h"
#include "lib/net/http_server.h"
#include "lib/net/test_client.h"

namespace cairn::net {
namespace {

using ::testing::HasSubstr;
using testing::TestClient;
using namespace std::chrono_literals;

// Polls `condition` for up to 5 s.
template <typename F>
bool Eventually(F condition) {
  for (int i = 0; i < 500; ++i) {
    if (condition()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return condition();
}

Router BasicRouter() {
  Router router;
  router.Get("/health", [](RequestContext&) { return MakeResponse(http::status::ok, "UP"); });
  router.Post("/echo", [](RequestContext& ctx) {
    return MakeResponse(http::status::ok, std::move(ctx.request().body()));
  });
  return router;
}

TEST(HttpServerLimitsTest, SlowHeaderIsCutOffAtTheHeaderTimeout) {
  ServerOptions options;
  options.header_timeout = 300ms;
  HttpServer server(options, BasicRouter());
  ASSERT_TRUE(server.Start().ok());

  // Slowloris: a valid request, one byte every 50 ms, would take ~2 s to finish its header.
  TestClient slow(server.port());
  const std::string request = "GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Pad: aaaaaaaa\r\n\r\n";
  const auto start = std::chrono::steady_clock::now();
  bool write_failed = false;
  for (char c : request) {
    if (slow.WriteRaw(std::string_view(&c, 1))) {
      write_failed = true;
      break;
    }
    std::this_thread::sleep_for(50ms);
    if (server.stats().header_timeouts > 0) break;
  }
  bool closed = false;
  std::string answer = slow.ReadUntilClose(closed, 3s);
  EXPECT_TRUE(closed || write_failed);
  EXPECT_EQ(answer, "");  // closed without an answer
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  // The server counts after it closed; the client may notice the close first.
  EXPECT_TRUE(Eventually([&] { return server.stats().header_timeouts == 1; }));

  // A connection that never sends anything is closed after the same timeout.
  TestClient silent(server.port());
  silent.ReadUntilClose(closed, 3s);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(Eventually([&] { return server.stats().header_timeouts == 2; }));

  // Meanwhile normal clients are served.
  TestClient normal(server.port());
  EXPECT_EQ(normal.Get("/health").body(), "UP");
  server.Stop(1s);
}

TEST(HttpServerLimitsTest, SlowBodyAndIdleConnectionsAreClosed) {
  ServerOptions options;
  options.body_timeout = 200ms;
  options.idle_timeout = 200ms;
  HttpServer server(options, BasicRouter());
  ASSERT_TRUE(server.Start().ok());

  TestClient slow_body(server.port());
  ASSERT_FALSE(
      slow_body.WriteRaw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n"
                         "only ten.."));
  bool closed = false;
  EXPECT_EQ(slow_body.ReadUntilClose(closed, 3s), "");
  EXPECT_TRUE(closed);
  EXPECT_TRUE(Eventually([&] { return server.stats().body_timeouts == 1; }));

  TestClient idle(server.port());
  EXPECT_EQ(idle.Get("/health").body(), "UP");
  idle.ReadUntilClose(closed, 3s);
  EXPECT_TRUE(closed);
  EXPECT_TRUE(Eventually([&] { return server.stats().idle_timeouts == 1; }));
  server.Stop(1s);
}

TEST(HttpServerLimitsTest, ConnectionsOverTheLimitGet503) {
  ServerOptions options;
  options.max_connections = 2;
  HttpServer server(options, BasicRouter());
  ASSERT_TRUE(server.Start().ok());

  auto first = std::make_unique<TestClient>(server.port());
  TestClient second(server.port());
  EXPECT_EQ(first->Get("/health").body(), "UP");
  EXPECT_EQ(second.Get("/health").body(), "UP");

  TestClient third(server.port());
  bool closed = false;
  std::string answer = third.ReadUntilClose(closed, 3s);
  EXPECT_TRUE(closed);
  EXPECT_THAT(answer, HasSubstr("HTTP/1.1 503 Service Unavailable"));
  EXPECT_THAT(answer, HasSubstr("Connection: close"));
  EXPECT_EQ(server.stats().connections_rejected, 1u);
  EXPECT_EQ(server.stats().responses_by_class[5], 1u);

  // Once a slot frees up, new connections are served again.
  first.reset();
  ASSERT_TRUE(Eventually([&] { return server.stats().connections_active < 2; }));
  TestClient fourth(server.port());
  EXPECT_EQ(fourth.Get("/health").body(), "UP");
  EXPECT_EQ(second.Get("/health").body(), "UP");
  server.Stop(1s);
}

TEST(HttpServerLimitsTest, GracefulStopFinishesRequestsInFlight) {
  std::atomic<bool> slow_started{false};
  Router router = BasicRouter();
  router.Get("/slow", [&](RequestContext&) -> asio::awaitable<Response> {
    slow_started = true;
    asio::steady_timer timer(co_await asio::this_coro::executor, 300ms);
    co_await timer.async_wait(asio::use_awaitable);
    co_return MakeResponse(http::status::ok, "finished");
  });
  HttpServer server(ServerOptions(), std::move(router));
  ASSERT_TRUE(server.Start().ok());
  const std::uint16_t port = server.port();

  TestClient idle(port);
  EXPECT_EQ(idle.Get("/health").body(), "UP");
  TestClient busy(port);
  Request slow(http::verb::get, "/slow", 11);
  ASSERT_FALSE(busy.Send(slow));
  ASSERT_TRUE(Eventually([&] { return slow_started.load(); }));

  auto stopped = std::async(std::launch::async, [&] { server.Stop(5s); });
  // The idle keep-alive connection is closed at once.
  bool closed = false;
  EXPECT_EQ(idle.ReadUntilClose(closed, 3s), "");
  EXPECT_TRUE(closed);
  // The request in flight completes, told that the connection closes.
  Response res;
  ASSERT_FALSE(busy.Read(res));
  EXPECT_EQ(res.body(), "finished");
  EXPECT_FALSE(res.keep_alive());
  EXPECT_EQ(stopped.wait_for(3s), std::future_status::ready);
  // No new connections once stopped.
  TestClient late(port, 1s);
  EXPECT_TRUE(late.connect_error());
  EXPECT_EQ(server.stats().connections_active, 0u);
}

TEST(HttpServerLimitsTest, StopClosesStragglersAfterTheDeadline) {
  Router router = BasicRouter();
  std::atomic<bool> started{false};
  router.Get("/forever", [&](RequestContext&) -> asio::awaitable<Response> {
    started = true;
    asio::steady_timer timer(co_await asio::this_coro::executor, 600ms);
    co_await timer.async_wait(asio::use_awaitable);
    co_return MakeResponse(http::status::ok, "too late");
  });
  ServerOptions options;
  options.stop_grace = 2s;
  HttpServer server(options, std::move(router));
  ASSERT_TRUE(server.Start().ok());
  TestClient client(server.port());
  Request req(http::verb::get, "/forever", 11);
  ASSERT_FALSE(client.Send(req));
  ASSERT_TRUE(Eventually([&] { return started.load(); }));

  const auto start = std::chrono::steady_clock::now();
  server.Stop(100ms);
  // The handler finished into a closed socket during the grace period; the client saw a close.
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2500ms);
  bool closed = false;
  EXPECT_EQ(client.ReadUntilClose(closed, 3s), "");
  EXPECT_TRUE(closed);
  EXPECT_EQ(server.stats().connections_active, 0u);
}

TEST(HttpServerLimitsTest, BlockingWorkDoesNotBlockTheIoThread) {
  BlockingPool pool(1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> blocking{false};
  Router router = BasicRouter();
  router.Post("/store", [&](RequestContext& ctx) -> asio::awaitable<Response> {
    std::string body = std::move(ctx.request().body());
    Result<std::size_t> stored = co_await RunBlocking(pool, [&] {
      blocking = true;
      released.wait();  // stands in for a slow storage write
      return body.size();
    });
    if (!stored.ok()) co_return ErrorResponse(stored.status());
    co_return MakeResponse(http::status::accepted, std::to_string(*stored));
  });
  ServerOptions options;
  options.io_threads = 1;
  {
    HttpServer server(options, std::move(router));
    ASSERT_TRUE(server.Start().ok());
    TestClient writer(server.port());
    Request req(http::verb::post, "/store", 11);
    req.body() = "span batch";
    ASSERT_FALSE(writer.Send(req));
    ASSERT_TRUE(Eventually([&] { return blocking.load(); }));

    // The only I/O thread is free while the write blocks.
    TestClient reader(server.port());
    EXPECT_EQ(reader.Get("/health").body(), "UP");

    release.set_value();
    Response res;
    ASSERT_FALSE(writer.Read(res));
    EXPECT_EQ(res.result(), http::status::accepted);
    EXPECT_EQ(res.body(), "10");
    server.Stop(1s);
  }
  pool.Stop();
}

}  // namespace
}  // namespace cairn::net
