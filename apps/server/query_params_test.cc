#include "apps/server/query_params.h"

#include <gtest/gtest.h>

#include <map>

namespace cairn::server {
namespace {

constexpr std::int64_t kNow = 1'700'000'000'000;
constexpr std::int64_t kDefaultLookback = 86'400'000;

ParamLookup Params(std::map<std::string, std::string> values) {
  return [values = std::move(values)](std::string_view name) -> std::optional<std::string> {
    auto it = values.find(std::string(name));
    if (it == values.end()) return std::nullopt;
    return it->second;
  };
}

std::string TracesError(std::map<std::string, std::string> values) {
  Result<storage::QueryRequest> request =
      ParseTracesQuery(Params(std::move(values)), kNow, kDefaultLookback);
  EXPECT_FALSE(request.ok());
  return request.status().message();
}

TEST(QueryParamsTest, TracesDefaults) {
  Result<storage::QueryRequest> request = ParseTracesQuery(Params({}), kNow, kDefaultLookback);
  ASSERT_TRUE(request.ok()) << request.status().message();
  EXPECT_EQ(request->end_ts_ms, kNow);
  EXPECT_EQ(request->lookback_ms, kDefaultLookback);
  EXPECT_EQ(request->limit, 10);
  EXPECT_TRUE(request->service_name.empty());
  EXPECT_EQ(request->min_duration_us, 0);
  EXPECT_EQ(request->max_duration_us, 0);
  EXPECT_TRUE(request->annotation_query.empty());
}

TEST(QueryParamsTest, TracesParametersAreNormalised) {
  Result<storage::QueryRequest> request = ParseTracesQuery(
      Params({{"serviceName", "FrontEnd"},
              {"remoteServiceName", "BackEnd"},
              {"spanName", "GET /Users"},
              {"annotationQuery", "error and http.method=GET and  and finagle.retry"},
              {"minDuration", "10"},
              {"maxDuration", "+20"},
              {"endTs", "1000"},
              {"lookback", "500"},
              {"limit", "3"}}),
      kNow, kDefaultLookback);
  ASSERT_TRUE(request.ok()) << request.status().message();
  EXPECT_EQ(request->service_name, "frontend");
  EXPECT_EQ(request->remote_service_name, "backend");
  EXPECT_EQ(request->span_name, "get /users");
  ASSERT_EQ(request->annotation_query.size(), 3u);  // the empty term is removed, as in Zipkin
  EXPECT_EQ(request->annotation_query[0].key, "error");
  EXPECT_FALSE(request->annotation_query[0].value.has_value());
  EXPECT_EQ(request->annotation_query[1].key, "http.method");
  EXPECT_EQ(request->annotation_query[1].value, "GET");
  EXPECT_EQ(request->annotation_query[2].key, "finagle.retry");
  EXPECT_EQ(request->min_duration_us, 10);
  EXPECT_EQ(request->max_duration_us, 20);
  EXPECT_EQ(request->end_ts_ms, 1000);
  EXPECT_EQ(request->lookback_ms, 500);
  EXPECT_EQ(request->limit, 3);
}

TEST(QueryParamsTest, EmptyNamesAndSpanNameAllAreAbsent) {
  Result<storage::QueryRequest> request = ParseTracesQuery(
      Params({{"serviceName", ""}, {"spanName", "ALL"}, {"remoteServiceName", ""}}), kNow,
      kDefaultLookback);
  ASSERT_TRUE(request.ok());
  EXPECT_TRUE(request->service_name.empty());
  EXPECT_TRUE(request->span_name.empty());
  EXPECT_TRUE(request->remote_service_name.empty());
}

TEST(QueryParamsTest, TracesValidationMessagesAreZipkins) {
  EXPECT_EQ(TracesError({{"endTs", "0"}}), "endTs <= 0");
  EXPECT_EQ(TracesError({{"endTs", "-5"}}), "endTs <= 0");
  EXPECT_EQ(TracesError({{"limit", "0"}}), "limit <= 0");
  EXPECT_EQ(TracesError({{"limit", "-1"}}), "limit <= 0");
  EXPECT_EQ(TracesError({{"lookback", "0"}}), "lookback <= 0");
  EXPECT_EQ(TracesError({{"minDuration", "0"}}), "minDuration <= 0");
  EXPECT_EQ(TracesError({{"minDuration", "10"}, {"maxDuration", "5"}}),
            "maxDuration < minDuration");
  EXPECT_EQ(TracesError({{"maxDuration", "5"}}), "maxDuration is only valid with minDuration");
  // Zipkin's order: endTs before limit before lookback.
  EXPECT_EQ(TracesError({{"endTs", "0"}, {"limit", "0"}, {"lookback", "0"}}), "endTs <= 0");
  EXPECT_EQ(TracesError({{"limit", "0"}, {"lookback", "0"}}), "limit <= 0");
}

TEST(QueryParamsTest, NonNumericValuesAreClearErrors) {
  EXPECT_EQ(TracesError({{"limit", "abc"}}), "limit must be an integer, not \"abc\"");
  EXPECT_EQ(TracesError({{"endTs", "1e3"}}), "endTs must be an integer, not \"1e3\"");
  EXPECT_EQ(TracesError({{"minDuration", "10us"}}), "minDuration must be an integer, not \"10us\"");
  EXPECT_EQ(TracesError({{"lookback", "+"}}), "lookback must be an integer, not \"+\"");
  // limit is a Java int.
  EXPECT_EQ(TracesError({{"limit", "2147483648"}}), "limit must be an integer, not \"2147483648\"");
  EXPECT_EQ(TracesError({{"endTs", "9223372036854775808"}}),
            "endTs must be an integer, not \"9223372036854775808\"");
}

TEST(QueryParamsTest, Dependencies) {
  Result<DependenciesQuery> query =
      ParseDependenciesQuery(Params({{"endTs", "1000"}}), kDefaultLookback);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->end_ts_ms, 1000);
  EXPECT_EQ(query->lookback_ms, kDefaultLookback);
  query = ParseDependenciesQuery(Params({{"endTs", "1000"}, {"lookback", "10"}}), 1);
  ASSERT_TRUE(query.ok());
  EXPECT_EQ(query->lookback_ms, 10);

