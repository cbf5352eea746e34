// HttpServer over real loopback sockets: routing, keep-alive, pipelining, limits, malformed input.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>
#include <string>

#include "lib/net/http_server.h"
#include "lib/net/test_client.h"

namespace cairn::net {
namespace {

using ::testing::HasSubstr;
using testing::TestClient;

Router TestRouter() {
  Router router;
  router.Get("/health", [](RequestContext&) { return MakeResponse(http::status::ok, "UP"); });
  router.Get("/api/v2/trace/{traceId}", [](RequestContext& ctx) {
    return JsonResponse("{\"route\":\"" + std::string(ctx.route()) + "\",\"id\":\"" +
                        std::string(*ctx.PathParam("traceId")) + "\"}");
  });
  router.Get("/q", [](RequestContext& ctx) {
    return MakeResponse(http::status::ok, ctx.QueryParam("n").value_or("none"));
  });
  // Echoes the body size and the body itself; moves the body out instead of copying it.
  router.Post("/echo", [](RequestContext& ctx) {
    std::string body = std::move(ctx.request().body());
    Response res = MakeResponse(http::status::ok, std::move(body), "application/octet-stream");
    return res;
  });
  router.Get("/throw", [](RequestContext&) -> Response { throw std::runtime_error("bug"); });
  router.Get("/sleep", [](RequestContext&) -> asio::awaitable<Response> {
    asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::milliseconds(20));
    co_await timer.async_wait(asio::use_awaitable);
    co_return MakeResponse(http::status::ok, "slept");
  });
  return router;
}

class HttpServerTest : public ::testing::Test {
 protected:
  void StartServer(ServerOptions options = {}, Router router = TestRouter()) {
    server_ = std::make_unique<HttpServer>(std::move(options), std::move(router));
    Status status = server_->Start();
    ASSERT_TRUE(status.ok()) << status.ToString();
    ASSERT_NE(server_->port(), 0);
  }
  void TearDown() override {
    if (server_) server_->Stop(std::chrono::seconds(1));
  }
  std::uint16_t port() const { return server_->port(); }

