// A real Tracer + AsyncReporter + HttpSender against a RecordingCollector on loopback: what the
// collector receives, and how the pipeline behaves when the collector is slow, down, or back.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <chrono>
#include <set>
#include <thread>

#include "cairn/trace/current_span.h"
#include "cairn/trace/tracer.h"
#include "lib/trace_http/http_sender.h"
#include "lib/trace_http/testing_collector.h"

namespace cairn::trace_http {
namespace {

namespace json = boost::json;
using std::chrono::milliseconds;
using testing::RecordedRequest;
using testing::RecordingCollector;

// Every span object of every JSON v2 request received; fails the test on invalid JSON.
std::vector<json::object> ReceivedSpans(const RecordingCollector& collector) {
  std::vector<json::object> spans;
  for (const RecordedRequest& request : collector.Requests()) {
    boost::system::error_code ec;
    json::value value = json::parse(request.body, ec);
    EXPECT_FALSE(ec) << ec.message() << ": " << request.body;
    if (ec) continue;
    EXPECT_TRUE(value.is_array()) << request.body;
    if (!value.is_array()) continue;
    for (const json::value& span : value.as_array()) {
      EXPECT_TRUE(span.is_object());
      if (span.is_object()) spans.push_back(span.as_object());
    }
  }
  return spans;
}

std::set<std::string> ReceivedIds(const RecordingCollector& collector) {
  std::set<std::string> ids;
  for (const json::object& span : ReceivedSpans(collector)) {
    if (const json::value* id = span.if_contains("id"); id && id->is_string()) {
      ids.insert(std::string(id->as_string()));
    }
  }
  return ids;
}

class HttpReporterIntegrationTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(collector_.Start().ok()); }

  // A tracer reporting through a fresh AsyncReporter + HttpSender to the collector.
  void MakeTracer(trace::AsyncReporterOptions options,
                  milliseconds sender_timeout = milliseconds(5000)) {
    HttpSenderOptions sender;
    sender.url = collector_.SpansUrl();
    sender.timeout = sender_timeout;
    auto reporter = MakeHttpReporter(std::move(sender), options);
    ASSERT_TRUE(reporter.ok()) << reporter.status().ToString();
    reporter_ = *reporter;
    trace::TracerOptions tracer_options;
    tracer_options.service_name = "Frontend";
    tracer_options.local_ipv4 = "192.168.0.5";
    tracer_options.reporter = reporter_;
    auto tracer = trace::Tracer::Create(std::move(tracer_options));
    ASSERT_TRUE(tracer.ok()) << tracer.status().ToString();
    tracer_ = std::move(tracer).value();
  }

  // Starts and finishes `count` root spans; returns their span ids in hex.
  std::set<std::string> ReportSpans(int count, std::string_view name = "work") {
    std::set<std::string> ids;
    for (int i = 0; i < count; ++i) {
      trace::Span span = tracer_->StartSpan(name);
      span.Tag("index", static_cast<std::int64_t>(i));
      ids.insert(trace::Hex64(span.context().span_id));
      span.Finish();
    }
    return ids;
  }

  RecordingCollector collector_;
  std::shared_ptr<trace::AsyncReporter> reporter_;
  std::unique_ptr<trace::Tracer> tracer_;
};

