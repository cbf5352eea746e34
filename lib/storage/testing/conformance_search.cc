// Conformance: GET /api/v2/traces criteria (Zipkin's QueryRequest.test), window, order, limit.
#include <gmock/gmock.h>

#include "lib/storage/annotation_query.h"
#include "lib/storage/testing/span_store_conformance.h"

namespace cairn::storage::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using trace::SpanKind;

constexpr std::int64_t kHourUs = 3600LL * 1000 * 1000;

// Trace ids of the search result, in result order ("a" -> "000000000000000a").
std::vector<std::string> Found(const std::vector<Trace>& traces) { return TraceIdTexts(traces); }
std::string Id(std::string_view short_hex) {
  return std::string(16 - short_hex.size(), '0') + std::string(short_hex);
}

TEST_P(SpanStoreConformanceTest, SearchWithoutCriteriaReturnsNewestFirst) {
  Accept(ThreeTierTrace("a", kTodayUs - 3 * kHourUs));
  Accept(ThreeTierTrace("b", kTodayUs - 1 * kHourUs));
  Accept(ThreeTierTrace("c", kTodayUs - 2 * kHourUs));
  std::vector<Trace> traces = GetTraces(Query());
  EXPECT_THAT(Found(traces), ElementsAre(Id("b"), Id("c"), Id("a")));
  for (const Trace& trace : traces) EXPECT_EQ(trace.size(), 4u);
  EXPECT_EQ(traces[0], Json(ThreeTierTrace("b", kTodayUs - 1 * kHourUs)));
}

TEST_P(SpanStoreConformanceTest, SearchLimitKeepsTheNewest) {
  Accept(ThreeTierTrace("a", kTodayUs - 3 * kHourUs));
  Accept(ThreeTierTrace("b", kTodayUs - 1 * kHourUs));
  Accept(ThreeTierTrace("c", kTodayUs - 2 * kHourUs));
  QueryRequest request = Query();
  request.limit = 2;
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("b"), Id("c")));
  request.limit = 1;
  request.service_name = "backend";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("b")));
}

