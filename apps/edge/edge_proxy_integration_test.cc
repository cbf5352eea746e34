// cairn-edge in-process against real upstream HTTP servers: forwarding and headers, tracing,
// retries, outlier ejection, circuit breaking, timeouts and streamed responses.
#include <boost/json.hpp>
#include <chrono>
#include <future>
#include <thread>

#include "apps/edge/edge_test_util.h"
#include "lib/net/test_client.h"
#include "lib/trace_http/testing_collector.h"
#include "lib/trace_http/testing_server.h"

namespace cairn::edge {
namespace {

using net::testing::TestClient;
using trace_http::testing::RequestInfo;
using trace_http::testing::TestHttpServer;
using UpRequest = trace_http::testing::Request;
using UpResponse = trace_http::testing::Response;
using namespace std::chrono_literals;
namespace http = boost::beast::http;

// Answers with the request it saw: "target=...\n" then one "name: value" line per header.
UpResponse Echo(const UpRequest& req, const RequestInfo&) {
  std::string body = "target=" + std::string(req.target()) + "\n";
  for (const auto& f : req) {
    body += std::string(f.name_string()) + ": " + std::string(f.value()) + "\n";
  }
  UpResponse res{http::status::ok, 11};
  res.set(http::field::content_type, "text/plain");
  res.body() = body;
  res.prepare_payload();
  return res;
}

UpResponse Status(unsigned code, std::string body = "") {
  UpResponse res{static_cast<http::status>(code), 11};
  res.body() = std::move(body);
  res.prepare_payload();
  return res;
}

bool Has(const std::string& text, std::string_view needle) {
  return text.find(needle) != std::string::npos;
}

class EdgeTest : public ::testing::Test {
 protected:
  void StartEdge(const std::string& yaml) {
    Result<EdgeConfig> config = testing::ConfigFromYaml(dir_, testing::PlainEdgeYaml(yaml));
    ASSERT_TRUE(config.ok()) << config.status().message();
    auto server = EdgeServer::Create(std::move(config).value());
    ASSERT_TRUE(server.ok()) << server.status().message();
    edge_ = std::move(server).value();
    ASSERT_TRUE(edge_->Start().ok());
  }
  std::uint16_t port() const { return edge_->http_port(); }
  std::string Metrics() {
    TestClient c(port());
    return c.Get("/metrics").body();
  }