TEST_F(HttpReporterIntegrationTest, SpansArriveAsZipkinJsonV2) {
  trace::AsyncReporterOptions options;
  options.message_timeout = milliseconds(20);
  MakeTracer(options);
  trace::Span server = tracer_->StartSpan("get /accounts/{id}", {.kind = trace::SpanKind::kServer});
  server.Tag("http.method", "GET").Tag("http.status_code", std::int64_t{500});
  server.SetRemoteIpAndPort("10.1.2.3", 40000).SetError("500");
  {
    trace::Scope scope(server.context());
    trace::Span child = tracer_->StartSpan("select \"accounts\"");
    child.Annotate("cache miss");
    child.Finish();
  }
  server.Finish();
  ASSERT_TRUE(reporter_->Flush(milliseconds(5000)).ok());

  std::vector<RecordedRequest> requests = collector_.Requests();
  ASSERT_FALSE(requests.empty());
  for (const RecordedRequest& request : requests) {
    EXPECT_EQ(request.method, "POST");
    EXPECT_EQ(request.target, "/api/v2/spans");
    EXPECT_EQ(request.Header("content-type"), "application/json");
    EXPECT_EQ(request.Header("b3"), "0");
  }
  std::vector<json::object> spans = ReceivedSpans(collector_);
  ASSERT_EQ(spans.size(), 2u);
  const json::object& child = spans[0];
  const json::object& parent = spans[1];
  EXPECT_EQ(parent.at("traceId").as_string().size(), 32u);
  EXPECT_EQ(parent.at("traceId"), child.at("traceId"));
  EXPECT_EQ(child.at("parentId"), parent.at("id"));
  EXPECT_FALSE(parent.contains("parentId"));
  EXPECT_EQ(parent.at("id").as_string(), trace::Hex64(server.context().span_id));
  EXPECT_EQ(parent.at("kind"), "SERVER");
  EXPECT_EQ(parent.at("name"), "get /accounts/{id}");
  EXPECT_TRUE(parent.at("timestamp").is_number());
  EXPECT_TRUE(parent.at("duration").is_number());
  EXPECT_EQ(parent.at("localEndpoint").as_object().at("serviceName"), "frontend");
  EXPECT_EQ(parent.at("localEndpoint").as_object().at("ipv4"), "192.168.0.5");
  EXPECT_EQ(parent.at("remoteEndpoint").as_object().at("ipv4"), "10.1.2.3");
  EXPECT_EQ(parent.at("remoteEndpoint").as_object().at("port"), 40000);
  const json::object& tags = parent.at("tags").as_object();
  EXPECT_EQ(tags.at("http.method"), "GET");
  EXPECT_EQ(tags.at("http.status_code"), "500");  // tag values are strings in Zipkin v2
  EXPECT_EQ(tags.at("error"), "500");
  EXPECT_EQ(child.at("name"), "select \"accounts\"");
  EXPECT_EQ(child.at("annotations").as_array().at(0).as_object().at("value"), "cache miss");
  EXPECT_EQ(reporter_->metrics().SpansDropped(), 0u);
}

TEST_F(HttpReporterIntegrationTest, Proto3UsesItsContentType) {
  trace::AsyncReporterOptions options;
  options.encoding = trace::Encoding::kProto3;
  options.message_timeout = milliseconds(20);
  MakeTracer(options);
  ReportSpans(3);
  ASSERT_TRUE(reporter_->Flush(milliseconds(5000)).ok());
  std::vector<RecordedRequest> requests = collector_.Requests();
  ASSERT_FALSE(requests.empty());
  EXPECT_EQ(requests[0].Header("content-type"), "application/x-protobuf");
  ASSERT_FALSE(requests[0].body.empty());
  EXPECT_EQ(requests[0].body[0], '\x0a');  // ListOfSpans.spans, field 1, length-delimited
  EXPECT_EQ(reporter_->metrics().messages.load(), requests.size());
}

TEST_F(HttpReporterIntegrationTest, CollectorDownThenBackDeliversWithoutDrops) {
  collector_.Stop();  // down, its port known
  trace::AsyncReporterOptions options;
  options.message_timeout = milliseconds(20);
  options.max_send_retries = 50;
  options.send_backoff = milliseconds(50);
  options.max_send_backoff = milliseconds(200);
  MakeTracer(options);
  std::set<std::string> while_down = ReportSpans(5, "while down");
  std::this_thread::sleep_for(milliseconds(300));      // several failed attempts
  EXPECT_EQ(reporter_->metrics().SpansDropped(), 0u);  // nothing overflowed, nothing given up

  ASSERT_TRUE(collector_.Start().ok());
  ASSERT_TRUE(reporter_->Flush(milliseconds(10000)).ok());
  std::set<std::string> after_back = ReportSpans(3, "after back");
  ASSERT_TRUE(reporter_->Flush(milliseconds(10000)).ok());

  std::set<std::string> received = ReceivedIds(collector_);
  for (const std::string& id : while_down) EXPECT_TRUE(received.count(id)) << id;
  for (const std::string& id : after_back) EXPECT_TRUE(received.count(id)) << id;
  EXPECT_EQ(reporter_->metrics().SpansDropped(), 0u);
}

