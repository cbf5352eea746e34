#include "lib/trace_http/server_tracing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/beast/http/string_body.hpp>

#include "lib/trace_http/testing_reporter.h"

namespace cairn::trace_http {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using testing::RecordingReporter;
using trace::SpanRecordPtr;

constexpr std::string_view kTraceId = "80f198ee56343ba864fe8b2a57d3eff7";
constexpr std::string_view kClientSpanId = "e457b5a2e4d86bd1";
constexpr std::string_view kClientParentId = "05e3ac9a4f6e3b90";

std::string TagOr(const trace::SpanRecord& span, std::string_view key, std::string missing = "-") {
  const trace::TagView* tag = span.FindTag(key);
  return tag ? std::string(tag->value) : missing;
}

class ServerTracingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    trace::TracerOptions options;
    options.service_name = "AccountService";
    options.reporter = reporter_;
    auto tracer = trace::Tracer::Create(std::move(options));
    ASSERT_TRUE(tracer.ok()) << tracer.status().ToString();
    tracer_ = std::move(tracer).value();
  }

  SpanRecordPtr OnlySpan() {
    std::vector<SpanRecordPtr> spans = reporter_->Take();
    EXPECT_EQ(spans.size(), 1u);
    return spans.empty() ? nullptr : std::move(spans[0]);
  }

  std::shared_ptr<RecordingReporter> reporter_ = std::make_shared<RecordingReporter>();
  std::unique_ptr<trace::Tracer> tracer_;
};

TEST_F(ServerTracingTest, JoinsTheB3ClientSpanAndTagsTheRequest) {
  http::request<http::string_body> request{http::verb::get, "/accounts/42?verbose=1", 11};
  request.set("X-B3-TraceId", kTraceId);
  request.set("X-B3-SpanId", kClientSpanId);
  request.set("X-B3-ParentSpanId", kClientParentId);
  request.set("X-B3-Sampled", "1");
  tcp::endpoint peer(boost::asio::ip::make_address("10.0.0.7"), 50123);
  trace::TraceContext inside;
  trace::SpanId child_parent = 0;
  {
    auto guard = TraceServerRequest(*tracer_, request, "/accounts/{id}", &peer);
    ASSERT_NE(trace::CurrentContext(), nullptr);
    inside = *trace::CurrentContext();
    EXPECT_EQ(inside, guard.context());
    trace::Span child = tracer_->StartSpan("load-account");
    child_parent = child.context().parent_id;
    child.Finish();
    http::response<http::string_body> response{http::status::ok, 11};
    guard.Finish(response);
    EXPECT_TRUE(guard.finished());
  }
  EXPECT_EQ(trace::CurrentContext(), nullptr);
  EXPECT_EQ(inside.trace_id.ToHex(), kTraceId);
  EXPECT_EQ(trace::Hex64(inside.span_id), kClientSpanId);
  EXPECT_TRUE(inside.shared);
  EXPECT_EQ(child_parent, inside.span_id);

  std::vector<SpanRecordPtr> spans = reporter_->Take();
  ASSERT_EQ(spans.size(), 2u);
  const trace::SpanRecord& server = *spans[1];
  EXPECT_EQ(server.kind, trace::SpanKind::kServer);
  EXPECT_EQ(server.name, "get /accounts/{id}");
  EXPECT_EQ(server.trace_id.ToHex(), kTraceId);
  EXPECT_EQ(trace::Hex64(server.id), kClientSpanId);
  EXPECT_EQ(trace::Hex64(server.parent_id), kClientParentId);
  EXPECT_TRUE(server.shared);
  EXPECT_EQ(TagOr(server, "http.method"), "GET");
  EXPECT_EQ(TagOr(server, "http.path"), "/accounts/42");
  EXPECT_EQ(TagOr(server, "http.status_code"), "-");  // Brave: only when not 2xx
  EXPECT_EQ(TagOr(server, "error"), "-");
  EXPECT_EQ(server.remote_endpoint.ipv4, "10.0.0.7");
  EXPECT_EQ(server.remote_endpoint.port, 50123);
  EXPECT_EQ(server.local_endpoint.service_name, "accountservice");
  EXPECT_GT(server.timestamp_us, 0);
}

