#include "lib/trace_http/client_tracing.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/error.hpp>
#include <boost/beast/http/string_body.hpp>

#include "cairn/trace/current_span.h"
#include "lib/trace_http/testing_reporter.h"

namespace cairn::trace_http {
namespace {

namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;
using testing::RecordingReporter;
using trace::SpanRecordPtr;

std::string Header(const http::fields& fields, std::string_view name) {
  auto it = fields.find(boost::beast::string_view(name.data(), name.size()));
  return it == fields.end() ? "-" : std::string(it->value());
}

std::string TagOr(const trace::SpanRecord& span, std::string_view key) {
  const trace::TagView* tag = span.FindTag(key);
  return tag ? std::string(tag->value) : "-";
}

std::string TraceparentTraceId(const trace::TraceId& id) {
  return trace::Hex64(id.high) + trace::Hex64(id.low);
}

class ClientTracingTest : public ::testing::Test {
 protected:
  void SetUp() override { tracer_ = NewTracer(trace::AlwaysSample()); }

  std::unique_ptr<trace::Tracer> NewTracer(std::shared_ptr<trace::Sampler> sampler) {
    trace::TracerOptions options;
    options.service_name = "frontend";
    options.reporter = reporter_;
    options.sampler = std::move(sampler);
    auto tracer = trace::Tracer::Create(std::move(options));
    EXPECT_TRUE(tracer.ok());
    return tracer.ok() ? std::move(tracer).value() : nullptr;
  }

  std::shared_ptr<RecordingReporter> reporter_ = std::make_shared<RecordingReporter>();
  std::unique_ptr<trace::Tracer> tracer_;
};

TEST_F(ClientTracingTest, ChildOfTheCurrentSpanInjectsB3AndTraceparent) {
  trace::Span parent = tracer_->StartSpan("handle");
  trace::TraceContext client_context;
  {
    trace::Scope scope(parent.context());
    http::request<http::string_body> request{http::verb::get, "/quotes/7?currency=EUR", 11};
    trace::Span span = StartClientSpan(*tracer_, request, "quotes-service");
    client_context = span.context();
    EXPECT_EQ(client_context.trace_id, parent.context().trace_id);
    EXPECT_EQ(client_context.parent_id, parent.context().span_id);
    EXPECT_NE(client_context.span_id, parent.context().span_id);

    EXPECT_EQ(Header(request, "X-B3-TraceId"), client_context.trace_id.ToHex());
    EXPECT_EQ(Header(request, "X-B3-SpanId"), trace::Hex64(client_context.span_id));
    EXPECT_EQ(Header(request, "X-B3-ParentSpanId"), trace::Hex64(parent.context().span_id));
    EXPECT_EQ(Header(request, "X-B3-Sampled"), "1");
    EXPECT_EQ(Header(request, "traceparent"), "00-" + TraceparentTraceId(client_context.trace_id) +
                                                  "-" + trace::Hex64(client_context.span_id) +
                                                  "-01");

    http::response<http::string_body> response{http::status::service_unavailable, 11};
    FinishClientSpan(span, response);
  }
  parent.Finish();
  std::vector<SpanRecordPtr> spans = reporter_->Take();
  ASSERT_EQ(spans.size(), 2u);
  const trace::SpanRecord& client = *spans[0];
  EXPECT_EQ(client.kind, trace::SpanKind::kClient);
  EXPECT_EQ(client.name, "get");
  EXPECT_EQ(client.id, client_context.span_id);
  EXPECT_EQ(client.parent_id, parent.context().span_id);
  EXPECT_EQ(TagOr(client, "http.method"), "GET");
  EXPECT_EQ(TagOr(client, "http.path"), "/quotes/7");
  EXPECT_EQ(TagOr(client, "http.status_code"), "503");
  EXPECT_EQ(TagOr(client, "error"), "503");
  EXPECT_EQ(client.remote_endpoint.service_name, "quotes-service");
  EXPECT_FALSE(client.shared);
}

TEST_F(ClientTracingTest, NewTraceWithoutCurrentSpanAndCustomNameAndEndpoint) {
  http::request<http::string_body> request{http::verb::post, "/images", 11};
  request.set("X-B3-TraceId", "0000000000000001");  // stale header: replaced
  tcp::endpoint peer(boost::asio::ip::make_address("127.0.0.1"), 8081);
  ClientSpanOptions options;
  options.name = "upload image";
  options.remote = &peer;
  trace::Span span = StartClientSpan(*tracer_, request, options);
  EXPECT_EQ(span.context().parent_id, 0u);
  EXPECT_EQ(request.count("X-B3-TraceId"), 1u);
  EXPECT_EQ(Header(request, "X-B3-TraceId"), span.context().trace_id.ToHex());
  EXPECT_EQ(Header(request, "X-B3-ParentSpanId"), "-");
  http::response<http::string_body> response{http::status::created, 11};
  FinishClientSpan(span, response);
  std::vector<SpanRecordPtr> spans = reporter_->Take();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0]->name, "upload image");
  EXPECT_EQ(spans[0]->remote_endpoint.ipv4, "127.0.0.1");
  EXPECT_EQ(spans[0]->remote_endpoint.port, 8081);
  EXPECT_TRUE(spans[0]->remote_endpoint.service_name.empty());
  EXPECT_EQ(TagOr(*spans[0], "http.status_code"), "-");
  EXPECT_EQ(TagOr(*spans[0], "error"), "-");
}

TEST_F(ClientTracingTest, TransportErrorTagsTheErrorMessage) {
  http::request<http::string_body> request{http::verb::get, "/", 11};
  trace::Span span = StartClientSpan(*tracer_, request);
  boost::system::error_code refused = boost::asio::error::connection_refused;
  FinishClientSpan(span, refused);
  std::vector<SpanRecordPtr> spans = reporter_->Take();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(TagOr(*spans[0], "error"), refused.message());
  EXPECT_EQ(TagOr(*spans[0], "http.status_code"), "-");
}

TEST_F(ClientTracingTest, ExplicitParentWinsOverTheCurrentSpan) {
  trace::Span current = tracer_->StartSpan("current");
  trace::Span other = tracer_->StartSpan("other", {.new_root = true});
  trace::Scope scope(current.context());
  http::request<http::string_body> request{http::verb::get, "/", 11};
  ClientSpanOptions options;
  options.parent = &other.context();
  trace::Span span = StartClientSpan(*tracer_, request, options);
  EXPECT_EQ(span.context().trace_id, other.context().trace_id);
  EXPECT_EQ(span.context().parent_id, other.context().span_id);
}

TEST_F(ClientTracingTest, UnsampledTracePropagatesTheDecisionAndReportsNothing) {
  tracer_ = NewTracer(trace::NeverSample());
  http::request<http::string_body> request{http::verb::get, "/", 11};
  trace::Span span = StartClientSpan(*tracer_, request, "backend");
  EXPECT_FALSE(span.IsRecording());
  EXPECT_EQ(Header(request, "X-B3-TraceId"), span.context().trace_id.ToHex());
  EXPECT_EQ(Header(request, "X-B3-Sampled"), "0");
  EXPECT_EQ(Header(request, "traceparent").substr(52), "-00");
  http::response<http::string_body> response{http::status::ok, 11};
  FinishClientSpan(span, response);
  EXPECT_TRUE(reporter_->Take().empty());
}

}  // namespace
}  // namespace cairn::trace_http