TEST_F(HttpReporterIntegrationTest, OverflowWhileDownIsCountedAndTheRestArrives) {
  collector_.Stop();
  trace::AsyncReporterOptions options;
  options.queued_max_spans = 10;
  options.message_timeout = milliseconds(20);
  options.max_send_retries = 100;
  options.send_backoff = milliseconds(20);
  options.max_send_backoff = milliseconds(100);
  MakeTracer(options);
  ReportSpans(5);
  std::this_thread::sleep_for(milliseconds(100));  // the worker is retrying a message
  ReportSpans(200);
  const trace::ReporterMetrics& metrics = reporter_->metrics();
  EXPECT_GT(metrics.spans_dropped_queue_full.load(), 0u);
  EXPECT_EQ(metrics.spans.load() + metrics.spans_dropped_queue_full.load() +
                metrics.spans_dropped_bytes_full.load(),
            205u);

  ASSERT_TRUE(collector_.Start().ok());
  ASSERT_TRUE(reporter_->Flush(milliseconds(10000)).ok());
  EXPECT_EQ(ReceivedIds(collector_).size(), metrics.spans.load());
  EXPECT_EQ(metrics.spans_dropped_send_failed.load(), 0u);
}

TEST_F(HttpReporterIntegrationTest, SlowCollectorStillReceivesEverything) {
  collector_.set_response_delay(milliseconds(150));
  trace::AsyncReporterOptions options;
  options.message_timeout = milliseconds(10);
  MakeTracer(options);
  std::set<std::string> ids = ReportSpans(4);
  std::this_thread::sleep_for(milliseconds(30));
  std::set<std::string> more = ReportSpans(4);
  ids.insert(more.begin(), more.end());
  ASSERT_TRUE(reporter_->Flush(milliseconds(10000)).ok());
  EXPECT_EQ(ReceivedIds(collector_), ids);
  EXPECT_EQ(reporter_->metrics().SpansDropped(), 0u);
}

TEST_F(HttpReporterIntegrationTest, CollectorSlowerThanTheTimeoutIsRetried) {
  collector_.set_response_delay(milliseconds(400));
  trace::AsyncReporterOptions options;
  options.message_timeout = milliseconds(10);
  options.max_send_retries = 50;
  options.send_backoff = milliseconds(50);
  options.max_send_backoff = milliseconds(100);
  MakeTracer(options, /*sender_timeout=*/milliseconds(100));
  std::set<std::string> ids = ReportSpans(3);
  // The first attempt times out on the sender's side (the collector still records it late).
  ASSERT_TRUE(collector_.WaitForRequests(1, milliseconds(5000)));
  collector_.set_response_delay(milliseconds(0));
  ASSERT_TRUE(reporter_->Flush(milliseconds(10000)).ok());
  std::set<std::string> received = ReceivedIds(collector_);
  for (const std::string& id : ids) EXPECT_TRUE(received.count(id)) << id;
  EXPECT_EQ(reporter_->metrics().SpansDropped(), 0u);
  EXPECT_GE(collector_.connections_accepted(), 2u);  // timed-out connections are not reused
}

TEST_F(HttpReporterIntegrationTest, RejectedMessagesAreDroppedNotRetried) {
  collector_.SetResponse(400, "Expected a JSON_V2 encoded list");
  trace::AsyncReporterOptions options;
  options.message_timeout = milliseconds(10);
  MakeTracer(options);
  ReportSpans(2);
  reporter_->Flush(milliseconds(5000)).ok();
  EXPECT_EQ(collector_.RequestCount(), 1u);
  EXPECT_EQ(reporter_->metrics().spans_dropped_send_failed.load(), 2u);
  EXPECT_EQ(reporter_->metrics().messages_dropped.load(), 1u);
}

TEST_F(HttpReporterIntegrationTest, CloseSendsWhatWasQueued) {
  trace::AsyncReporterOptions options;
  options.message_timeout = milliseconds(60000);  // only Close triggers the send
  options.close_timeout = milliseconds(5000);
  MakeTracer(options);
  std::set<std::string> ids = ReportSpans(7);
  EXPECT_EQ(collector_.RequestCount(), 0u);
  reporter_->Close();
  EXPECT_EQ(ReceivedIds(collector_), ids);
  EXPECT_EQ(reporter_->metrics().SpansDropped(), 0u);
}

TEST(MakeHttpReporterTest, RejectsABadUrl) {
  auto reporter = MakeHttpReporter("zipkin:9411");
  ASSERT_FALSE(reporter.ok());
  EXPECT_EQ(reporter.status().code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(reporter.status().message(), ::testing::HasSubstr("zipkin:9411"));
}

}  // namespace
}  // namespace cairn::trace_http