  // Expects the server to answer `raw` with `status` and then close the connection.
  void ExpectAnswerAndClose(std::string_view raw, http::status status) {
    TestClient client(port());
    ASSERT_FALSE(client.connect_error());
    ASSERT_FALSE(client.WriteRaw(raw));
    Response res;
    beast::error_code ec = client.Read(res);
    ASSERT_FALSE(ec) << ec.message() << " for " << raw.substr(0, 60);
    EXPECT_EQ(res.result(), status) << res.body();
    EXPECT_FALSE(res.keep_alive());
    bool closed = false;
    client.ReadUntilClose(closed, std::chrono::seconds(3));
    EXPECT_TRUE(closed);
  }

  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, RoutesRequests) {
  StartServer();
  TestClient client(port());
  Response trace = client.Get("/api/v2/trace/463ac35c9f6413ad48485a3953bb6124");
  EXPECT_EQ(trace.result(), http::status::ok);
  EXPECT_EQ(trace[http::field::content_type], "application/json");
  EXPECT_EQ(trace.body(),
            "{\"route\":\"/api/v2/trace/{traceId}\",\"id\":\"463ac35c9f6413ad48485a3953bb6124\"}");
  EXPECT_EQ(client.Get("/q?n=a+b%21").body(), "a b!");
  EXPECT_EQ(client.Get("/nope").result(), http::status::not_found);
  Response wrong = client.Post("/health", "x");
  EXPECT_EQ(wrong.result(), http::status::method_not_allowed);
  EXPECT_EQ(wrong[http::field::allow], "GET, HEAD, OPTIONS");
  EXPECT_EQ(client.RoundTrip(Request(http::verb::trace, "/health", 11)).result(),
            http::status::method_not_allowed);
  EXPECT_EQ(client.RoundTrip(Request(http::verb::trace, "/elsewhere", 11)).result(),
            http::status::method_not_allowed);
  EXPECT_EQ(client.Get("/sleep").body(), "slept");
}

TEST_F(HttpServerTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer();
  TestClient client(port());
  for (int i = 0; i < 20; ++i) {
    Response res = client.Get("/q?n=" + std::to_string(i));
    ASSERT_EQ(res.result(), http::status::ok);
    EXPECT_EQ(res.body(), std::to_string(i));
    EXPECT_TRUE(res.keep_alive());
  }
  ServerStats stats = server_->stats();
  EXPECT_EQ(stats.connections_accepted, 1u);
  EXPECT_EQ(stats.requests, 20u);
  EXPECT_EQ(stats.responses_by_class[2], 20u);
  EXPECT_EQ(stats.connections_active, 1u);
}

TEST_F(HttpServerTest, PipelinedRequestsAreAnsweredInOrder) {
  StartServer();
  TestClient client(port());
  ASSERT_FALSE(
      client.WriteRaw("GET /q?n=1 HTTP/1.1\r\nHost: x\r\n\r\n"
                      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                      "GET /sleep HTTP/1.1\r\nHost: x\r\n\r\n"
                      "GET /q?n=4 HTTP/1.1\r\nHost: x\r\n\r\n"));
  std::vector<std::string> bodies;
  for (int i = 0; i < 4; ++i) {
    Response res;
    ASSERT_FALSE(client.Read(res));
    bodies.push_back(res.body());
  }
  EXPECT_THAT(bodies, ::testing::ElementsAre("1", "hello", "slept", "4"));
}

TEST_F(HttpServerTest, HeadSendsHeadersOnly) {
  StartServer();
  TestClient client(port());
  Response head = client.RoundTrip(Request(http::verb::head, "/health", 11));
  EXPECT_EQ(head.result(), http::status::ok);
  EXPECT_EQ(head[http::field::content_length], "2");
  EXPECT_TRUE(head.body().empty());
  // Had a body been sent, it would now be read as the start of the next response.
  EXPECT_EQ(client.Get("/q?n=after").body(), "after");
}

TEST_F(HttpServerTest, BodyLimitIs413AndTheServerKeepsServing) {
  ServerOptions options;
  options.max_body_bytes = 1024;
  StartServer(options);

  TestClient at_limit(port());
  EXPECT_EQ(at_limit.Post("/echo", std::string(1024, 'a')).body().size(), 1024u);

  // Refused on the declared length, before the body arrives.
  ExpectAnswerAndClose(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 1048576\r\n\r\n" + std::string(100, 'b'),
      http::status::payload_too_large);
  // A chunked body is refused once it grows past the limit.
  std::string chunked = "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
  for (int i = 0; i < 3; ++i) chunked += "200\r\n" + std::string(512, 'c') + "\r\n";
  chunked += "0\r\n\r\n";
  ExpectAnswerAndClose(chunked, http::status::payload_too_large);

  EXPECT_EQ(at_limit.Get("/health").body(), "UP");
  TestClient other(port());
  EXPECT_EQ(other.Get("/health").body(), "UP");
  ServerStats stats = server_->stats();
  EXPECT_EQ(stats.rejected_body_too_large, 2u);
  EXPECT_EQ(stats.responses_by_class[4], 2u);
}

TEST_F(HttpServerTest, HugeHeaderIs431) {
  ServerOptions options;
  options.max_header_bytes = 8 * 1024;
  StartServer(options);
  ExpectAnswerAndClose(
      "GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(20000, 'h') + "\r\n\r\n",
      http::status::request_header_fields_too_large);
  // A header just under the limit is fine.
  TestClient client(port());
  Request req(http::verb::get, "/health", 11);
  req.set("X-Big", std::string(7000, 'h'));
  EXPECT_EQ(client.RoundTrip(req).result(), http::status::ok);
  EXPECT_EQ(server_->stats().rejected_header_too_large, 1u);
}

TEST_F(HttpServerTest, MalformedRequestsAre400AndClosed) {
  StartServer();
  const std::vector<std::string> malformed = {
      "GARBAGE\r\n\r\n",
      "GET /health HTTP/9.9\r\nHost: x\r\n\r\n",
      "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n",
      "GET /health HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nxx",
      "POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
      "GET /health HTTP/1.1\r\nBad Header: x\r\n\r\n",
      "GET /health HTTP/1.1\r\n\r\n",  // no Host
  };
  for (const std::string& raw : malformed) ExpectAnswerAndClose(raw, http::status::bad_request);
  EXPECT_EQ(server_->stats().rejected_malformed, malformed.size());
  // A parseable request with a bad target is the router's 400, and the connection stays open.
  TestClient client(port());
  Response res = client.Get("/health%zz");
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_TRUE(res.keep_alive());
  EXPECT_EQ(client.Get("/health").body(), "UP");
}

TEST_F(HttpServerTest, AnswersExpect100Continue) {
  StartServer();
  TestClient client(port());
  ASSERT_FALSE(client.WriteRaw(
      "POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\nExpect: 100-continue\r\n\r\n"));
  Response interim;
  ASSERT_FALSE(client.Read(interim));
  EXPECT_EQ(interim.result(), http::status::continue_);
  ASSERT_FALSE(client.WriteRaw("abc"));
  Response res;
  ASSERT_FALSE(client.Read(res));
  EXPECT_EQ(res.body(), "abc");
}

TEST_F(HttpServerTest, ClosesWhenTheClientAsks) {
  StartServer();
  {
    TestClient client(port());
    ASSERT_FALSE(client.WriteRaw("GET /health HTTP/1.0\r\n\r\n"));
    bool closed = false;
    std::string raw = client.ReadUntilClose(closed, std::chrono::seconds(3));
    EXPECT_TRUE(closed);
    EXPECT_THAT(raw, HasSubstr("HTTP/1.0 200 OK"));
    EXPECT_THAT(raw, ::testing::EndsWith("UP"));
  }
  {
    TestClient client(port());
    Request req(http::verb::get, "/health", 11);
    req.keep_alive(false);
    Response res = client.RoundTrip(req);
    EXPECT_EQ(res.result(), http::status::ok);
    EXPECT_FALSE(res.keep_alive());
    bool closed = false;
    client.ReadUntilClose(closed, std::chrono::seconds(3));
    EXPECT_TRUE(closed);
  }
}

TEST_F(HttpServerTest, ThrowingHandlerIs500AndConnectionSurvives) {
  StartServer();
  TestClient client(port());
  Response res = client.Get("/throw");
  EXPECT_EQ(res.result(), http::status::internal_server_error);
  EXPECT_EQ(client.Get("/health").body(), "UP");
  EXPECT_EQ(server_->stats().handler_errors, 1u);
  EXPECT_EQ(server_->stats().responses_by_class[5], 1u);
}

TEST_F(HttpServerTest, ServerHeaderAndRequestsPerConnection) {
  ServerOptions options;
  options.server_header = "cairn";
  options.max_requests_per_connection = 2;
  StartServer(options);
  TestClient client(port());
  Response first = client.Get("/health");
  EXPECT_EQ(first[http::field::server], "cairn");
  EXPECT_TRUE(first.keep_alive());
  Response second = client.Get("/health");
  EXPECT_FALSE(second.keep_alive());
  bool closed = false;
  client.ReadUntilClose(closed, std::chrono::seconds(3));
  EXPECT_TRUE(closed);
}

TEST_F(HttpServerTest, StartReportsErrors) {
  Router broken;
  broken.Get("no-slash", [](RequestContext&) { return MakeResponse(http::status::ok); });
  HttpServer bad_router(ServerOptions(), std::move(broken));
  EXPECT_EQ(bad_router.Start().code(), StatusCode::kInvalidArgument);

  ServerOptions bad_host;
  bad_host.host = "not an ip";
  HttpServer server_with_bad_host(bad_host, TestRouter());
  EXPECT_EQ(server_with_bad_host.Start().code(), StatusCode::kInvalidArgument);

  StartServer();
  EXPECT_EQ(server_->Start().code(), StatusCode::kFailedPrecondition);
  ServerOptions taken;
  taken.port = port();
  HttpServer second(taken, TestRouter());
  Status status = second.Start();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("bind"));
}

}  // namespace
}  // namespace cairn::net
