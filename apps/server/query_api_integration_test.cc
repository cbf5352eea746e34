// The query API against a real server: every endpoint of zipkin-reference §1.3, every validation
// message, caching headers, the /zipkin/api mount, CORS, TRACE, QUERY_ENABLED and QUERY_TIMEOUT.
#include <gtest/gtest.h>

#include "apps/server/server_test_util.h"
#include "apps/server/test_store.h"

namespace cairn::server {
namespace {

namespace http = net::http;

using testing::ControllableStore;
using testing::Header;
using testing::ListJson;
using testing::ParseJson;
using testing::SpanSpec;
using testing::TempDir;
using testing::TestConfig;
using testing::TestServer;

// Microseconds; the tests query with endTs = kEndTsMs.
constexpr std::int64_t kBaseUs = 1'700'000'000'000'000;
constexpr std::int64_t kEndTsMs = kBaseUs / 1000 + 60'000;

// frontend -> backend (CLIENT/SERVER), backend -> db (CLIENT to an uninstrumented peer).
std::vector<SpanSpec> SampleTrace() {
  return {
      SpanSpec{.trace_id = "463ac35c9f6413ad",
               .id = "0000000000000001",
               .kind = "SERVER",
               .name = "get /",
               .timestamp = kBaseUs,
               .duration = 5000,
               .service = "frontend",
               .tags = {{"http.method", "GET"}, {"environment", "prod"}}},
      SpanSpec{.trace_id = "463ac35c9f6413ad",
               .id = "0000000000000002",
               .parent_id = "0000000000000001",
               .kind = "CLIENT",
               .name = "get /api",
               .timestamp = kBaseUs + 100,
               .duration = 3000,
               .service = "frontend",
               .remote_service = "backend"},
      SpanSpec{.trace_id = "463ac35c9f6413ad",
               .id = "0000000000000003",
               .parent_id = "0000000000000002",
               .kind = "SERVER",
               .name = "get /api",
               .timestamp = kBaseUs + 200,
               .duration = 2500,
               .service = "backend",
               .tags = {{"error", "boom"}}},
      SpanSpec{.trace_id = "463ac35c9f6413ad",
               .id = "0000000000000004",
               .parent_id = "0000000000000003",
               .kind = "CLIENT",
               .name = "query",
               .timestamp = kBaseUs + 300,
               .duration = 1000,
               .service = "backend",
               .remote_service = "db",
               .annotations = {{kBaseUs + 310, "wire.send"}}},
  };
}

std::vector<SpanSpec> OtherTrace() {
  return {SpanSpec{.trace_id = "0000000000000abc",
                   .id = "0000000000000011",
                   .name = "tick",
                   .timestamp = kBaseUs + 10'000,
                   .duration = 50,
                   .service = "cron"}};
}

// Runs against both stores: the API must answer alike whatever STORAGE_TYPE says.
class QueryApiTest : public ::testing::TestWithParam<StorageType> {
 protected:
  static ServerConfig Config() {
    ServerConfig config = TestConfig();
    config.autocomplete_keys = {"http.method", "environment"};
    return config;
  }
  std::unique_ptr<storage::SpanStore> Store() {
    if (GetParam() == StorageType::kMem) return nullptr;  // the server opens mem itself
    storage::StoreOptions options;
    options.autocomplete_keys = Config().autocomplete_keys;
    return testing::OpenTestRocksDb(dir_.path() + "/data", std::move(options));
  }

  void SetUp() override {
    ASSERT_EQ(server_.Post("/api/v2/spans", ListJson(SampleTrace())).result(),
              http::status::accepted);
    ASSERT_EQ(server_.Post("/api/v2/spans", ListJson(OtherTrace())).result(),
              http::status::accepted);
  }