  auto error = [](std::map<std::string, std::string> values) {
    return ParseDependenciesQuery(Params(std::move(values)), kDefaultLookback).status().message();
  };
  EXPECT_EQ(error({}), "Mandatory parameter/header is missing: endTs");
  EXPECT_EQ(error({{"endTs", ""}}), "Mandatory parameter/header is missing: endTs");
  EXPECT_EQ(error({{"endTs", "0"}}), "endTs <= 0");
  EXPECT_EQ(error({{"endTs", "1"}, {"lookback", "0"}}), "lookback <= 0");
  EXPECT_EQ(error({{"endTs", "x"}}), "endTs must be an integer, not \"x\"");
}

TEST(QueryParamsTest, TraceIdIsTrimmedAndNormalised) {
  Result<trace::TraceId> id = ParseTraceIdParam("abc ");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->ToHex(), "0000000000000abc");
  id = ParseTraceIdParam("\t0000000000000000463ac35c9f6413ad\n");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->ToHex(), "463ac35c9f6413ad");
  id = ParseTraceIdParam("48485a3953bb61246b221d5bc9e6496c");
  ASSERT_TRUE(id.ok());
  EXPECT_EQ(id->ToHex(), "48485a3953bb61246b221d5bc9e6496c");

  EXPECT_EQ(ParseTraceIdParam("ABC").status().message(),
            "ABC should be lower-hex encoded with no prefix");
  EXPECT_EQ(ParseTraceIdParam("0x12").status().message(),
            "0x12 should be lower-hex encoded with no prefix");
  EXPECT_EQ(ParseTraceIdParam("   ").status().message(), "traceId is empty");
  EXPECT_EQ(ParseTraceIdParam(std::string(33, 'a')).status().message(), "traceId.length > 32");
  EXPECT_EQ(ParseTraceIdParam("0000").status().message(), "traceId is all zeros");
}

TEST(QueryParamsTest, TraceMany) {
  Result<std::vector<trace::TraceId>> ids =
      ParseTraceIdsParam("a,b,0000000000000000000000000000000c");
  ASSERT_TRUE(ids.ok());
  ASSERT_EQ(ids->size(), 3u);
  EXPECT_EQ((*ids)[0].ToHex(), "000000000000000a");
  EXPECT_EQ((*ids)[2].ToHex(), "000000000000000c");

  EXPECT_EQ(ParseTraceIdsParam("").status().message(), "traceIds parameter is empty");
  EXPECT_EQ(ParseTraceIdsParam("a").status().message(),
            "Use /api/v2/trace/{traceId} endpoint to retrieve a single trace");
  EXPECT_EQ(ParseTraceIdsParam("a,000a").status().message(), "redundant traceId: 000a");
  EXPECT_EQ(ParseTraceIdsParam("a,B").status().message(),
            "B should be lower-hex encoded with no prefix");
  // Java's split keeps trailing empty strings when given a limit.
  EXPECT_EQ(ParseTraceIdsParam("a,b,").status().message(), "traceId is empty");
}

TEST(QueryParamsTest, TraceManySplitsIntoAtMostAThousandPieces) {
  std::string many;
  for (int i = 1; i <= 1001; ++i) {
    if (i > 1) many += ',';
    char hex[17];
    std::snprintf(hex, sizeof(hex), "%x", i);
    many += hex;
  }
  // The 1000th piece keeps the rest ("3e8,3e9"), which is not an id.
  EXPECT_EQ(ParseTraceIdsParam(many).status().message(),
            "3e8,3e9 should be lower-hex encoded with no prefix");
}

TEST(QueryParamsTest, NamesAreLowerCasedLikeJava) {
  EXPECT_EQ(NormalizeName("MyService"), "myservice");
  EXPECT_EQ(NormalizeName("ÄÖÜ"), "äöü");
  EXPECT_EQ(NormalizeName("already"), "already");
}

}  // namespace
}  // namespace cairn::server
