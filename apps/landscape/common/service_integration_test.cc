// A landscape Service on loopback with a RecordingCollector as its trace server: /health,
// /metrics, server spans, the upstream client between two services, log correlation, isolation of
// concurrent requests' current spans, upstream failures, and graceful stop.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/sinks/ostream_sink.h>
#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <future>
#include <sstream>
#include <thread>

#include "apps/landscape/common/json_error.h"
#include "apps/landscape/common/service.h"
#include "apps/landscape/common/testing_spans.h"
#include "apps/landscape/common/upstream_client.h"
#include "cairn/trace/current_span.h"
#include "lib/net/request_context.h"
#include "lib/net/test_client.h"
#include "lib/trace_http/testing_server.h"

namespace cairn::landscape {
namespace {

namespace asio = boost::asio;
namespace http = net::http;
using std::chrono::milliseconds;
using testing::DecodeSpans;
using testing::FindSpan;
using ::testing::HasSubstr;
using ::testing::Not;
using testing::ReportedSpan;
using trace_http::testing::RecordingCollector;

constexpr std::string_view kTraceId = "463ac35c9f6413ad48485a3953bb6124";
constexpr std::string_view kParentId = "0020000000000001";

asio::awaitable<void> Sleep(milliseconds duration) {
  asio::steady_timer timer(co_await asio::this_coro::executor, duration);
  co_await timer.async_wait(asio::use_awaitable);
}

// The trace id current in the handler, or "none".
std::string CurrentTraceId() {
  const trace::TraceContext* context = trace::CurrentContext();
  return context != nullptr ? context->trace_id.ToHex() : "none";
}

class ServiceIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(collector_.Start().ok()); }

  std::unique_ptr<Service> MakeService(std::string name) {
    auto created = Service::Create(
        {.name = std::move(name), .config = testing::TestServiceConfig(&collector_)});
    EXPECT_TRUE(created.ok()) << created.status().ToString();
    return created.ok() ? std::move(created).value() : nullptr;
  }

  std::vector<ReportedSpan> Spans(Service& service) {
    EXPECT_TRUE(service.FlushSpans(milliseconds(3000)).ok());
    return DecodeSpans(collector_);
  }

  RecordingCollector collector_;
};