  std::string Traces(const std::string& query) {
    net::Response res = server_.Get("/api/v2/traces?endTs=" + std::to_string(kEndTsMs) + query);
    EXPECT_EQ(res.result(), http::status::ok) << query << ": " << res.body();
    return res.body();
  }
  // Trace ids of a /traces answer, in order.
  std::vector<std::string> TraceIds(const std::string& query) {
    std::vector<std::string> ids;
    const boost::json::value parsed = ParseJson(Traces(query));
    for (const auto& trace : parsed.as_array()) {
      ids.emplace_back(trace.as_array().at(0).at("traceId").as_string());
    }
    return ids;
  }
  void ExpectBadRequest(const std::string& target, const std::string& message) {
    net::Response res = server_.Get(target);
    EXPECT_EQ(res.result(), http::status::bad_request) << target;
    EXPECT_EQ(res.body(), message) << target;
    EXPECT_EQ(Header(res, http::field::content_type), "text/plain; charset=utf-8") << target;
  }

  TempDir dir_;
  TestServer server_{Config(), Store()};
};

INSTANTIATE_TEST_SUITE_P(Stores, QueryApiTest,
                         ::testing::Values(StorageType::kMem, StorageType::kRocksDb),
                         [](const ::testing::TestParamInfo<StorageType>& param_info) {
                           return param_info.param == StorageType::kMem ? "Mem" : "RocksDb";
                         });

TEST_P(QueryApiTest, Services) {
  net::Response res = server_.Get("/api/v2/services");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(Header(res, http::field::content_type), "application/json");
  EXPECT_EQ(res.body(), R"(["backend","cron","frontend"])");
  // Three services: no caching yet.
  EXPECT_EQ(Header(res, http::field::cache_control), "");
}

TEST_P(QueryApiTest, SpanNamesAndRemoteServices) {
  EXPECT_EQ(server_.Get("/api/v2/spans?serviceName=frontend").body(), R"(["get /","get /api"])");
  EXPECT_EQ(server_.Get("/api/v2/spans?serviceName=FRONTEND").body(), R"(["get /","get /api"])");
  EXPECT_EQ(server_.Get("/api/v2/spans?serviceName=unknown").body(), "[]");
  EXPECT_EQ(server_.Get("/api/v2/remoteServices?serviceName=backend").body(), R"(["db"])");
  EXPECT_EQ(server_.Get("/api/v2/remoteServices?serviceName=frontend").body(), R"(["backend"])");
  ExpectBadRequest("/api/v2/spans", "Mandatory parameter/header is missing: serviceName");
  ExpectBadRequest("/api/v2/remoteServices", "Mandatory parameter/header is missing: serviceName");
}

TEST_P(QueryApiTest, NamesAreCachedOnceMoreThanThreeServicesExist) {
  ASSERT_EQ(server_
                .Post("/api/v2/spans", ListJson({SpanSpec{.trace_id = "0000000000000def",
                                                          .id = "21",
                                                          .timestamp = kBaseUs,
                                                          .service = "zeta\tservice"}}))
                .result(),
            http::status::accepted);
  net::Response res = server_.Get("/api/v2/services");
  EXPECT_EQ(res.body(), R"(["backend","cron","frontend","zeta\tservice"])");
  EXPECT_EQ(Header(res, http::field::cache_control), "max-age=300, must-revalidate");
  EXPECT_EQ(Header(server_.Get("/api/v2/spans?serviceName=frontend"), http::field::cache_control),
            "max-age=300, must-revalidate");
  EXPECT_EQ(Header(server_.Get("/api/v2/remoteServices?serviceName=frontend"),
                   http::field::cache_control),
            "max-age=300, must-revalidate");
}

TEST_P(QueryApiTest, TracesReturnsStoredSpansNewestFirst) {
  boost::json::array traces = ParseJson(Traces("")).as_array();
  ASSERT_EQ(traces.size(), 2u);
  EXPECT_EQ(traces[0].as_array().at(0).at("traceId").as_string(), "0000000000000abc");
  EXPECT_EQ(traces[1].as_array().size(), 4u);
  // The body is the stored bytes: what GET /trace answers for the same trace.
  const std::string one = server_.Get("/api/v2/trace/463ac35c9f6413ad").body();
  EXPECT_NE(Traces("").find(one), std::string::npos);
}

TEST_P(QueryApiTest, TracesFilters) {
  EXPECT_EQ(TraceIds("&serviceName=backend"), std::vector<std::string>{"463ac35c9f6413ad"});
  EXPECT_EQ(TraceIds("&serviceName=Cron"), std::vector<std::string>{"0000000000000abc"});
  EXPECT_EQ(TraceIds("&serviceName=backend&remoteServiceName=db"),
            std::vector<std::string>{"463ac35c9f6413ad"});
  EXPECT_TRUE(TraceIds("&serviceName=frontend&remoteServiceName=db").empty());
  EXPECT_EQ(TraceIds("&spanName=query"), std::vector<std::string>{"463ac35c9f6413ad"});
  EXPECT_EQ(TraceIds("&spanName=all").size(), 2u);
  EXPECT_EQ(TraceIds("&annotationQuery=error"), std::vector<std::string>{"463ac35c9f6413ad"});
  EXPECT_EQ(TraceIds("&annotationQuery=http.method%3DGET%20and%20wire.send"),
            std::vector<std::string>{"463ac35c9f6413ad"});
  EXPECT_TRUE(TraceIds("&annotationQuery=http.method%3DPOST").empty());
  EXPECT_TRUE(TraceIds("&serviceName=frontend&annotationQuery=error").empty());
  EXPECT_EQ(TraceIds("&minDuration=4000"), std::vector<std::string>{"463ac35c9f6413ad"});
  EXPECT_EQ(TraceIds("&minDuration=40&maxDuration=60"),
            std::vector<std::string>{"0000000000000abc"});
  EXPECT_EQ(TraceIds("&limit=1").size(), 1u);
  // endTs before the traces: nothing; a lookback that does not reach them: nothing.
  EXPECT_EQ(server_.Get("/api/v2/traces?endTs=1000").body(), "[]");
  EXPECT_EQ(Traces("&lookback=1"), "[]");
}

TEST_P(QueryApiTest, TracesWithoutParametersUsesNow) {
  // Spans in 2023 are outside the default lookback (one day before now).
  net::Response res = server_.Get("/api/v2/traces");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res.body(), "[]");
}

TEST_P(QueryApiTest, TracesValidationMessages) {
  ExpectBadRequest("/api/v2/traces?endTs=0", "endTs <= 0");
  ExpectBadRequest("/api/v2/traces?endTs=-1", "endTs <= 0");
  ExpectBadRequest("/api/v2/traces?limit=0", "limit <= 0");
  ExpectBadRequest("/api/v2/traces?lookback=0", "lookback <= 0");
  ExpectBadRequest("/api/v2/traces?minDuration=0", "minDuration <= 0");
  ExpectBadRequest("/api/v2/traces?minDuration=10&maxDuration=5", "maxDuration < minDuration");
  ExpectBadRequest("/api/v2/traces?maxDuration=5", "maxDuration is only valid with minDuration");
  ExpectBadRequest("/api/v2/traces?limit=abc", "limit must be an integer, not \"abc\"");
  ExpectBadRequest("/api/v2/traces?endTs=soon", "endTs must be an integer, not \"soon\"");
  ExpectBadRequest("/api/v2/traces?lookback=1.5", "lookback must be an integer, not \"1.5\"");
  ExpectBadRequest("/api/v2/traces?minDuration=x&maxDuration=1",
                   "minDuration must be an integer, not \"x\"");
}

TEST_P(QueryApiTest, TraceById) {
  net::Response res = server_.Get("/api/v2/trace/463ac35c9f6413ad");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(Header(res, http::field::content_type), "application/json");
  boost::json::array spans = ParseJson(res.body()).as_array();
  ASSERT_EQ(spans.size(), 4u);
  EXPECT_EQ(spans[0].at("id").as_string(), "0000000000000001");
  // Padded, 128-bit-with-zero-high and whitespace-trimmed forms find the same trace.
  EXPECT_EQ(server_.Get("/api/v2/trace/abc").result(), http::status::ok);
  EXPECT_EQ(server_.Get("/api/v2/trace/0000000000000000463ac35c9f6413ad").body(), res.body());
  EXPECT_EQ(server_.Get("/api/v2/trace/463ac35c9f6413ad%20").body(), res.body());
}

TEST_P(QueryApiTest, TraceByIdErrors) {
  net::Response res = server_.Get("/api/v2/trace/1234");
  EXPECT_EQ(res.result(), http::status::not_found);
  EXPECT_EQ(res.body(), "0000000000001234 not found");
  EXPECT_EQ(Header(res, http::field::content_type), "text/plain; charset=utf-8");
  res = server_.Get("/api/v2/trace/48485a3953bb61246b221d5bc9e6496c");
  EXPECT_EQ(res.body(), "48485a3953bb61246b221d5bc9e6496c not found");
  ExpectBadRequest("/api/v2/trace/463AC35C9F6413AD",
                   "463AC35C9F6413AD should be lower-hex encoded with no prefix");
  ExpectBadRequest("/api/v2/trace/0x463ac35c9f6413ad",
                   "0x463ac35c9f6413ad should be lower-hex encoded with no prefix");
  ExpectBadRequest("/api/v2/trace/" + std::string(33, 'a'), "traceId.length > 32");
  ExpectBadRequest("/api/v2/trace/0000", "traceId is all zeros");
  ExpectBadRequest("/api/v2/trace/%20", "traceId is empty");
}

TEST_P(QueryApiTest, TraceMany) {
  net::Response res = server_.Get("/api/v2/traceMany?traceIds=463ac35c9f6413ad,abc,def");
  EXPECT_EQ(res.result(), http::status::ok);
  boost::json::array traces = ParseJson(res.body()).as_array();
  ASSERT_EQ(traces.size(), 2u);  // def is unknown: omitted
  EXPECT_EQ(server_.Get("/api/v2/traceMany?traceIds=111,222").body(), "[]");

  ExpectBadRequest("/api/v2/traceMany", "Mandatory parameter/header is missing: traceIds");
  ExpectBadRequest("/api/v2/traceMany?traceIds=", "traceIds parameter is empty");
  ExpectBadRequest("/api/v2/traceMany?traceIds=abc",
                   "Use /api/v2/trace/{traceId} endpoint to retrieve a single trace");
  ExpectBadRequest("/api/v2/traceMany?traceIds=abc,0abc", "redundant traceId: 0abc");
  ExpectBadRequest("/api/v2/traceMany?traceIds=abc,XYZ",
                   "XYZ should be lower-hex encoded with no prefix");
}

TEST_P(QueryApiTest, Dependencies) {
  // The RocksDB store links traces in the background (here right after they are written).
  const std::string target = "/api/v2/dependencies?endTs=" + std::to_string(kEndTsMs);
  net::Response res = server_.Get(target);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (ParseJson(res.body()).as_array().size() < 2 &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    res = server_.Get(target);
  }
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(Header(res, http::field::content_type), "application/json");
  boost::json::array links = ParseJson(res.body()).as_array();
  std::map<std::string, std::pair<std::int64_t, std::int64_t>> by_pair;
  for (const auto& link : links) {
    const auto& o = link.as_object();
    std::int64_t errors = o.contains("errorCount") ? o.at("errorCount").as_int64() : 0;
    by_pair[std::string(o.at("parent").as_string()) + "->" +
            std::string(o.at("child").as_string())] = {o.at("callCount").as_int64(), errors};
  }
  EXPECT_EQ(by_pair["frontend->backend"], std::make_pair(std::int64_t{1}, std::int64_t{1}));
  EXPECT_EQ(by_pair["backend->db"], std::make_pair(std::int64_t{1}, std::int64_t{0}));
  // errorCount is omitted when zero.
  EXPECT_NE(res.body().find(R"({"parent":"backend","child":"db","callCount":1})"),
            std::string::npos)
      << res.body();

  EXPECT_EQ(server_.Get("/api/v2/dependencies?endTs=1000").body(), "[]");
  ExpectBadRequest("/api/v2/dependencies", "Mandatory parameter/header is missing: endTs");
  ExpectBadRequest("/api/v2/dependencies?endTs=0", "endTs <= 0");
  ExpectBadRequest("/api/v2/dependencies?endTs=1&lookback=0", "lookback <= 0");
  ExpectBadRequest("/api/v2/dependencies?endTs=yesterday",
                   "endTs must be an integer, not \"yesterday\"");
}

TEST_P(QueryApiTest, Autocomplete) {
  net::Response keys = server_.Get("/api/v2/autocompleteKeys");
  EXPECT_EQ(keys.body(), R"(["environment","http.method"])");
  EXPECT_EQ(Header(keys, http::field::cache_control), "max-age=300, must-revalidate");
  net::Response values = server_.Get("/api/v2/autocompleteValues?key=http.method");
  EXPECT_EQ(values.result(), http::status::ok);
  EXPECT_EQ(values.body(), R"(["GET"])");
  EXPECT_EQ(Header(values, http::field::cache_control), "");
  EXPECT_EQ(server_.Get("/api/v2/autocompleteValues?key=error").body(), "[]");  // not indexed
  ExpectBadRequest("/api/v2/autocompleteValues", "Mandatory parameter/header is missing: key");
  ExpectBadRequest("/api/v2/autocompleteValues?key=", "key was empty");
}

TEST_P(QueryApiTest, AutocompleteValuesAreCachedPastThree) {
  std::vector<SpanSpec> spans;
  for (int i = 0; i < 4; ++i) {
    spans.push_back(SpanSpec{.trace_id = "0000000000000f0" + std::to_string(i),
                             .id = "3" + std::to_string(i),
                             .timestamp = kBaseUs,
                             .tags = {{"environment", "env" + std::to_string(i)}}});
  }
  ASSERT_EQ(server_.Post("/api/v2/spans", ListJson(spans)).result(), http::status::accepted);
  net::Response values = server_.Get("/api/v2/autocompleteValues?key=environment");
  EXPECT_EQ(values.body(), R"(["env0","env1","env2","env3","prod"])");
  EXPECT_EQ(Header(values, http::field::cache_control), "max-age=300, must-revalidate");
}

TEST_P(QueryApiTest, EverythingIsAlsoUnderZipkinApi) {
  for (const std::string& path :
       {std::string("/services"), std::string("/spans?serviceName=frontend"),
        std::string("/remoteServices?serviceName=frontend"),
        "/traces?endTs=" + std::to_string(kEndTsMs), std::string("/trace/463ac35c9f6413ad"),
        std::string("/traceMany?traceIds=463ac35c9f6413ad,abc"),
        "/dependencies?endTs=" + std::to_string(kEndTsMs), std::string("/autocompleteKeys"),
        std::string("/autocompleteValues?key=environment")}) {
    net::Response api = server_.Get("/api/v2" + path);
    net::Response ui = server_.Get("/zipkin/api/v2" + path);
    EXPECT_EQ(api.result(), http::status::ok) << path;
    EXPECT_EQ(ui.result(), http::status::ok) << path;
    EXPECT_EQ(api.body(), ui.body()) << path;
  }
}

TEST_P(QueryApiTest, TraceMethodIsRefusedEverywhere) {
  EXPECT_EQ(server_.Send(http::verb::trace, "/api/v2/services").result(),
            http::status::method_not_allowed);
  EXPECT_EQ(server_.Send(http::verb::trace, "/no/such/path").result(),
            http::status::method_not_allowed);
}

TEST_P(QueryApiTest, HeadIsServedLikeGet) {
  net::Response res = server_.Send(http::verb::head, "/api/v2/services");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_TRUE(res.body().empty());
}

TEST_P(QueryApiTest, CorsAllowsAnyOriginByDefault) {
  net::Response res = server_.Get("/api/v2/services", {{"Origin", "http://ui.example"}});
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(Header(res, http::field::access_control_allow_origin), "*");

  res = server_.Send(http::verb::options, "/api/v2/spans", {},
                     {{"Origin", "http://ui.example"},
                      {"Access-Control-Request-Method", "POST"},
                      {"Access-Control-Request-Headers", "content-type"}});
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_NE(Header(res, http::field::access_control_allow_methods).find("POST"), std::string::npos);
}

TEST(QueryApiConfigTest, CorsRestrictedOrigins) {
  ServerConfig config = TestConfig();
  config.allowed_origins = {"http://good.example"};
  TestServer server(config);
  net::Response ok = server.Get("/api/v2/services", {{"Origin", "http://good.example"}});
  EXPECT_EQ(ok.result(), http::status::ok);
  EXPECT_EQ(Header(ok, http::field::access_control_allow_origin), "http://good.example");
  net::Response bad = server.Get("/api/v2/services", {{"Origin", "http://evil.example"}});
  EXPECT_EQ(bad.result(), http::status::forbidden);
}

TEST(QueryApiConfigTest, QueryDisabledAnswers404ButCollectsAndIsHealthy) {
  ServerConfig config = TestConfig();
  config.query_enabled = false;
  config.ui.enabled = false;
  TestServer server(config);
  for (const char* path :
       {"/api/v2/services", "/api/v2/spans?serviceName=a", "/api/v2/traces", "/api/v2/trace/abc",
        "/zipkin/api/v2/services", "/zipkin/", "/zipkin/config.json"}) {
    EXPECT_EQ(server.Get(path).result(), http::status::not_found) << path;
  }
  EXPECT_EQ(server.Post("/api/v2/spans", ListJson({SpanSpec{}})).result(), http::status::accepted);
  EXPECT_EQ(server.Get("/health").result(), http::status::ok);
}

TEST(QueryApiConfigTest, NamesMaxAgeAndLookbackAreConfigurable) {
  ServerConfig config = TestConfig();
  config.names_max_age_seconds = 42;
  config.query_lookback_ms = 1;
  TestServer server(config);
  EXPECT_EQ(Header(server.Get("/api/v2/autocompleteKeys"), http::field::cache_control),
            "max-age=42, must-revalidate");
  ASSERT_EQ(server.Post("/api/v2/spans", ListJson({SpanSpec{.timestamp = kBaseUs}})).result(),
            http::status::accepted);
  // Lookback of 1 ms ending 1 ms after the span: found. Default lookback (1 ms) from 1 s after:
  // not.
  const std::int64_t span_ms = kBaseUs / 1000;
  EXPECT_EQ(ParseJson(server.Get("/api/v2/traces?endTs=" + std::to_string(span_ms + 1)).body())
                .as_array()
                .size(),
            1u);
  EXPECT_EQ(server.Get("/api/v2/traces?endTs=" + std::to_string(span_ms + 1000)).body(), "[]");
}

TEST(QueryApiConfigTest, QueryTimeoutAnswers500) {
  auto owned = std::make_unique<ControllableStore>();
  owned->SetReadDelay(std::chrono::milliseconds(300));
  ServerConfig config = TestConfig();
  config.query_timeout = std::chrono::milliseconds(20);
  TestServer server(config, std::move(owned));
  const auto start = std::chrono::steady_clock::now();
  net::Response res = server.Get("/api/v2/services");
  EXPECT_EQ(res.result(), http::status::internal_server_error);
  EXPECT_EQ(res.body(), "query timed out after 20 ms");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(250));
}

TEST(QueryApiConfigTest, SearchDisabledStillServesTraceById) {
  ServerConfig config = TestConfig();
  config.search_enabled = false;
  TestServer server(config);
  ASSERT_EQ(server.Post("/api/v2/spans", ListJson({SpanSpec{.timestamp = kBaseUs}})).result(),
            http::status::accepted);
  EXPECT_EQ(server.Get("/api/v2/trace/463ac35c9f6413ad").result(), http::status::ok);
  EXPECT_EQ(server.Get("/api/v2/services").body(), "[]");
}

}  // namespace
}  // namespace cairn::server