TEST_F(ServerTracingTest, JoinsB3SingleAndW3CContexts) {
  http::request<http::string_body> b3{http::verb::post, "/quotes", 11};
  b3.set("b3", std::string(kTraceId) + "-" + std::string(kClientSpanId) + "-1");
  http::request<http::string_body> w3c{http::verb::post, "/quotes", 11};
  w3c.set("traceparent", "00-" + std::string(kTraceId) + "-" + std::string(kClientSpanId) + "-01");
  for (const auto* request : {&b3, &w3c}) {
    ServerSpanGuard guard(*tracer_, *request);
    EXPECT_EQ(guard.context().trace_id.ToHex(), kTraceId);
    EXPECT_EQ(trace::Hex64(guard.context().span_id), kClientSpanId);
    guard.Finish(201);
    SpanRecordPtr span = OnlySpan();
    ASSERT_NE(span, nullptr);
    EXPECT_EQ(span->name, "post");  // no route known
    EXPECT_EQ(TagOr(*span, "http.status_code"), "-");
  }
}

TEST_F(ServerTracingTest, StartsANewTraceWithoutHeaders) {
  http::request<http::string_body> request{http::verb::put, "/", 11};
  ServerSpanGuard guard(*tracer_, request);
  EXPECT_TRUE(guard.context().IsValid());
  EXPECT_EQ(guard.context().parent_id, 0u);
  EXPECT_FALSE(guard.context().shared);
  guard.Finish(204);
  SpanRecordPtr span = OnlySpan();
  ASSERT_NE(span, nullptr);
  EXPECT_EQ(span->parent_id, 0u);
  EXPECT_EQ(TagOr(*span, "http.path"), "/");
  EXPECT_TRUE(span->remote_endpoint.IsEmpty());
}

TEST_F(ServerTracingTest, ErrorStatusesTagStatusAndError) {
  for (unsigned status : {400u, 503u}) {
    http::request<http::string_body> request{http::verb::delete_, "/accounts/1", 11};
    ServerSpanGuard guard(*tracer_, request, {.route = "/accounts/{id}"});
    http::response<http::string_body> response{static_cast<http::status>(status), 11};
    guard.Finish(response);
    SpanRecordPtr span = OnlySpan();
    ASSERT_NE(span, nullptr);
    EXPECT_EQ(span->name, "delete /accounts/{id}");
    EXPECT_EQ(TagOr(*span, "http.status_code"), std::to_string(status));
    EXPECT_EQ(TagOr(*span, "error"), std::to_string(status));
  }
}

TEST_F(ServerTracingTest, RedirectTagsStatusButIsNoError) {
  http::request<http::string_body> request{http::verb::get, "/old", 11};
  ServerSpanGuard guard(*tracer_, request);
  guard.Finish(301);
  SpanRecordPtr span = OnlySpan();
  ASSERT_NE(span, nullptr);
  EXPECT_EQ(TagOr(*span, "http.status_code"), "301");
  EXPECT_EQ(TagOr(*span, "error"), "-");
}

TEST_F(ServerTracingTest, RouteSetLaterRenamesAndUnmatchedRouteUsesCatchAllNames) {
  http::request<http::string_body> request{http::verb::get, "/accounts/42", 11};
  {
    ServerSpanGuard guard(*tracer_, request);
    guard.SetRoute("/accounts/{id}");
    guard.Finish(200);
  }
  {
    ServerSpanGuard guard(*tracer_, request);
    guard.SetRoute("");  // routing ran and matched nothing
    guard.Finish(404);
  }
  {
    ServerSpanGuard guard(*tracer_, request);
    guard.SetRoute("");
    guard.Finish(302);
  }
  std::vector<SpanRecordPtr> spans = reporter_->Take();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0]->name, "get /accounts/{id}");
  EXPECT_EQ(spans[1]->name, "get not_found");
  EXPECT_EQ(TagOr(*spans[1], "error"), "404");
  EXPECT_EQ(spans[2]->name, "get redirected");
}

TEST_F(ServerTracingTest, TagsEveryStatusWhenAsked) {
  http::request<http::string_body> request{http::verb::get, "/", 11};
  ServerTracingOptions options;
  options.http.tag_all_status_codes = true;
  ServerSpanGuard guard(*tracer_, request, options);
  guard.Finish(200);
  SpanRecordPtr span = OnlySpan();
  ASSERT_NE(span, nullptr);
  EXPECT_EQ(TagOr(*span, "http.status_code"), "200");
  EXPECT_EQ(TagOr(*span, "error"), "-");
}

