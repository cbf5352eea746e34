// HttpServer under concurrent clients on two I/O threads (run under TSan by the `concurrent`
// label): many keep-alive and short connections at once, offloaded work, and a stop while clients
// are busy.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "lib/net/blocking_pool.h"
#include "lib/net/cors.h"
#include "lib/net/http_server.h"
#include "lib/net/test_client.h"

namespace cairn::net {
namespace {

using testing::TestClient;
using namespace std::chrono_literals;

struct Fixture {
  BlockingPool pool{2};
  std::atomic<int> hits{0};
  std::atomic<int> middleware_calls{0};

  Router MakeRouter() {
    Router router;
    router.Get("/echo/{n}", [](RequestContext& ctx) {
      return MakeResponse(http::status::ok, std::string(*ctx.PathParam("n")));
    });
    router.Post("/count", [this](RequestContext& ctx) -> asio::awaitable<Response> {
      std::string body = std::move(ctx.request().body());
      Result<int> total = co_await RunBlocking(pool, [&] {
        return hits.fetch_add(static_cast<int>(body.size())) + static_cast<int>(body.size());
      });
      co_return MakeResponse(http::status::ok, std::to_string(*total));
    });
    router.Use(CorsMiddleware(CorsOptions()));
    router.Use([this](RequestContext& ctx, const Handler& next) -> asio::awaitable<Response> {
      middleware_calls.fetch_add(1, std::memory_order_relaxed);
      co_return co_await next(ctx);
    });
    return router;
  }
};

TEST(HttpServerConcurrentTest, ManyClientsOnTwoThreads) {
  Fixture fixture;
  ServerOptions options;
  options.io_threads = 2;
  HttpServer server(options, fixture.MakeRouter());
  ASSERT_TRUE(server.Start().ok());

  constexpr int kClients = 6;
  constexpr int kRequests = 60;
  std::atomic<int> failures{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < kClients; ++c) {
    clients.emplace_back([&, c] {
      auto client = std::make_unique<TestClient>(server.port());
      for (int i = 0; i < kRequests; ++i) {
        if (i % 15 == 14) client = std::make_unique<TestClient>(server.port());  // new connection
        const std::string n = std::to_string(c * 1000 + i);
        Request req(http::verb::get, "/echo/" + n, 11);
        req.set(http::field::origin, "http://ui.example");
        Response echo = client->RoundTrip(req);
        if (echo.body() != n || echo[http::field::access_control_allow_origin] != "*") ++failures;
        Response counted = client->Post("/count", "x");
        if (counted.result() != http::status::ok) ++failures;
      }
    });
  }
  for (std::thread& t : clients) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(fixture.hits.load(), kClients * kRequests);
  EXPECT_EQ(fixture.middleware_calls.load(), 2 * kClients * kRequests);
  ServerStats stats = server.stats();
  EXPECT_EQ(stats.requests, 2u * kClients * kRequests);
  EXPECT_EQ(stats.responses_by_class[2], 2u * kClients * kRequests);
  EXPECT_EQ(stats.connections_accepted,
            static_cast<std::uint64_t>(kClients * (1 + kRequests / 15)));
  server.Stop(1s);
  EXPECT_EQ(server.stats().connections_active, 0u);
}

TEST(HttpServerConcurrentTest, StopWhileClientsAreBusy) {
  Fixture fixture;
  ServerOptions options;
  options.io_threads = 2;
  HttpServer server(options, fixture.MakeRouter());
  ASSERT_TRUE(server.Start().ok());
  const std::uint16_t port = server.port();

  std::atomic<bool> done{false};
  std::atomic<int> served{0};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&] {
      while (!done.load()) {
        TestClient client(port, 2s);
        if (client.connect_error()) return;  // listener closed
        for (int i = 0; i < 5 && !done.load(); ++i) {
          beast::error_code ec;
          Response res = client.Post("/count", "y", &ec);
          if (ec) break;  // closed by the stop
          if (res.result() == http::status::ok) ++served;
        }
      }
    });
  }
  ASSERT_TRUE([&] {
    for (int i = 0; i < 500 && served.load() < 50; ++i) std::this_thread::sleep_for(10ms);
    return served.load() >= 50;
  }());
  server.Stop(2s);
  done = true;
  for (std::thread& t : clients) t.join();
  ServerStats stats = server.stats();
  EXPECT_EQ(stats.connections_active, 0u);
  EXPECT_EQ(stats.handler_errors, 0u);
  // Every request the server counted got an answer (the clients may not all have read theirs).
  EXPECT_EQ(stats.requests, stats.responses_by_class[2]);
  fixture.pool.Stop();
}

}  // namespace
}  // namespace cairn::net
