// Operational and UI endpoints against a real server: /health, /info, /metrics, /prometheus,
// /zipkin/config.json, redirects, the UI placeholder and response compression.
#include <gtest/gtest.h>

#include "apps/server/ops.h"
#include "apps/server/server_test_util.h"
#include "apps/server/test_store.h"
#include "apps/server/ui_routes.h"
#include "apps/server/version.h"
#include "lib/codec/gzip.h"

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

TEST(OpsTest, HealthIsUpWithZipkinsShape) {
  TestServer server;
  for (const char* path : {"/health", "/actuator/health"}) {
    net::Response res = server.Get(path);
    EXPECT_EQ(res.result(), http::status::ok) << path;
    EXPECT_EQ(res.body(),
              R"({"status":"UP","zipkin":{"status":"UP","details":{"InMemoryStorage{}":)"
              R"({"status":"UP"}}}})");
  }
  EXPECT_EQ(Header(server.Get("/health"), http::field::content_type),
            "application/json; charset=utf-8");
  EXPECT_EQ(Header(server.Get("/actuator/health"), http::field::content_type),
            "application/vnd.spring-boot.actuator.v2+json");
}

TEST(OpsTest, HealthIsDownWhenTheStoreFails) {
  auto owned = std::make_unique<ControllableStore>();
  owned->SetCheck(Unavailable("cannot reach the disk"));
  TestServer server(TestConfig(), std::move(owned));
  net::Response res = server.Get("/health");
  EXPECT_EQ(res.result(), http::status::service_unavailable);
  EXPECT_EQ(res.body(),
            R"({"status":"DOWN","zipkin":{"status":"DOWN","details":{"InMemoryStorage{}":)"
            R"({"status":"DOWN","details":{"error":"cannot reach the disk"}}}}})");
}

TEST(OpsTest, HealthTimesOut) {
  auto owned = std::make_unique<ControllableStore>();
  owned->SetReadDelay(std::chrono::milliseconds(300));
  ServerConfig config = TestConfig();
  config.query_timeout = std::chrono::milliseconds(20);
  TestServer server(config, std::move(owned));
  net::Response res = server.Get("/health");
  EXPECT_EQ(res.result(), http::status::service_unavailable);
  EXPECT_EQ(res.body(), HealthTimeoutJson());
  EXPECT_NE(res.body().find("Timed out computing health status"), std::string::npos);
}

TEST(OpsTest, Info) {
  TestServer server;
  for (const char* path : {"/info", "/actuator/info"}) {
    net::Response res = server.Get(path);
    EXPECT_EQ(res.result(), http::status::ok);
    boost::json::value info = ParseJson(res.body());
    EXPECT_EQ(info.at("zipkin").at("version").as_string(), kVersion);
    EXPECT_EQ(info.at("zipkin").at("commit").as_string(), kCommit);
  }
}

TEST(OpsTest, MetricsHasZipkinsKeysFromTheStart) {
  TestServer server;
  boost::json::object metrics = ParseJson(server.Get("/metrics").body()).as_object();
  for (const char* key :
       {"counter.zipkin_collector.messages.http", "counter.zipkin_collector.bytes.http",
        "counter.zipkin_collector.spans.http", "counter.zipkin_collector.messages_dropped.http",
        "counter.zipkin_collector.spans_dropped.http", "gauge.zipkin_collector.message_spans.http",
        "gauge.zipkin_collector.message_bytes.http"}) {
    ASSERT_TRUE(metrics.contains(key)) << key;
    EXPECT_EQ(metrics.at(key).to_number<double>(), 0.0) << key;
  }
}

TEST(OpsTest, PrometheusExposesCollectorAndRequestMetrics) {
  TestServer server;
  ASSERT_EQ(server.Post("/api/v2/spans", ListJson({SpanSpec{}})).result(), http::status::accepted);
  ASSERT_EQ(server.Get("/api/v2/trace/463ac35c9f6413ad").result(), http::status::ok);
  ASSERT_EQ(server.Get("/api/v2/trace/1").result(), http::status::not_found);
  ASSERT_EQ(server.Get("/zipkin/api/v2/services").result(), http::status::ok);
  ASSERT_EQ(server.Get("/health").result(), http::status::ok);

  net::Response res = server.Get("/prometheus");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(Header(res, http::field::content_type), "text/plain; version=0.0.4; charset=utf-8");
  const std::string& text = res.body();
  auto has = [&](const std::string& line) {
    EXPECT_NE(text.find(line), std::string::npos) << line << "\n---\n" << text;
  };
  has("# TYPE zipkin_collector_messages_total counter\n");
  has("zipkin_collector_messages_total{transport=\"http\"} 1.0\n");
  has("zipkin_collector_spans_total{transport=\"http\"} 1.0\n");
  has("zipkin_collector_spans_dropped_total{transport=\"http\"} 0.0\n");
  has("zipkin_collector_bytes_total{transport=\"http\"} ");
  has("http_server_requests_seconds_count{method=\"POST\",status=\"202\","
      "uri=\"/api/v2/spans\"} 1.0\n");
  has("http_server_requests_seconds_count{method=\"GET\",status=\"200\","
      "uri=\"/api/v2/trace/{traceId}\"} 1.0\n");
  has("http_server_requests_seconds_count{method=\"GET\",status=\"404\",uri=\"NOT_FOUND\"} 1.0\n");
  // The UI's mount counts as the API itself.
  has("http_server_requests_seconds_count{method=\"GET\",status=\"200\","
      "uri=\"/api/v2/services\"} 1.0\n");
  has("cairn_write_queue_spans 0.0\n");
  has("cairn_storage_committed_spans_total 1.0\n");
  has("cairn_http_connections_active ");
  // Health and metrics requests are not measured.
  EXPECT_EQ(text.find("uri=\"/health\""), std::string::npos);
  EXPECT_EQ(text.find("uri=\"/prometheus\""), std::string::npos);
  EXPECT_EQ(server.Get("/actuator/prometheus").result(), http::status::ok);
}