TEST_F(ServiceIntegrationTest, HealthAndMetrics) {
  auto service = MakeService("test-svc");
  bool healthy = true;
  service->SetHealthCheck(
      [&healthy] { return healthy ? Status::Ok() : Unavailable("Database unaccessible"); });
  service->Get("/hello", net::SyncHandler([](net::RequestContext&) {
                 return net::JsonResponse("{\"hello\":true}");
               }));
  ASSERT_TRUE(service->Start().ok());
  net::testing::TestClient client(service->port());

  net::Response health = client.Get("/health");
  EXPECT_EQ(health.result(), http::status::ok);
  EXPECT_EQ(health[http::field::content_type], "application/json");
  EXPECT_EQ(health.body(), "{\"status\":\"UP\"}");
  healthy = false;
  health = client.Get("/health");
  EXPECT_EQ(health.result(), http::status::service_unavailable);
  EXPECT_EQ(health.body(), "{\"status\":\"Database unaccessible\"}");

  EXPECT_EQ(client.Get("/hello").result(), http::status::ok);
  EXPECT_EQ(client.Get("/nope").result(), http::status::not_found);
  net::Response metrics = client.Get("/metrics");
  EXPECT_EQ(metrics.result(), http::status::ok);
  EXPECT_EQ(metrics[http::field::content_type], "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = metrics.body();
  EXPECT_THAT(text, HasSubstr("# TYPE http_server_requests_seconds histogram\n"));
  EXPECT_THAT(text, HasSubstr("http_server_requests_seconds_count{method=\"GET\",route=\"/hello\","
                              "status=\"200\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("http_server_requests_seconds_count{method=\"GET\",route=\"/health\","
                              "status=\"503\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("http_server_requests_seconds_count{method=\"GET\",route=\"none\","
                              "status=\"404\"} 1\n"));
  EXPECT_THAT(text, HasSubstr("cairn_http_connections_active 1\n"));
  EXPECT_THAT(text, HasSubstr("cairn_blocking_pool_pending 0\n"));
  EXPECT_THAT(text, HasSubstr("cairn_reporter_spans_total "));
  EXPECT_THAT(text, HasSubstr("\nprocess_resident_memory_bytes "));
  EXPECT_THAT(text, HasSubstr("\nprocess_cpu_seconds_total "));
  EXPECT_THAT(text, HasSubstr("\nprocess_start_time_seconds "));
}

TEST_F(ServiceIntegrationTest, ServerSpansJoinTheCallerAndSkipHealth) {
  auto service = MakeService("test-svc");
  service->Get("/hello",
               net::SyncHandler([](net::RequestContext&) { return net::JsonResponse("{}"); }),
               {.span_name = "sayhello"});
  service->Get("/fail", net::SyncHandler([](net::RequestContext&) {
                 return JsonError(http::status::internal_server_error, "boom");
               }));
  ASSERT_TRUE(service->Start().ok());
  net::testing::TestClient client(service->port());

  net::Request req(http::verb::get, "/hello?x=1", 11);
  req.set("X-B3-TraceId", kTraceId);
  req.set("X-B3-SpanId", kParentId);
  req.set("X-B3-Sampled", "1");
  EXPECT_EQ(client.RoundTrip(req).result(), http::status::ok);
  EXPECT_EQ(client.Get("/fail").result(), http::status::internal_server_error);
  EXPECT_EQ(client.Get("/nope").result(), http::status::not_found);
  EXPECT_EQ(client.Get("/health").result(), http::status::ok);
  EXPECT_EQ(client.Get("/metrics").result(), http::status::ok);

  const std::vector<ReportedSpan> spans = Spans(*service);
  ASSERT_EQ(spans.size(), 3u);  // nothing for /health and /metrics
  const ReportedSpan& hello = spans[0];
  EXPECT_EQ(hello.name, "sayhello");
  EXPECT_EQ(hello.kind, "SERVER");
  EXPECT_EQ(hello.trace_id, kTraceId);
  EXPECT_EQ(hello.parent_id, kParentId);  // a child of the caller's span, not joined
  EXPECT_NE(hello.id, kParentId);
  EXPECT_FALSE(hello.shared);
  EXPECT_EQ(hello.local_service, "test-svc");
  EXPECT_EQ(hello.local_ipv4, "10.1.2.3");
  EXPECT_EQ(hello.remote_ipv4, "127.0.0.1");
  EXPECT_EQ(hello.Tag("http.method"), "GET");
  EXPECT_EQ(hello.Tag("http.path"), "/hello");
  EXPECT_EQ(hello.Tag("http.status_code"), "200");
  EXPECT_FALSE(hello.HasTag("error"));

  EXPECT_EQ(spans[1].name, "get /fail");
  EXPECT_EQ(spans[1].Tag("http.status_code"), "500");
  EXPECT_EQ(spans[1].Tag("error"), "500");
  EXPECT_TRUE(spans[1].parent_id.empty());
  EXPECT_EQ(spans[2].name, "get not_found");
  EXPECT_EQ(spans[2].Tag("error"), "404");
}

// Service "front" calls service "back" through an UpstreamClient: one trace, front SERVER ->
// front CLIENT -> back SERVER, and front's log lines carry its server span's ids before and after
// the co_await.
TEST_F(ServiceIntegrationTest, UpstreamCallsAreTracedAndLogsCarryIds) {
  auto back = MakeService("back");
  back->Get("/hello", net::SyncHandler([](net::RequestContext& ctx) {
              return net::JsonResponse("{\"from\":\"back\",\"b3\":\"" +
                                       std::string(ctx.request()["X-B3-ParentSpanId"]) + "\"}");
            }),
            {.span_name = "backhello"});
  ASSERT_TRUE(back->Start().ok());

  std::ostringstream log;
  auto logger = std::make_shared<spdlog::logger>(
      "test", std::make_shared<spdlog::sinks::ostream_sink_mt>(log));
  logger->set_formatter(MakeLogFormatter(LogFormat::kText, "front"));
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);

  auto front = MakeService("front");
  auto client = std::make_shared<UpstreamClient>(front->tracer());
  front->Keep(client);
  const std::string back_url = back->LocalUrl();
  front->Get(
      "/call",
      net::Handler([client, back_url](net::RequestContext&) -> asio::awaitable<net::Response> {
        spdlog::info("before");
        UpstreamRequest call;
        call.url = JoinUrl(back_url, "/hello");
        call.span_name = "callback";
        call.remote_service = "back";
        Result<net::Response> res = co_await client->Call(std::move(call));
        spdlog::info("after");
        if (!res.ok()) co_return JsonError(http::status::bad_gateway, res.status().message());
        co_return net::JsonResponse(res->body());
      }),
      {.span_name = "frontcall"});
  ASSERT_TRUE(front->Start().ok());

  net::testing::TestClient http_client(front->port());
  net::Response res = http_client.Get("/call");
  spdlog::set_default_logger(previous);
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_THAT(res.body(), HasSubstr("\"from\":\"back\""));

  ASSERT_TRUE(back->FlushSpans(milliseconds(3000)).ok());
  const std::vector<ReportedSpan> spans = Spans(*front);
  auto server = FindSpan(spans, "frontcall", "SERVER");
  auto call = FindSpan(spans, "callback", "CLIENT");
  auto back_server = FindSpan(spans, "backhello", "SERVER");
  ASSERT_TRUE(server && call && back_server) << spans.size() << " spans";
  EXPECT_EQ(call->trace_id, server->trace_id);
  EXPECT_EQ(back_server->trace_id, server->trace_id);
  EXPECT_EQ(call->parent_id, server->id);
  EXPECT_EQ(back_server->parent_id, call->id);
  EXPECT_EQ(call->local_service, "front");
  EXPECT_EQ(call->remote_service, "back");
  EXPECT_EQ(call->remote_ipv4, "127.0.0.1");
  EXPECT_EQ(call->remote_port, back->port());
  EXPECT_EQ(call->Tag("http.method"), "GET");
  EXPECT_EQ(call->Tag("http.path"), "/hello");
  EXPECT_EQ(call->Tag("http.status_code"), "200");
  // B3 reached back: its X-B3-ParentSpanId is front's server span.
  EXPECT_THAT(res.body(), HasSubstr("\"b3\":\"" + server->id + "\""));

  const std::string ids = "[front," + server->trace_id + "," + server->id + "]";
  EXPECT_THAT(log.str(), HasSubstr(ids + " before"));
  EXPECT_THAT(log.str(), HasSubstr(ids + " after"));
}

// I/O threads interleave many requests that suspend: each must keep seeing its own trace.
TEST_F(ServiceIntegrationTest, ConcurrentRequestsKeepTheirOwnCurrentSpan) {
  ServiceConfig config = testing::TestServiceConfig(&collector_);
  config.io_threads = 2;  // coroutines also resume on the other thread
  auto created = Service::Create({.name = "test-svc", .config = config});
  ASSERT_TRUE(created.ok());
  std::unique_ptr<Service> service = std::move(created).value();
  service->Get("/echo", net::Handler([](net::RequestContext&) -> asio::awaitable<net::Response> {
                 const std::string before = CurrentTraceId();
                 co_await Sleep(milliseconds(20));
                 const std::string after = CurrentTraceId();
                 co_return net::JsonResponse(before + " " + after);
               }));
  ASSERT_TRUE(service->Start().ok());
  constexpr int kClients = 8;
  std::vector<std::future<std::pair<std::string, std::string>>> results;
  for (int i = 0; i < kClients; ++i) {
    results.push_back(std::async(std::launch::async, [port = service->port(), i] {
      char trace_id[33];
      std::snprintf(trace_id, sizeof(trace_id), "%016x%016x", 0xabc, i + 1);
      net::testing::TestClient client(port);
      std::string bodies;
      for (int round = 0; round < 3; ++round) {
        net::Request req(http::verb::get, "/echo", 11);
        req.set("X-B3-TraceId", trace_id);
        req.set("X-B3-SpanId", "00000000000000aa");
        bodies += client.RoundTrip(req).body() + ";";
      }
      const std::string id(trace_id);
      return std::make_pair(bodies,
                            id + " " + id + ";" + id + " " + id + ";" + id + " " + id + ";");
    }));
  }
  for (auto& result : results) {
    auto [got, want] = result.get();
    EXPECT_EQ(got, want);
  }
}

TEST_F(ServiceIntegrationTest, UpstreamFailuresAreErrorsWithErrorSpans) {
  auto service = MakeService("test-svc");
  ASSERT_TRUE(service->Start().ok());
  trace_http::testing::TestHttpServer slow([](const auto&, const auto&) {
    trace_http::testing::Response res(http::status::ok, 11);
    res.body() = "late";
    return res;
  });
  slow.set_response_delay(milliseconds(1000));
  ASSERT_TRUE(slow.Start().ok());
  // A port nobody listens on: bind an ephemeral one and release it.
  std::uint16_t closed_port = 0;
  {
    trace_http::testing::TestHttpServer gone(
        [](const auto&, const auto&) { return trace_http::testing::Response(); });
    ASSERT_TRUE(gone.Start().ok());
    closed_port = gone.port();
  }

  UpstreamClient client(service->tracer(), {.connect_timeout = milliseconds(500),
                                            .response_timeout = milliseconds(100)});
  auto call = [&](std::string url) {
    UpstreamRequest request;
    request.url = std::move(url);
    request.span_name = "probe";
    request.remote_service = "other";
    std::optional<Result<net::Response>> result;
    asio::io_context io;
    asio::co_spawn(
        io,
        [&]() -> asio::awaitable<void> {
          result.emplace(co_await client.Call(std::move(request)));
        },
        asio::detached);
    io.run();
    return result.value_or(Result<net::Response>(Internal("did not finish")));
  };

  Result<net::Response> slow_result = call(slow.BaseUrl() + "/x");
  EXPECT_EQ(slow_result.status().code(), StatusCode::kDeadlineExceeded);
  EXPECT_THAT(slow_result.status().message(), HasSubstr("other at 127.0.0.1:"));
  EXPECT_THAT(slow_result.status().message(), HasSubstr("no response within 100 ms"));

  Result<net::Response> refused = call("http://127.0.0.1:" + std::to_string(closed_port) + "/x");
  EXPECT_EQ(refused.status().code(), StatusCode::kUnavailable);
  EXPECT_THAT(refused.status().message(), HasSubstr("cannot connect"));

  Result<net::Response> bad = call("ftp://127.0.0.1/x");
  EXPECT_EQ(bad.status().code(), StatusCode::kInvalidArgument);

  const std::vector<ReportedSpan> spans = Spans(*service);
  ASSERT_EQ(spans.size(), 2u);  // no span for a URL that could not be parsed
  for (const ReportedSpan& span : spans) {
    EXPECT_EQ(span.name, "probe");
    EXPECT_EQ(span.kind, "CLIENT");
    EXPECT_TRUE(span.HasTag("error"));
  }
  EXPECT_THAT(spans[0].Tag("error"), HasSubstr("no response within"));
  slow.Stop();
}

TEST_F(ServiceIntegrationTest, StopDrainsRequestsInFlight) {
  auto service = MakeService("test-svc");
  service->Get("/slow", net::Handler([](net::RequestContext&) -> asio::awaitable<net::Response> {
                 co_await Sleep(milliseconds(200));
                 co_return net::JsonResponse("{\"done\":true}");
               }));
  ASSERT_TRUE(service->Start().ok());
  auto response = std::async(std::launch::async, [port = service->port()] {
    net::testing::TestClient client(port);
    return client.Get("/slow");
  });
  std::this_thread::sleep_for(milliseconds(50));
  service->Stop();
  net::Response res = response.get();
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), "{\"done\":true}");
  // The span of the drained request was flushed by Stop.
  EXPECT_TRUE(FindSpan(DecodeSpans(collector_), "get /slow", "SERVER").has_value());
}

}  // namespace
}  // namespace cairn::landscape
