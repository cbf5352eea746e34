// The cairn tracing library reporting into a real cairn-server: a "Frontend" and a "BackEnd"
// service, each with its own Tracer, share one HTTP reporter (MakeHttpReporter); the context
// crosses between them through injected and extracted headers, the back end joins the client's
// span (shared span id). The spans must come back through the query API with Zipkin's meaning:
// lower-cased service and span names, kinds, tags, annotations, parent ids and the shared flag;
// search must find the trace by tag; /api/v2/dependencies must show frontend -> backend (with the
// back end's error counted) and backend -> rabbitmq. Run on both stores.
#include <gtest/gtest.h>

#include <algorithm>
#include <boost/json/serialize.hpp>
#include <cctype>
#include <thread>

#include "cairn/trace/tracer.h"
#include "lib/trace_http/http_sender.h"
#include "test/integration/server_test_util.h"

namespace cairn::server_test {
namespace {

namespace json = boost::json;

class Headers final : public trace::HeaderReader, public trace::HeaderWriter {
 public:
  std::size_t Get(std::string_view name, std::string_view* values, std::size_t max) const override {
    std::size_t count = 0;
    for (const auto& [key, value] : entries_) {
      if (key != Lower(name)) continue;
      if (count < max) values[count] = value;
      ++count;
    }
    return count;
  }
  void Set(std::string_view name, std::string_view value) override {
    std::string key = Lower(name);
    for (auto& entry : entries_) {
      if (entry.first == key) {
        entry.second.assign(value);
        return;
      }
    }
    entries_.emplace_back(std::move(key), std::string(value));
  }
  std::size_t size() const { return entries_.size(); }

