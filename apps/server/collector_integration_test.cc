// POST /api/v2/spans and /api/v1/spans against a real server: every encoding, gzip, Zipkin's
// error texts, limits, sampling, back-pressure and the collector metrics.
#include <gtest/gtest.h>

#include "apps/server/response_gzip.h"
#include "apps/server/server_test_util.h"
#include "apps/server/test_store.h"
#include "lib/model/proto3_writer.h"

namespace cairn::server {
namespace {

namespace http = net::http;

using testing::ControllableStore;
using testing::Header;
using testing::ListJson;
using testing::ParseJson;
using testing::SpanSpec;
using testing::TestConfig;
using testing::TestServer;

constexpr std::string_view kTraceId = "463ac35c9f6413ad";

// The spans of one trace as read back through the API, or an empty array.
boost::json::array ReadTrace(TestServer& server, std::string_view trace_id = kTraceId) {
  net::Response res = server.Get("/api/v2/trace/" + std::string(trace_id));
  if (res.result() != http::status::ok) return {};
  return ParseJson(res.body()).as_array();
}

TEST(CollectorTest, AcceptsJsonV2AndStoresIt) {
  TestServer server;
  SpanSpec client{.kind = "CLIENT",
                  .name = "GET /users",
                  .service = "FrontEnd",
                  .remote_service = "backend",
                  .tags = {{"http.method", "GET"}}};
  net::Response res = server.Post("/api/v2/spans", ListJson({client}));
  EXPECT_EQ(res.result(), http::status::accepted) << res.body();
  EXPECT_TRUE(res.body().empty());
  boost::json::array trace = ReadTrace(server);
  ASSERT_EQ(trace.size(), 1u);
  // Stored normalised: names lower-cased.
  EXPECT_EQ(trace[0].at("name").as_string(), "get /users");
  EXPECT_EQ(trace[0].at("localEndpoint").at("serviceName").as_string(), "frontend");
  EXPECT_EQ(trace[0].at("tags").at("http.method").as_string(), "GET");
}

TEST(CollectorTest, NoContentTypeIsJsonV2) {
  TestServer server;
  net::Response res = server.Post("/api/v2/spans", ListJson({SpanSpec{}}), "");
  EXPECT_EQ(res.result(), http::status::accepted) << res.body();
  EXPECT_EQ(ReadTrace(server).size(), 1u);
}

TEST(CollectorTest, AcceptsProto3) {
  TestServer server;
  trace::SpanRecord span;
  span.trace_id = {0, 0x463ac35c9f6413ad};
  span.id = 0x1234;
  span.SetName("proto");
  span.timestamp_us = 1'700'000'000'000'000;
  span.SetLocalServiceName("svc");
  const trace::SpanRecord* spans[] = {&span};
  std::string body;
  model::AppendProto3List(spans, body);
  net::Response res = server.Post("/api/v2/spans", body, "application/x-protobuf");
  EXPECT_EQ(res.result(), http::status::accepted) << res.body();
  boost::json::array trace = ReadTrace(server);
  ASSERT_EQ(trace.size(), 1u);
  EXPECT_EQ(trace[0].at("name").as_string(), "proto");
}

TEST(CollectorTest, AcceptsJsonV1) {
  TestServer server;
  const std::string v1 =
      R"([{"traceId":"463ac35c9f6413ad","id":"463ac35c9f6413ad","name":"get","timestamp":1700000000000000,)"
      R"("duration":10,"annotations":[{"timestamp":1700000000000000,"value":"sr","endpoint":)"
      R"({"serviceName":"backend","ipv4":"10.0.0.1"}},{"timestamp":1700000000000010,"value":"ss",)"
      R"("endpoint":{"serviceName":"backend","ipv4":"10.0.0.1"}}],"binaryAnnotations":[]}])";
  net::Response res = server.Post("/api/v1/spans", v1);
  EXPECT_EQ(res.result(), http::status::accepted) << res.body();
  boost::json::array trace = ReadTrace(server);
  ASSERT_EQ(trace.size(), 1u);
  EXPECT_EQ(trace[0].at("kind").as_string(), "SERVER");
  EXPECT_EQ(trace[0].at("localEndpoint").at("serviceName").as_string(), "backend");
}

// A minimal TBinaryProtocol list of one zipkinCore.Span.
std::string ThriftSpanList() {
  std::string out;
  auto byte = [&](std::uint8_t v) { out.push_back(static_cast<char>(v)); };
  auto be = [&](std::uint64_t v, int size) {
    for (int i = size - 1; i >= 0; --i) byte(static_cast<std::uint8_t>(v >> (8 * i)));
  };
  auto field = [&](std::uint8_t type, std::int16_t id) {
    byte(type);
    be(static_cast<std::uint16_t>(id), 2);
  };
  auto binary = [&](std::string_view s) {
    be(s.size(), 4);
    out += s;
  };
  byte(12);  // list of struct
  be(1, 4);
  field(10, 1);  // trace_id
  be(0x463ac35c9f6413ad, 8);
  field(11, 3);  // name
  binary("thrift-op");
  field(10, 4);  // id
  be(0x77, 8);
  field(10, 10);  // timestamp
  be(1'700'000'000'000'000, 8);
  field(10, 11);  // duration
  be(5, 8);
  field(15, 8);  // binary_annotations
  byte(12);
  be(1, 4);
  field(11, 1);  // key
  binary("lc");
  field(11, 2);  // value
  binary("");
  field(8, 3);  // type STRING
  be(6, 4);
  field(12, 4);  // endpoint
  field(8, 1);
  be(0x0a000001, 4);
  field(6, 2);
  be(8080, 2);
  field(11, 3);
  binary("thrifty");
  byte(0);  // end endpoint
  byte(0);  // end binary annotation
  byte(0);  // end span
  return out;
}

TEST(CollectorTest, AcceptsThriftOnV1) {
  TestServer server;
  net::Response res = server.Post("/api/v1/spans", ThriftSpanList(), "application/x-thrift");
  EXPECT_EQ(res.result(), http::status::accepted) << res.body();
  boost::json::array trace = ReadTrace(server);
  ASSERT_EQ(trace.size(), 1u);
  EXPECT_EQ(trace[0].at("name").as_string(), "thrift-op");
  EXPECT_EQ(trace[0].at("localEndpoint").at("serviceName").as_string(), "thrifty");
}

TEST(CollectorTest, AcceptsGzip) {
  TestServer server;
  Result<std::string> zipped = Gzip(ListJson({SpanSpec{}}));
  ASSERT_TRUE(zipped.ok());
  net::Response res =
      server.Post("/api/v2/spans", *zipped, "application/json", {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(res.result(), http::status::accepted) << res.body();
  EXPECT_EQ(ReadTrace(server).size(), 1u);
}

TEST(CollectorTest, BadGzipIsRejected) {
  TestServer server;
  net::Response res = server.Post("/api/v2/spans", ListJson({SpanSpec{}}), "application/json",
                                  {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_EQ(res.body(), "Cannot gunzip spans");
  EXPECT_EQ(Header(res, http::field::content_type), "text/plain; charset=utf-8");
}

TEST(CollectorTest, EmptyBodiesAreAccepted) {
  TestServer server;
  EXPECT_EQ(server.Post("/api/v2/spans", "").result(), http::status::accepted);
  EXPECT_EQ(server.Post("/api/v2/spans", "[]").result(), http::status::accepted);
  EXPECT_EQ(server.Post("/api/v1/spans", "[]").result(), http::status::accepted);
  EXPECT_EQ(server.Post("/api/v2/spans", "", "application/x-protobuf").result(),
            http::status::accepted);
}

TEST(CollectorTest, ZipkinErrorTexts) {
  TestServer server;
  net::Response res = server.Post("/api/v2/spans", "hello");
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_EQ(res.body(), "Expected a JSON_V2 encoded list\n");

  res = server.Post("/api/v1/spans", "hello");
  EXPECT_EQ(res.body(), "Expected a JSON_V1 encoded list\n");

  res = server.Post("/api/v2/spans", "hello", "application/x-protobuf");
  EXPECT_EQ(res.body(), "Expected a PROTO3 encoded list\n");

  res = server.Post("/api/v1/spans", "hello", "application/x-thrift");
  EXPECT_EQ(res.body(), "Expected a THRIFT encoded list\n");

  res = server.Post("/api/v2/spans",
                    R"([{"traceId":"1","id":"1","name":"a","binaryAnnotations":[]}])");
  EXPECT_EQ(res.body(), "Expected a JSON_V2 encoded list, but received: JSON_V1\n");

  res = server.Post("/api/v1/spans",
                    R"([{"traceId":"1","id":"1","localEndpoint":{"serviceName":"a"}}])");
  EXPECT_EQ(res.body(), "Expected a JSON_V1 encoded list, but received: JSON_V2\n");

  // Ambiguous minimal bodies are fine on both.
  EXPECT_EQ(server.Post("/api/v2/spans", R"([{"traceId":"1","id":"1","name":"test"}])").result(),
            http::status::accepted);
  EXPECT_EQ(server.Post("/api/v1/spans", R"([{"traceId":"1","id":"1","name":"test"}])").result(),
            http::status::accepted);

  res = server.Post("/api/v2/spans", "[{");
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_NE(res.body().find("reading List<Span> from json"), std::string::npos) << res.body();
}

TEST(CollectorTest, OneInvalidSpanRejectsTheWholeBatch) {
  TestServer server;
  SpanSpec good{.id = "0000000000000001"};
  SpanSpec bad{.id = "zz"};
  net::Response res = server.Post("/api/v2/spans", ListJson({good, bad}));
  EXPECT_EQ(res.result(), http::status::bad_request);
  EXPECT_NE(res.body().find("zz"), std::string::npos) << res.body();
  EXPECT_TRUE(ReadTrace(server).empty());
  EXPECT_EQ(server.Get("/api/v2/services").body(), "[]");
}

TEST(CollectorTest, BodyLimitAnswers413) {
  ServerConfig config = TestConfig();
  config.max_body_bytes = 2048;
  TestServer server(config);
  std::vector<SpanSpec> spans;
  for (int i = 1; i <= 40; ++i) {
    char id[17];
    std::snprintf(id, sizeof(id), "%016x", i);
    spans.push_back(SpanSpec{.id = id});
  }
  const std::string body = ListJson(spans);
  ASSERT_GT(body.size(), 2048u);
  net::Response res = server.Post("/api/v2/spans", body);
  EXPECT_EQ(res.result(), http::status::payload_too_large);
  // A small gzip body that inflates past the limit is refused too.
  Result<std::string> zipped = Gzip(body);
  ASSERT_TRUE(zipped.ok());
  ASSERT_LT(zipped->size(), 2048u);
  res = server.Post("/api/v2/spans", *zipped, "application/json", {{"Content-Encoding", "gzip"}});
  EXPECT_EQ(res.result(), http::status::payload_too_large) << res.body();
  EXPECT_TRUE(ReadTrace(server).empty());
}

TEST(CollectorTest, SpanLimitPerMessageAnswers413) {
  ServerConfig config = TestConfig();
  config.max_spans_per_message = 2;
  TestServer server(config);
  net::Response res = server.Post(
      "/api/v2/spans", ListJson({SpanSpec{.id = "1"}, SpanSpec{.id = "2"}, SpanSpec{.id = "3"}}));
  EXPECT_EQ(res.result(), http::status::payload_too_large) << res.body();
}

TEST(CollectorTest, SampleRateZeroDropsAllButDebugSpans) {
  ServerConfig config = TestConfig();
  config.sample_rate = 0.0f;
  TestServer server(config);
  net::Response res = server.Post(
      "/api/v2/spans",
      ListJson({SpanSpec{.id = "1"}, SpanSpec{.id = "2"}, SpanSpec{.id = "3", .debug = true}}));
  EXPECT_EQ(res.result(), http::status::accepted);
  boost::json::array trace = ReadTrace(server);
  ASSERT_EQ(trace.size(), 1u);
  EXPECT_EQ(trace[0].at("id").as_string(), "0000000000000003");
  CollectorMetrics::Snapshot m = server.server().http_collector_metrics().Read();
  EXPECT_EQ(m.spans, 3u);
  EXPECT_EQ(m.spans_dropped, 2u);
  EXPECT_EQ(m.messages_dropped, 0u);
}

TEST(CollectorTest, SampleRateIsDeterministicPerTrace) {
  ServerConfig config = TestConfig();
  config.sample_rate = 0.5f;
  TestServer server(config);
  // Lower 64 bits 0x7fff... (above the boundary 2^62) and 0x0000...1 (below).
  net::Response res =
      server.Post("/api/v2/spans",
                  ListJson({SpanSpec{.trace_id = "7fffffffffffffff", .id = "1"},
                            SpanSpec{.trace_id = "7fffffffffffffff", .id = "2"},
                            SpanSpec{.trace_id = "00000000000000010000000000000001", .id = "3"},
                            SpanSpec{.trace_id = "0000000000000001", .id = "4"}}));
  EXPECT_EQ(res.result(), http::status::accepted);
  EXPECT_TRUE(ReadTrace(server, "7fffffffffffffff").empty());
  EXPECT_EQ(ReadTrace(server, "0000000000000001").size(), 1u);
  EXPECT_EQ(ReadTrace(server, "00000000000000010000000000000001").size(), 1u);
  EXPECT_EQ(server.server().http_collector_metrics().Read().spans_dropped, 2u);
}

TEST(CollectorTest, MetricsCountMessagesBytesAndSpans) {
  TestServer server;
  const std::string body = ListJson({SpanSpec{.id = "1"}, SpanSpec{.id = "2"}});
  ASSERT_EQ(server.Post("/api/v2/spans", body).result(), http::status::accepted);
  Result<std::string> zipped = Gzip(ListJson({SpanSpec{.id = "3"}}));
  ASSERT_EQ(
      server.Post("/api/v2/spans", *zipped, "application/json", {{"Content-Encoding", "gzip"}})
          .result(),
      http::status::accepted);
  ASSERT_EQ(server.Post("/api/v2/spans", "garbage").result(), http::status::bad_request);

  CollectorMetrics::Snapshot m = server.server().http_collector_metrics().Read();
  EXPECT_EQ(m.messages, 3u);
  EXPECT_EQ(m.messages_dropped, 1u);
  EXPECT_EQ(m.spans, 3u);
  EXPECT_EQ(m.spans_dropped, 0u);
  // Bytes after gunzip.
  EXPECT_EQ(m.bytes, body.size() + ListJson({SpanSpec{.id = "3"}}).size() + 7);
  EXPECT_EQ(m.message_bytes, 7u);  // the last message: "garbage"

  boost::json::object metrics = ParseJson(server.Get("/metrics").body()).as_object();
  EXPECT_EQ(metrics.at("counter.zipkin_collector.messages.http").to_number<double>(), 3.0);
  EXPECT_EQ(metrics.at("counter.zipkin_collector.spans.http").to_number<double>(), 3.0);
  EXPECT_EQ(metrics.at("counter.zipkin_collector.messages_dropped.http").to_number<double>(), 1.0);
  EXPECT_EQ(metrics.at("counter.zipkin_collector.spans_dropped.http").to_number<double>(), 0.0);
  EXPECT_EQ(metrics.at("gauge.zipkin_collector.message_bytes.http").to_number<double>(), 7.0);
  EXPECT_TRUE(metrics.contains("counter.zipkin_collector.bytes.http"));
  EXPECT_TRUE(metrics.contains("gauge.zipkin_collector.message_spans.http"));
}

TEST(CollectorTest, FullWriteQueueAnswers503WithRetryAfter) {
  auto owned = std::make_unique<ControllableStore>();
  ControllableStore& store = *owned;
  store.BlockAccept();
  ServerConfig config = TestConfig();
  config.write_queue_spans = 2;
  config.io_threads = 2;
  TestServer server(config, std::move(owned));

  // The first POST is taken by the writer and blocks in Accept; the second waits in the queue;
  // the third does not fit.
  std::thread first([&] {
    EXPECT_EQ(server.Post("/api/v2/spans", ListJson({SpanSpec{.id = "1"}})).result(),
              http::status::accepted);
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (store.accepts_waiting() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::thread second([&] {
    EXPECT_EQ(
        server.Post("/api/v2/spans", ListJson({SpanSpec{.id = "2"}, SpanSpec{.id = "3"}})).result(),
        http::status::accepted);
  });
  while (server.server().write_queue_stats().queued_spans < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  net::Response res = server.Post("/api/v2/spans", ListJson({SpanSpec{.id = "4"}}));
  EXPECT_EQ(res.result(), http::status::service_unavailable);
  EXPECT_EQ(Header(res, http::field::retry_after), "1");
  EXPECT_NE(res.body().find("write queue full"), std::string::npos) << res.body();
  store.Unblock();
  first.join();
  second.join();
  EXPECT_EQ(ReadTrace(server).size(), 3u);
  CollectorMetrics::Snapshot m = server.server().http_collector_metrics().Read();
  EXPECT_EQ(m.messages_dropped, 1u);
  EXPECT_EQ(m.spans_dropped, 1u);
}

TEST(CollectorTest, StopLetsInFlightPostsFinishAndStoresThem) {
  auto owned = std::make_unique<ControllableStore>();
  ControllableStore& store = *owned;
  store.BlockAccept();
  TestServer server(TestConfig(), std::move(owned));
  std::thread post([&] {
    net::Response res = server.Post("/api/v2/spans", ListJson({SpanSpec{.id = "1"}}));
    EXPECT_EQ(res.result(), http::status::accepted) << res.body();
  });
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (store.accepts_waiting() == 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::thread stopper([&] { server.Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  store.Unblock();
  post.join();
  stopper.join();
  Result<storage::Trace> trace = store.GetTrace({0, 0x463ac35c9f6413ad});
  ASSERT_TRUE(trace.ok());
  EXPECT_EQ(trace->size(), 1u);
}

TEST(CollectorTest, StorageFailureIs500AndCounted) {
  auto owned = std::make_unique<ControllableStore>();
  owned->FailSpanId(0x99, Internal("disk full"));
  TestServer server(TestConfig(), std::move(owned));
  net::Response res = server.Post("/api/v2/spans", ListJson({SpanSpec{.id = "99"}}));
  EXPECT_EQ(res.result(), http::status::internal_server_error);
  EXPECT_EQ(res.body(), "disk full");
  EXPECT_EQ(server.server().http_collector_metrics().Read().spans_dropped, 1u);
}

TEST(CollectorTest, CollectorCanBeDisabled) {
  ServerConfig config = TestConfig();
  config.collector_http_enabled = false;
  TestServer server(config);
  EXPECT_EQ(server.Post("/api/v1/spans", "[]").result(), http::status::not_found);
  // GET /api/v2/spans (span names) still answers, so POST there is a wrong method.
  EXPECT_EQ(server.Post("/api/v2/spans", "[]").result(), http::status::method_not_allowed);
}

}  // namespace
}  // namespace cairn::server