TEST(OpsTest, UiConfigJsonDefaultIsZipkinsExactBody) {
  TestServer server;
  net::Response res = server.Get("/zipkin/config.json");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(),
            "{\n"
            "  \"environment\" : \"\",\n"
            "  \"queryLimit\" : 10,\n"
            "  \"defaultLookback\" : 900000,\n"
            "  \"searchEnabled\" : true,\n"
            "  \"logsUrl\" : null,\n"
            "  \"supportUrl\" : null,\n"
            "  \"archivePostUrl\" : null,\n"
            "  \"archiveUrl\" : null,\n"
            "  \"dependency\" : {\n"
            "    \"enabled\" : true,\n"
            "    \"lowErrorRate\" : 0.5,\n"
            "    \"highErrorRate\" : 0.75\n"
            "  }\n"
            "}");
  EXPECT_EQ(Header(res, http::field::cache_control), "max-age=600");
  const std::string etag = Header(res, http::field::etag);
  ASSERT_FALSE(etag.empty());
  net::Response again = server.Get("/zipkin/config.json", {{"If-None-Match", etag}});
  EXPECT_EQ(again.result(), http::status::not_modified);
  EXPECT_TRUE(again.body().empty());
}

TEST(OpsTest, UiConfigJsonFollowsSettings) {
  UiConfig ui;
  ui.environment = "prod \"eu\"";
  ui.query_limit = 25;
  ui.search_enabled = false;
  ui.logs_url = "http://logs/{traceId}";
  ui.dependency_low_error_rate = 0.1;
  ui.dependency_high_error_rate = 1;
  const std::string json = UiConfigJson(ui);
  boost::json::value parsed = ParseJson(json);
  EXPECT_EQ(parsed.at("environment").as_string(), "prod \"eu\"");
  EXPECT_EQ(parsed.at("queryLimit").as_int64(), 25);
  EXPECT_FALSE(parsed.at("searchEnabled").as_bool());
  EXPECT_EQ(parsed.at("logsUrl").as_string(), "http://logs/{traceId}");
  EXPECT_TRUE(parsed.at("supportUrl").is_null());
  EXPECT_NE(json.find("\"highErrorRate\" : 1.0\n"), std::string::npos) << json;
  EXPECT_NE(json.find("\"lowErrorRate\" : 0.1,"), std::string::npos) << json;
}

TEST(OpsTest, RedirectsAndUiPlaceholder) {
  TestServer server;
  for (const char* path : {"/", "/zipkin"}) {
    net::Response res = server.Get(path);
    EXPECT_EQ(res.result(), http::status::found) << path;
    EXPECT_EQ(Header(res, http::field::location), "/zipkin/") << path;
  }
  net::Response favicon = server.Get("/favicon.ico");
  EXPECT_EQ(favicon.result(), http::status::found);
  EXPECT_EQ(Header(favicon, http::field::location), "/zipkin/favicon.ico");
  for (const char* path : {"/zipkin/", "/zipkin/index.html", "/zipkin/traces/abc",
                           "/zipkin/dependency", "/zipkin/traceViewer"}) {
    net::Response res = server.Get(path);
    EXPECT_EQ(res.result(), http::status::ok) << path;
    EXPECT_EQ(Header(res, http::field::content_type), "text/html; charset=utf-8");
    EXPECT_EQ(Header(res, http::field::cache_control), "max-age=60");
    EXPECT_NE(res.body().find("<base href=\"/zipkin/\">"), std::string::npos);
    EXPECT_NE(res.body().find("not built"), std::string::npos);
  }
  EXPECT_EQ(server.Get("/zipkin/static/app.js").result(), http::status::not_found);
}

TEST(OpsTest, LargeJsonResponsesAreGzippedWhenAccepted) {
  TestServer server;
  std::vector<SpanSpec> spans;
  for (int i = 1; i <= 30; ++i) {
    spans.push_back(SpanSpec{.id = std::to_string(i), .tags = {{"k", std::string(50, 'v')}}});
  }
  ASSERT_EQ(server.Post("/api/v2/spans", ListJson(spans)).result(), http::status::accepted);
  net::Response plain = server.Get("/api/v2/trace/463ac35c9f6413ad");
  ASSERT_GT(plain.body().size(), 2048u);
  EXPECT_EQ(Header(plain, http::field::content_encoding), "");
  EXPECT_EQ(Header(plain, http::field::vary), "Accept-Encoding");

  net::Response zipped =
      server.Get("/api/v2/trace/463ac35c9f6413ad", {{"Accept-Encoding", "gzip, deflate"}});
  EXPECT_EQ(Header(zipped, http::field::content_encoding), "gzip");
  EXPECT_LT(zipped.body().size(), plain.body().size());
  Result<std::string> unzipped = codec::Gunzip(zipped.body(), 1 << 20);
  ASSERT_TRUE(unzipped.ok());
  EXPECT_EQ(*unzipped, plain.body());

  // Small bodies and refused encodings stay plain.
  EXPECT_EQ(Header(server.Get("/api/v2/services", {{"Accept-Encoding", "gzip"}}),
                   http::field::content_encoding),
            "");
  EXPECT_EQ(Header(server.Get("/api/v2/trace/463ac35c9f6413ad", {{"Accept-Encoding", "gzip;q=0"}}),
                   http::field::content_encoding),
            "");
}

}  // namespace
}  // namespace cairn::server