TEST_P(SpanStoreConformanceTest, SearchOnEmptyStoreIsEmpty) {
  EXPECT_THAT(GetTraces(Query()), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, SearchByServiceNameMatchesLocalServiceOnly) {
  Accept(ThreeTierTrace("a", kTodayUs));
  Accept(Spans(MakeSpan({.trace_id = "b",
                         .id = "1",
                         .kind = SpanKind::kClient,
                         .name = "get",
                         .timestamp_us = kTodayUs - 1,
                         .local_service = "frontend",
                         .remote_service = "cache"})));
  QueryRequest request = Query();
  request.service_name = "frontend";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a"), Id("b")));
  request.service_name = "backend";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.service_name = "cache";  // only ever a remote service
  EXPECT_THAT(GetTraces(request), IsEmpty());
  request.service_name = "unknown";
  EXPECT_THAT(GetTraces(request), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, SearchByRemoteServiceNameUsesTheServicesSpans) {
  Accept(ThreeTierTrace("a", kTodayUs));
  QueryRequest request = Query();
  request.remote_service_name = "db";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.service_name = "backend";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.service_name = "frontend";  // frontend never calls db directly
  EXPECT_THAT(GetTraces(request), IsEmpty());
  request.remote_service_name = "backend";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.remote_service_name = "nobody";
  EXPECT_THAT(GetTraces(request), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, SearchBySpanNameUsesTheServicesSpans) {
  Accept(ThreeTierTrace("a", kTodayUs));
  QueryRequest request = Query();
  request.span_name = "query";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.service_name = "backend";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.service_name = "frontend";
  EXPECT_THAT(GetTraces(request), IsEmpty());
  request.span_name = "get /";  // names are stored lower-cased
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
}

TEST_P(SpanStoreConformanceTest, SearchByTagKeyAndValue) {
  Accept(ThreeTierTrace("a", kTodayUs));
  Accept(Spans(MakeSpan({.trace_id = "b",
                         .id = "1",
                         .kind = SpanKind::kServer,
                         .name = "post",
                         .timestamp_us = kTodayUs - 1,
                         .local_service = "frontend",
                         .tags = {{"http.method", "POST"}}})));
  QueryRequest request = Query();
  request.annotation_query = ParseAnnotationQuery("http.method=GET");
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.annotation_query = ParseAnnotationQuery("http.method=POST");
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("b")));
  request.annotation_query = ParseAnnotationQuery("http.method=PUT");
  EXPECT_THAT(GetTraces(request), IsEmpty());
  request.annotation_query = ParseAnnotationQuery("error=timeout");
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.annotation_query = ParseAnnotationQuery("error=other");
  EXPECT_THAT(GetTraces(request), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, SearchByBareTermMatchesTagKeyOrAnnotationValue) {
  Accept(ThreeTierTrace("a", kTodayUs));
  Accept(Spans(MakeSpan({.trace_id = "b",
                         .id = "1",
                         .name = "local",
                         .timestamp_us = kTodayUs - 1,
                         .local_service = "frontend",
                         .annotations = {{kTodayUs, "retry"}}})));
  QueryRequest request = Query();
  request.annotation_query = ParseAnnotationQuery("error");  // a tag key
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.annotation_query = ParseAnnotationQuery("ws");  // an annotation value
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.annotation_query = ParseAnnotationQuery("retry");
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("b")));
  // key=value terms match tags only, never annotation values.
  request.annotation_query = ParseAnnotationQuery("retry=1");
  EXPECT_THAT(GetTraces(request), IsEmpty());
  request.annotation_query = ParseAnnotationQuery("timeout");  // a tag value is not a key
  EXPECT_THAT(GetTraces(request), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, SearchTermsAreAndedAcrossTheServicesSpans) {
  Accept(ThreeTierTrace("a", kTodayUs));
  QueryRequest request = Query();
  // http.path is on frontend's span, error on backend's: different spans may match.
  request.annotation_query = ParseAnnotationQuery("http.path=/ and error and wr");
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.annotation_query = ParseAnnotationQuery("http.path=/ and nothing");
  EXPECT_THAT(GetTraces(request), IsEmpty());
  // With a service, every term must match that service's spans.
  request.annotation_query = ParseAnnotationQuery("http.path=/ and error");
  request.service_name = "frontend";
  EXPECT_THAT(GetTraces(request), IsEmpty());
  request.annotation_query = ParseAnnotationQuery("http.method=GET and error");
  request.service_name = "backend";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
}

TEST_P(SpanStoreConformanceTest, SearchByDurationIsInclusive) {
  Accept(ThreeTierTrace("a", kTodayUs));  // durations 350, 250, 230 and 50 ms
  QueryRequest request = Query();
  request.min_duration_us = 350000;
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.min_duration_us = 350001;
  EXPECT_THAT(GetTraces(request), IsEmpty());
  request.min_duration_us = 230000;
  request.max_duration_us = 230000;
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.min_duration_us = 231000;
  request.max_duration_us = 249000;
  EXPECT_THAT(GetTraces(request), IsEmpty());
  // Only the service's spans count: backend's spans last 230 and 50 ms.
  request.service_name = "backend";
  request.min_duration_us = 240000;
  request.max_duration_us = 400000;
  EXPECT_THAT(GetTraces(request), IsEmpty());
  request.min_duration_us = 40000;
  request.max_duration_us = 60000;
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
}

TEST_P(SpanStoreConformanceTest, SearchWindowIsInclusiveOnRootTimestamp) {
  const std::int64_t end_ms = kTodayMs;
  const std::int64_t lookback_ms = 60000;
  const std::int64_t begin_us = (end_ms - lookback_ms) * 1000;
  AcceptEach(Spans(
      MakeSpan({.trace_id = "1", .id = "1", .timestamp_us = begin_us - 1, .local_service = "svc"}),
      MakeSpan({.trace_id = "2", .id = "1", .timestamp_us = begin_us, .local_service = "svc"}),
      MakeSpan({.trace_id = "3", .id = "1", .timestamp_us = end_ms * 1000, .local_service = "svc"}),
      MakeSpan(
          {.trace_id = "4", .id = "1", .timestamp_us = end_ms * 1000 + 1, .local_service = "svc"}),
      // No timestamp at all: never found by search.
      MakeSpan({.trace_id = "5", .id = "1", .local_service = "svc"})));
  QueryRequest request = Query();
  request.end_ts_ms = end_ms;
  request.lookback_ms = lookback_ms;
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("3"), Id("2")));
  request.service_name = "svc";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("3"), Id("2")));
  request.lookback_ms = 10 * kDayMs;
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("3"), Id("2"), Id("1")));
  EXPECT_EQ(GetTrace("5").size(), 1u);
}