TEST_F(ServerTracingTest, GuardWithoutFinishReportsAnError) {
  http::request<http::string_body> request{http::verb::get, "/slow", 11};
  { ServerSpanGuard guard(*tracer_, request); }
  SpanRecordPtr span = OnlySpan();
  ASSERT_NE(span, nullptr);
  EXPECT_EQ(TagOr(*span, "error"), "no response");
}

TEST_F(ServerTracingTest, FinishWithErrorKeepsTheMessageAndFinishIsIdempotent) {
  http::request<http::string_body> request{http::verb::get, "/", 11};
  ServerSpanGuard guard(*tracer_, request);
  guard.FinishWithError("database unreachable", 500);
  guard.Finish(200);
  SpanRecordPtr span = OnlySpan();
  ASSERT_NE(span, nullptr);
  EXPECT_EQ(TagOr(*span, "error"), "database unreachable");  // first error wins
  EXPECT_EQ(TagOr(*span, "http.status_code"), "500");
}

TEST_F(ServerTracingTest, UnsampledRequestIsInScopeButNotReported) {
  http::request<http::string_body> request{http::verb::get, "/", 11};
  request.set("X-B3-TraceId", kTraceId);
  request.set("X-B3-SpanId", kClientSpanId);
  request.set("X-B3-Sampled", "0");
  {
    ServerSpanGuard guard(*tracer_, request);
    EXPECT_FALSE(guard.span().IsRecording());
    ASSERT_NE(trace::CurrentContext(), nullptr);
    EXPECT_EQ(trace::CurrentContext()->trace_id.ToHex(), kTraceId);
    EXPECT_FALSE(trace::CurrentContext()->IsSampled());
    guard.Finish(200);
  }
  EXPECT_TRUE(reporter_->Take().empty());
}

TEST_F(ServerTracingTest, ScopeCanBeTurnedOff) {
  http::request<http::string_body> request{http::verb::get, "/", 11};
  ServerTracingOptions options;
  options.scope = false;
  ServerSpanGuard guard(*tracer_, request, options);
  EXPECT_EQ(trace::CurrentContext(), nullptr);
  guard.Finish(200);
}

TEST_F(ServerTracingTest, MethodAndPathEdgeCases) {
  http::request<http::string_body> request;
  request.method_string("PURGE");
  request.target("http://cache.local:8080/images/7.jpg?size=large");
  tcp::endpoint mapped(boost::asio::ip::make_address("::ffff:192.168.1.9"), 4000);
  ServerSpanGuard guard(*tracer_, request, {.remote = &mapped});
  guard.Finish(200);
  SpanRecordPtr span = OnlySpan();
  ASSERT_NE(span, nullptr);
  EXPECT_EQ(span->name, "purge");
  EXPECT_EQ(TagOr(*span, "http.method"), "PURGE");
  EXPECT_EQ(TagOr(*span, "http.path"), "/images/7.jpg");
  EXPECT_EQ(span->remote_endpoint.ipv4, "192.168.1.9");
  EXPECT_EQ(span->remote_endpoint.port, 4000);
}

TEST_F(ServerTracingTest, ForwardedForIsUsedOnlyWhenTrusted) {
  http::request<http::string_body> request{http::verb::get, "/", 11};
  request.set("X-Forwarded-For", " 2001:db8::7 , 10.0.0.1");
  tcp::endpoint proxy(boost::asio::ip::make_address("10.0.0.1"), 3000);
  ServerTracingOptions options;
  options.remote = &proxy;
  {
    ServerSpanGuard guard(*tracer_, request, options);
    guard.Finish(200);
  }
  options.http.trust_x_forwarded_for = true;
  {
    ServerSpanGuard guard(*tracer_, request, options);
    guard.Finish(200);
  }
  request.set("X-Forwarded-For", "not-an-ip");
  {
    ServerSpanGuard guard(*tracer_, request, options);
    guard.Finish(200);
  }
  std::vector<SpanRecordPtr> spans = reporter_->Take();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_EQ(spans[0]->remote_endpoint.ipv4, "10.0.0.1");
  EXPECT_EQ(spans[1]->remote_endpoint.ipv6, "2001:db8::7");
  EXPECT_EQ(spans[1]->remote_endpoint.port, 0);
  EXPECT_EQ(spans[2]->remote_endpoint.ipv4, "10.0.0.1");
}

}  // namespace
}  // namespace cairn::trace_http