 private:
  static std::string Lower(std::string_view text) {
    std::string out(text);
    std::transform(out.begin(), out.end(), out.begin(),
                   [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return out;
  }
  std::vector<std::pair<std::string, std::string>> entries_;
};

std::unique_ptr<trace::Tracer> MakeTracer(std::string name, std::uint16_t port,
                                          std::shared_ptr<trace::Reporter> reporter) {
  trace::TracerOptions options;
  options.service_name = std::move(name);
  options.local_ipv4 = "127.0.0.1";
  options.local_port = port;
  options.reporter = std::move(reporter);
  options.supports_join = true;
  auto tracer = trace::Tracer::Create(std::move(options));
  EXPECT_TRUE(tracer.ok()) << tracer.status().message();
  return tracer.ok() ? std::move(tracer).value() : nullptr;
}

const json::value* FindSpan(const json::array& spans, std::string_view name) {
  for (const json::value& span : spans) {
    if (StringField(span, "name") == name) return &span;
  }
  return nullptr;
}

std::string Endpoint(const json::value& span, std::string_view which, std::string_view field) {
  const json::value* endpoint = span.as_object().if_contains(which);
  return endpoint != nullptr ? StringField(*endpoint, field) : std::string();
}

std::string Tag(const json::value& span, std::string_view key) {
  const json::value* tags = span.as_object().if_contains("tags");
  return tags != nullptr ? StringField(*tags, key) : std::string();
}

bool Flag(const json::value& span, std::string_view key) {
  const json::value* flag = span.as_object().if_contains(key);
  return flag != nullptr && flag->is_bool() && flag->as_bool();
}

std::int64_t Number(const json::value& span, std::string_view key) {
  const json::value* number = span.as_object().if_contains(key);
  return number != nullptr && number->is_int64() ? number->as_int64() : 0;
}

class ServerTracingIntegrationTest : public ::testing::TestWithParam<const char*> {};

TEST_P(ServerTracingIntegrationTest, TracerSpansAreQueryable) {
  if (ServerBinary().empty()) GTEST_SKIP() << "cairn-server binary not found";
  TempDir dir;
  ServerSetup setup;
  setup.storage = GetParam();
  setup.data_dir = dir.Sub("data");
  setup.log_path = dir.Sub("server.log");
  auto server = StartServer(setup);
  ASSERT_TRUE(server.ok()) << server.status().message();

  auto reporter = trace_http::MakeHttpReporter((*server)->BaseUrl() + "/api/v2/spans");
  ASSERT_TRUE(reporter.ok()) << reporter.status().message();
  auto frontend = MakeTracer("Frontend", 8081, *reporter);
  auto backend = MakeTracer("BackEnd", 9000, *reporter);
  ASSERT_TRUE(frontend && backend);

  Headers inbound;
  trace::Span root = frontend->StartSpanFromExtracted("GET /Orders", trace::SpanKind::kServer,
                                                      frontend->Extract(inbound));
  root.Tag("http.method", "GET").Tag("http.path", "/orders/42").Tag("order.id", "42");
  trace::Span client = frontend->StartSpan(
      "Call Backend", trace::SpanOptions{trace::SpanKind::kClient, &root.context()});
  client.SetRemoteServiceName("BackEnd").SetRemoteIpAndPort("127.0.0.1", 9000);
  Headers wire;
  frontend->Inject(client.context(), trace::SpanKind::kClient, wire);
  ASSERT_GT(wire.size(), 0u);

  trace::Span handler = backend->StartSpanFromExtracted("Handle Order", trace::SpanKind::kServer,
                                                        backend->Extract(wire));
  ASSERT_TRUE(handler.context().shared) << "the back end should join the client's span";
  trace::Span load = backend->StartSpan(
      "Load Order", trace::SpanOptions{trace::SpanKind::kUnspecified, &handler.context()});
  load.Tag("db.rows", std::int64_t{3}).Annotate("cache miss");
  load.Finish();
  trace::Span publish = backend->StartSpan(
      "Publish", trace::SpanOptions{trace::SpanKind::kProducer, &handler.context()});
  publish.SetRemoteServiceName("RabbitMQ");
  publish.Finish();
  handler.SetError("boom");
  handler.Finish();
  client.Finish();
  const std::string trace_id = root.context().trace_id.ToHex();
  const std::string root_id = trace::Hex64(root.context().span_id);
  const std::string client_id = trace::Hex64(client.context().span_id);
  root.Finish();
  ASSERT_TRUE((*reporter)->Flush(std::chrono::seconds(10)).ok());
  EXPECT_EQ((*reporter)->metrics().SpansDropped(), 0u);

  tools::HttpClient http("127.0.0.1", (*server)->port());
  std::string error;
  json::value trace = GetJson(http, "/api/v2/trace/" + trace_id, &error);
  ASSERT_TRUE(error.empty()) << error;
  ASSERT_TRUE(trace.is_array());
  const json::array& spans = trace.as_array();
  ASSERT_EQ(spans.size(), 5u) << json::serialize(trace);
  for (const json::value& span : spans) {
    EXPECT_EQ(StringField(span, "traceId"), trace_id);
    EXPECT_GT(Number(span, "timestamp"), 0);
    EXPECT_GE(Number(span, "duration"), 1);
    EXPECT_EQ(Endpoint(span, "localEndpoint", "ipv4"), "127.0.0.1");
  }

  const json::value* get = FindSpan(spans, "get /orders");
  const json::value* call = FindSpan(spans, "call backend");
  const json::value* handle = FindSpan(spans, "handle order");
  const json::value* query = FindSpan(spans, "load order");
  const json::value* produce = FindSpan(spans, "publish");
  ASSERT_TRUE(get && call && handle && query && produce) << json::serialize(trace);

  EXPECT_EQ(StringField(*get, "kind"), "SERVER");
  EXPECT_EQ(StringField(*get, "id"), root_id);
  EXPECT_EQ(StringField(*get, "parentId"), "");
  EXPECT_EQ(Endpoint(*get, "localEndpoint", "serviceName"), "frontend");
  EXPECT_EQ(Tag(*get, "order.id"), "42");
  EXPECT_EQ(Tag(*get, "http.path"), "/orders/42");

  EXPECT_EQ(StringField(*call, "kind"), "CLIENT");
  EXPECT_EQ(StringField(*call, "id"), client_id);
  EXPECT_EQ(StringField(*call, "parentId"), root_id);
  EXPECT_EQ(Endpoint(*call, "remoteEndpoint", "serviceName"), "backend");
  EXPECT_FALSE(Flag(*call, "shared"));

  EXPECT_EQ(StringField(*handle, "kind"), "SERVER");
  EXPECT_EQ(StringField(*handle, "id"), client_id) << "joined span keeps the client's id";
  EXPECT_EQ(StringField(*handle, "parentId"), root_id);
  EXPECT_TRUE(Flag(*handle, "shared"));
  EXPECT_EQ(Endpoint(*handle, "localEndpoint", "serviceName"), "backend");
  EXPECT_EQ(Tag(*handle, "error"), "boom");

  EXPECT_EQ(StringField(*query, "kind"), "");
  EXPECT_EQ(StringField(*query, "parentId"), client_id);
  EXPECT_EQ(Tag(*query, "db.rows"), "3");
  const json::value* annotations = query->as_object().if_contains("annotations");
  ASSERT_TRUE(annotations != nullptr && annotations->is_array() &&
              annotations->as_array().size() == 1);
  EXPECT_EQ(StringField(annotations->as_array()[0], "value"), "cache miss");

  EXPECT_EQ(StringField(*produce, "kind"), "PRODUCER");
  EXPECT_EQ(StringField(*produce, "parentId"), client_id);
  EXPECT_EQ(Endpoint(*produce, "remoteEndpoint", "serviceName"), "rabbitmq");

  json::value services = GetJson(http, "/api/v2/services", &error);
  EXPECT_EQ(json::serialize(services), R"(["backend","frontend"])") << error;
  json::value found = GetJson(
      http,
      "/api/v2/traces?serviceName=frontend&annotationQuery=" + tools::UrlEncode("order.id=42") +
          "&endTs=" + std::to_string(NowMillis() + 1000),
      &error);
  ASSERT_TRUE(found.is_array()) << error;
  ASSERT_EQ(found.as_array().size(), 1u) << json::serialize(found);

  // Dependency links; the RocksDB store links a trace once it has been quiet for a few seconds.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(30);
  json::value links;
  bool complete = false;
  while (!complete && std::chrono::steady_clock::now() < deadline) {
    links = GetJson(
        http,
        "/api/v2/dependencies?endTs=" + std::to_string(NowMillis() + 1000) + "&lookback=3600000",
        &error);
    complete = links.is_array() && links.as_array().size() == 2;
    if (!complete) std::this_thread::sleep_for(std::chrono::milliseconds(200));
  }
  ASSERT_TRUE(complete) << error << json::serialize(links);
  std::vector<std::string> described;
  for (const json::value& link : links.as_array()) {
    const json::object& object = link.as_object();
    described.push_back(
        StringField(link, "parent") + "->" + StringField(link, "child") + " " +
        json::serialize(object.contains("callCount") ? object.at("callCount") : json::value()) +
        "/" +
        json::serialize(object.contains("errorCount") ? object.at("errorCount") : json::value(0)));
  }
  std::sort(described.begin(), described.end());
  EXPECT_EQ(described,
            (std::vector<std::string>{"backend->rabbitmq 1/0", "frontend->backend 1/1"}));
}

INSTANTIATE_TEST_SUITE_P(Stores, ServerTracingIntegrationTest, ::testing::Values("mem", "rocksdb"),
                         [](const auto& param_info) { return std::string(param_info.param); });

}  // namespace
}  // namespace cairn::server_test