TEST_P(SpanStoreConformanceTest, SearchWindowUsesRootOrEarliestTimestamp) {
  // "a": the root is two days old although a child is recent: out of a one-day window.
  AcceptEach(Spans(MakeSpan({.trace_id = "a",
                             .id = "1",
                             .timestamp_us = kTodayUs - 2 * kDayMs * 1000,
                             .local_service = "svc"}),
                   MakeSpan({.trace_id = "a",
                             .id = "2",
                             .parent_id = "1",
                             .timestamp_us = kTodayUs,
                             .local_service = "svc"})));
  // "b": headless (root never reported): its earliest span decides, in the window.
  AcceptEach(Spans(MakeSpan({.trace_id = "b",
                             .id = "3",
                             .parent_id = "2",
                             .timestamp_us = kTodayUs - 10,
                             .local_service = "svc"}),
                   MakeSpan({.trace_id = "b",
                             .id = "2",
                             .parent_id = "1",
                             .timestamp_us = kTodayUs - 20,
                             .local_service = "svc"})));
  EXPECT_THAT(Found(GetTraces(Query())), ElementsAre(Id("b")));
  QueryRequest request = Query();
  request.lookback_ms = 3 * kDayMs;
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("b"), Id("a")));
}

TEST_P(SpanStoreConformanceTest, SearchDisabledKeepsTraceByIdAndLinks) {
  StoreOptions options = DefaultOptions();
  options.search_enabled = false;
  Reopen(options);
  Accept(ThreeTierTrace("a", kTodayUs));

  EXPECT_THAT(GetTraces(Query()), IsEmpty());
  EXPECT_THAT(ServiceNames(), IsEmpty());
  EXPECT_THAT(SpanNames("frontend"), IsEmpty());
  EXPECT_THAT(RemoteServiceNames("frontend"), IsEmpty());
  EXPECT_THAT(AutocompleteValues("environment"), IsEmpty());
  EXPECT_EQ(GetTrace("a").size(), 4u);
  EXPECT_EQ(GetTraceMany({"a"}).size(), 1u);
  EXPECT_EQ(Dependencies().size(), 2u);
}

TEST_P(SpanStoreConformanceTest, SearchCombinesEveryCriterion) {
  Accept(ThreeTierTrace("a", kTodayUs - 3 * kHourUs));
  Accept(ThreeTierTrace("b", kTodayUs - 1 * kHourUs));
  QueryRequest request = Query();
  request.service_name = "backend";
  request.remote_service_name = "db";
  request.span_name = "query";
  request.annotation_query = ParseAnnotationQuery("error=timeout and ws and environment");
  request.min_duration_us = 50000;
  request.max_duration_us = 50000;
  request.end_ts_ms = kTodayMs - 2 * 3600 * 1000;  // before "b"
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("a")));
  request.end_ts_ms = kTodayMs;
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("b"), Id("a")));
  // Each criterion may be met by a different span of the service.
  request.span_name = "get /api";
  EXPECT_THAT(Found(GetTraces(request)), ElementsAre(Id("b"), Id("a")));
  request.service_name = "frontend";
  EXPECT_THAT(GetTraces(request), IsEmpty());
}

}  // namespace
}  // namespace cairn::storage::testing