  testing::TempDir dir_;
  std::unique_ptr<EdgeServer> edge_;
};

std::string Url(const TestHttpServer& s, std::string_view path = "") {
  return s.BaseUrl() + std::string(path);
}

TEST_F(EdgeTest, ForwardsRewritesPathAndSetsProxyHeaders) {
  TestHttpServer up(Echo);
  ASSERT_TRUE(up.Start().ok());
  StartEdge("prefix: /api\nroutes:\n  accountservice:\n    path: /accounts/{id}\n    url: " +
            Url(up, "/accounts") + "\n");
  TestClient client(port());
  net::Request req{http::verb::get, "/api/accounts/10000?full=1", 11};
  req.set(http::field::host, "edge.example:8765");
  req.set(http::field::cookie, "session=secret");
  req.set(http::field::authorization, "Bearer secret");
  req.set(http::field::connection, "keep-alive, X-Hop");
  req.set("X-Hop", "must not pass");
  req.set(http::field::te, "trailers");
  req.set("X-Forwarded-For", "10.1.2.3");
  req.set("X-Forwarded-Proto", "spoofed");
  req.set("X-Custom", "kept");
  net::Response res = client.RoundTrip(req);
  ASSERT_EQ(res.result_int(), 200u) << res.body();
  const std::string& seen = res.body();
  EXPECT_TRUE(Has(seen, "target=/accounts/10000?full=1\n")) << seen;
  EXPECT_TRUE(Has(seen, "Host: 127.0.0.1:" + std::to_string(up.port()))) << seen;
  EXPECT_TRUE(Has(seen, "X-Forwarded-For: 10.1.2.3, 127.0.0.1\n")) << seen;
  EXPECT_TRUE(Has(seen, "X-Forwarded-Proto: http\n")) << seen;
  EXPECT_TRUE(Has(seen, "X-Forwarded-Host: edge.example:8765\n")) << seen;
  EXPECT_TRUE(Has(seen, "X-Forwarded-Port: " + std::to_string(port()))) << seen;
  EXPECT_TRUE(Has(seen, "X-Forwarded-Prefix: /api/accounts\n")) << seen;
  EXPECT_TRUE(Has(seen, "X-Custom: kept\n")) << seen;
  EXPECT_TRUE(Has(seen, "X-Request-Id: ")) << seen;
  EXPECT_TRUE(Has(seen, "x-b3-traceid: ")) << seen;
  EXPECT_TRUE(Has(seen, "traceparent: 00-")) << seen;
  for (std::string_view gone :
       {"Cookie", "Authorization", "X-Hop", "TE:", "spoofed", "Connection"}) {
    EXPECT_FALSE(Has(seen, gone)) << gone << " passed:\n" << seen;
  }
  // A client's request id is kept; a hostile one is replaced.
  net::Request with_id{http::verb::get, "/api/accounts/1", 11};
  with_id.set("X-Request-Id", "abc-123");
  EXPECT_TRUE(Has(client.RoundTrip(with_id).body(), "X-Request-Id: abc-123\n"));
  net::Request bad_id{http::verb::get, "/api/accounts/1", 11};
  bad_id.set("X-Request-Id", "<script>");
  EXPECT_FALSE(Has(client.RoundTrip(bad_id).body(), "<script>"));
  // Unrouted paths get 404 from the edge itself.
  EXPECT_EQ(client.Get("/api/other").result_int(), 404u);
  EXPECT_EQ(client.Get("/api/accounts/1/x").result_int(), 404u);
  EXPECT_EQ(client.Get("/api/accounts/../admin").result_int(), 400u);
  EXPECT_EQ(up.connections_accepted(), 1u);  // one keep-alive upstream connection for all
}

TEST_F(EdgeTest, ResponseHeadersAreFilteredAndBodiesStreamed) {
  TestHttpServer up([](const UpRequest& req, const RequestInfo&) {
    UpResponse res{http::status::ok, 11};
    res.set(http::field::set_cookie, "id=1");
    res.set("X-Upstream", "yes");
    if (req.target() == "/chunked") {
      res.chunked(true);
      res.body() = std::string(100'000, 'c');
    } else if (req.target() == "/post") {
      res.body() = "got " + std::to_string(req.body().size()) + " bytes: " + req.body();
      res.prepare_payload();
    } else {
      res.body() = std::string(300'000, 'x');
      res.prepare_payload();
    }
    return res;
  });
  ASSERT_TRUE(up.Start().ok());
  StartEdge("routes:\n  all:\n    path: /**\n    url: " + Url(up) + "\n");
  TestClient client(port());
  net::Response big = client.Get("/big");
  ASSERT_EQ(big.result_int(), 200u);
  EXPECT_EQ(big.body(), std::string(300'000, 'x'));
  EXPECT_EQ(big[http::field::set_cookie], "");
  EXPECT_EQ(big["X-Upstream"], "yes");
  net::Response chunked = client.Get("/chunked");
  ASSERT_EQ(chunked.result_int(), 200u);
  EXPECT_EQ(chunked.body(), std::string(100'000, 'c'));
  net::Response post = client.Post("/post", "hello");
  EXPECT_EQ(post.body(), "got 5 bytes: hello");
  net::Request head{http::verb::head, "/big", 11};
  net::Response head_res = client.RoundTrip(head);
  EXPECT_EQ(head_res.result_int(), 200u);
  EXPECT_EQ(head_res[http::field::content_length], "300000");
  EXPECT_EQ(client.Get("/big").body().size(), 300'000u);  // the connection is still in step
}

TEST_F(EdgeTest, TracesEveryRequestAndAttempt) {
  trace_http::testing::RecordingCollector collector;
  ASSERT_TRUE(collector.Start().ok());
  std::string upstream_b3;
  std::mutex mu;
  TestHttpServer up([&](const UpRequest& req, const RequestInfo& info) {
    std::lock_guard lock(mu);
    upstream_b3 = std::string(req["x-b3-spanid"]) + "/" + std::string(req["x-b3-parentspanid"]);
    return Echo(req, info);
  });
  ASSERT_TRUE(up.Start().ok());
  StartEdge("tracing: {zipkin-url: '" + collector.SpansUrl() +
            "', sample-rate: 1.0}\nprefix: /api\nroutes:\n  accountservice:\n    path: "
            "/accounts/{id}\n    url: " +
            Url(up, "/accounts") + "\n");
  TestClient client(port());
  net::Request req{http::verb::get, "/api/accounts/10000", 11};
  req.set("X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124");
  req.set("X-B3-SpanId", "a2fb4a1d1a96d312");
  req.set("X-B3-Sampled", "1");
  ASSERT_EQ(client.RoundTrip(req).result_int(), 200u);
  // The SERVER span ends just after the response is written: poll until both arrived.
  boost::json::array spans;
  for (int i = 0; i < 100 && spans.size() < 2; ++i) {
    ASSERT_TRUE(edge_->reporter()->Flush(5s).ok());
    spans.clear();
    for (const auto& r : collector.Requests()) {
      boost::json::value batch = boost::json::parse(r.body);
      for (auto& s : batch.as_array()) spans.push_back(s);
    }
    if (spans.size() < 2) std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(spans.size(), 2u) << boost::json::serialize(spans);
  const boost::json::object* server = nullptr;
  const boost::json::object* client_span = nullptr;
  for (const auto& s : spans) {
    const auto& o = s.as_object();
    (o.at("kind").as_string() == "SERVER" ? server : client_span) = &o;
  }
  ASSERT_NE(server, nullptr);
  ASSERT_NE(client_span, nullptr);
  EXPECT_EQ(server->at("name").as_string(), "get /api/accounts/{id}");
  EXPECT_EQ(server->at("traceId").as_string(), "463ac35c9f6413ad48485a3953bb6124");
  EXPECT_EQ(server->at("parentId").as_string(), "a2fb4a1d1a96d312");
  EXPECT_EQ(server->at("localEndpoint").as_object().at("serviceName").as_string(), "edge-server");
  EXPECT_EQ(server->at("tags").as_object().at("http.status_code").as_string(), "200");
  EXPECT_EQ(client_span->at("parentId").as_string(), server->at("id").as_string());
  EXPECT_EQ(client_span->at("remoteEndpoint").as_object().at("serviceName").as_string(),
            "accountservice");
  const auto& tags = client_span->at("tags").as_object();
  EXPECT_EQ(tags.at("http.url").as_string(),
            "http://127.0.0.1:" + std::to_string(up.port()) + "/accounts/10000");
  EXPECT_EQ(tags.at("http.method").as_string(), "GET");
  EXPECT_EQ(tags.at("http.status_code").as_string(), "200");
  EXPECT_EQ(tags.at("retry.count").as_string(), "0");
  EXPECT_EQ(tags.at("upstream.address").as_string(), "127.0.0.1:" + std::to_string(up.port()));
  std::lock_guard lock(mu);
  EXPECT_EQ(upstream_b3, std::string(client_span->at("id").as_string()) + "/" +
                             std::string(server->at("id").as_string()));
}

TEST_F(EdgeTest, RetriesConnectFailuresOnAnotherHost) {
  TestHttpServer up(Echo);
  ASSERT_TRUE(up.Start().ok());
  TestHttpServer dead(Echo);
  ASSERT_TRUE(dead.Start().ok());
  const std::string dead_url = Url(dead);
  dead.Stop();  // nothing listens there any more
  StartEdge("routes:\n  r:\n    path: /**\n    instances: [" + dead_url + ", " + Url(up) +
            "]\n    outlier-detection: {enabled: false}\n");
  TestClient client(port());
  for (int i = 0; i < 6; ++i) {
    net::Response res = client.Get("/x");
    ASSERT_EQ(res.result_int(), 200u) << res.body();
  }
  const std::string m = Metrics();
  EXPECT_TRUE(Has(m, "cairn_edge_upstream_retries_total{service=\"r\"} 3")) << m;
  EXPECT_TRUE(Has(m, "cairn_edge_upstream_connect_failures_total{service=\"r\"} 3")) << m;
}

TEST_F(EdgeTest, RetriesIdempotentRequestsOn503Only) {
  std::atomic<int> calls{0};
  TestHttpServer up([&](const UpRequest&, const RequestInfo&) {
    return ++calls % 2 == 1 ? Status(503, "busy") : Status(200, "ok");
  });
  ASSERT_TRUE(up.Start().ok());
  StartEdge("routes:\n  r:\n    path: /**\n    url: " + Url(up) +
            "\n    retry: {retries: 1, backoff-base: 1ms, backoff-max: 2ms}\n");
  TestClient client(port());
  net::Response get = client.Get("/x");
  EXPECT_EQ(get.result_int(), 200u);
  EXPECT_EQ(calls.load(), 2);
  net::Response post = client.Post("/x", "body");  // not idempotent: the 503 is relayed
  EXPECT_EQ(post.result_int(), 503u);
  EXPECT_EQ(post.body(), "busy");
  EXPECT_EQ(calls.load(), 3);
}

TEST_F(EdgeTest, ConnectFailureWithoutRetriesLeftIs503WithClearBody) {
  TestHttpServer dead(Echo);
  ASSERT_TRUE(dead.Start().ok());
  const std::string url = Url(dead);
  dead.Stop();
  StartEdge("routes:\n  r:\n    path: /**\n    url: " + url +
            "\n    retry: {retries: 2, backoff-base: 1ms, backoff-max: 2ms}\n");
  TestClient client(port());
  net::Response res = client.Get("/x");
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_TRUE(Has(res.body(), "upstream connect error")) << res.body();
  EXPECT_TRUE(Has(Metrics(), "cairn_edge_upstream_retries_total{service=\"r\"} 2"));
}

TEST_F(EdgeTest, EjectsAHostAfterConsecutive5xx) {
  std::atomic<int> bad_calls{0};
  TestHttpServer bad([&](const UpRequest&, const RequestInfo&) {
    ++bad_calls;
    return Status(500, "broken");
  });
  TestHttpServer good(Echo);
  ASSERT_TRUE(bad.Start().ok());
  ASSERT_TRUE(good.Start().ok());
  StartEdge("routes:\n  r:\n    path: /**\n    instances: [" + Url(bad) + ", " + Url(good) +
            "]\n    outlier-detection: {consecutive-failures: 3, ejection-time: 30s}\n");
  TestClient client(port());
  int errors = 0;
  for (int i = 0; i < 40; ++i) errors += client.Get("/x").result_int() == 500 ? 1 : 0;
  EXPECT_EQ(bad_calls.load(), 3);  // then it was ejected
  EXPECT_EQ(errors, 3);
  EXPECT_TRUE(Has(Metrics(), "cairn_edge_upstream_ejections_total{service=\"r\"} 1"));
}

TEST_F(EdgeTest, CircuitBreakerAnswers503AtOnce) {
  TestHttpServer up(Echo);
  up.set_response_delay(400ms);
  ASSERT_TRUE(up.Start().ok());
  StartEdge("routes:\n  r:\n    path: /**\n    url: " + Url(up) +
            "\n    circuit-breaker: {max-requests: 1}\n");
  auto slow = std::async(std::launch::async, [&] {
    TestClient c(port());
    return c.Get("/slow").result_int();
  });
  std::this_thread::sleep_for(100ms);  // the slow request is in flight
  TestClient client(port());
  const auto start = std::chrono::steady_clock::now();
  net::Response res = client.Get("/fast");
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(res.result_int(), 503u);
  EXPECT_TRUE(Has(res.body(), "max-requests (1)")) << res.body();
  EXPECT_LT(took, 200ms);
  EXPECT_EQ(slow.get(), 200u);
  EXPECT_TRUE(Has(Metrics(),
                  "cairn_edge_breaker_rejections_total{service=\"r\",limit=\"max_requests\"} 1"));
}

TEST_F(EdgeTest, UpstreamTimeoutsGive504) {
  TestHttpServer up(Echo);
  up.set_response_delay(500ms);
  ASSERT_TRUE(up.Start().ok());
  StartEdge("routes:\n  r:\n    path: /**\n    url: " + Url(up) +
            "\n    response-timeout: 150ms\n    retry: {retries: 0}\n");
  TestClient client(port());
  const auto start = std::chrono::steady_clock::now();
  net::Response res = client.Get("/x");
  EXPECT_EQ(res.result_int(), 504u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 450ms);
}

TEST_F(EdgeTest, ActiveHealthChecksTakeHostsOutAndBack) {
  std::atomic<bool> healthy{true};
  TestHttpServer up([&](const UpRequest& req, const RequestInfo& info) {
    if (req.target() == "/health") return Status(healthy ? 200 : 503, "");
    return Echo(req, info);
  });
  ASSERT_TRUE(up.Start().ok());
  StartEdge("routes:\n  r:\n    path: /**\n    url: " + Url(up) +
            "\n    health-check: {path: /health, interval: 30ms, timeout: 200ms, "
            "unhealthy-threshold: 2, healthy-threshold: 2}\n");
  TestClient client(port());
  EXPECT_EQ(client.Get("/x").result_int(), 200u);
  healthy = false;
  auto wait_for = [&](unsigned status) {
    for (int i = 0; i < 100; ++i) {
      if (client.Get("/x").result_int() == status) return true;
      std::this_thread::sleep_for(20ms);
    }
    return false;
  };
  EXPECT_TRUE(wait_for(503));
  EXPECT_TRUE(Has(client.Get("/x").body(), "no healthy upstream"));
  healthy = true;
  EXPECT_TRUE(wait_for(200));
}

}  // namespace
}  // namespace cairn::edge
