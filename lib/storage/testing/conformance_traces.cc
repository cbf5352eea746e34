// Conformance: trace by id, traceMany, 64/128-bit ids and strict_trace_id, restart persistence.
#include <gmock/gmock.h>

#include <algorithm>

#include "lib/storage/testing/span_store_conformance.h"

namespace cairn::storage::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::ElementsAreArray;
using ::testing::IsEmpty;
using ::testing::UnorderedElementsAre;
using trace::SpanKind;

constexpr std::string_view kHigh128 = "463ac35c9f6413ad48485a3953bb6124";
constexpr std::string_view kLow64 = "48485a3953bb6124";

std::vector<trace::SpanRecordPtr> Reversed(std::vector<trace::SpanRecordPtr> spans) {
  std::reverse(spans.begin(), spans.end());
  return spans;
}

TEST_P(SpanStoreConformanceTest, GetTraceReturnsAcceptedBytesInTimestampOrder) {
  std::vector<trace::SpanRecordPtr> spans = ThreeTierTrace("a", kTodayUs);
  std::vector<std::string> expected = Json(spans);
  Accept(Reversed(std::move(spans)));

  Trace trace = GetTrace("a");
  EXPECT_THAT(trace, ElementsAreArray(expected));
  EXPECT_THAT(GetTrace("000000000000000a"), ElementsAreArray(expected));
}

TEST_P(SpanStoreConformanceTest, GetTraceOfUnknownIdIsEmpty) {
  Accept(ThreeTierTrace("a", kTodayUs));
  EXPECT_THAT(GetTrace("b"), IsEmpty());
  EXPECT_THAT(GetTrace(kHigh128), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, SpansOrderedByTimestampThenIdWithAbsentTimestampFirst) {
  std::vector<trace::SpanRecordPtr> spans;
  spans.push_back(MakeSpan({.trace_id = "a",
                            .id = "9",
                            .parent_id = "1",
                            .name = "late",
                            .timestamp_us = kTodayUs + 5,
                            .local_service = "svc"}));
  spans.push_back(MakeSpan({.trace_id = "a",
                            .id = "3",
                            .parent_id = "1",
                            .name = "same-ts",
                            .timestamp_us = kTodayUs + 5,
                            .local_service = "svc"}));
  spans.push_back(MakeSpan({.trace_id = "a",
                            .id = "1",
                            .name = "root",
                            .timestamp_us = kTodayUs,
                            .local_service = "svc"}));
  // A fragment without timestamp (e.g. a late "finish" report) sorts first: timestamp 0.
  spans.push_back(MakeSpan({.trace_id = "a",
                            .id = "4",
                            .parent_id = "1",
                            .name = "fragment",
                            .local_service = "svc",
                            .tags = {{"k", "v"}}}));
  AcceptEach(spans);

  EXPECT_THAT(GetTrace("a"),
              ElementsAre(Json(*spans[3]), Json(*spans[2]), Json(*spans[1]), Json(*spans[0])));
}

TEST_P(SpanStoreConformanceTest, SpansFromSeveralBatchesFormOneTrace) {
  std::vector<trace::SpanRecordPtr> spans = ThreeTierTrace("a", kTodayUs);
  std::vector<std::string> expected = Json(spans);
  AcceptEach(Reversed(std::move(spans)));
  Accept(ThreeTierTrace("b", kTodayUs));

  EXPECT_THAT(GetTrace("a"), ElementsAreArray(expected));
  EXPECT_EQ(GetTrace("b").size(), 4u);
}

TEST_P(SpanStoreConformanceTest, SpanAcceptedAgainIsStillReturned) {
  std::vector<trace::SpanRecordPtr> spans = ThreeTierTrace("a", kTodayUs);
  Accept(spans);
  Accept(spans);
  Trace trace = GetTrace("a");
  // Every distinct span is there; whether a re-accepted copy shows twice is up to the store.
  for (const std::string& json : Json(spans)) {
    EXPECT_GE(std::count(trace.begin(), trace.end(), json), 1) << json;
  }
  EXPECT_LE(trace.size(), 8u);
}

TEST_P(SpanStoreConformanceTest, EmptyBatchIsAccepted) {
  Accept({});
  EXPECT_THAT(ServiceNames(), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, Trace128BitIdRoundTrips) {
  std::vector<trace::SpanRecordPtr> spans = ThreeTierTrace(kHigh128, kTodayUs);
  std::vector<std::string> expected = Json(spans);
  Accept(spans);

  EXPECT_THAT(GetTrace(kHigh128), ElementsAreArray(expected));
  EXPECT_NE(expected[0].find(kHigh128), std::string::npos);
  // Strict: the lower 64 bits alone name a different trace.
  EXPECT_THAT(GetTrace(kLow64), IsEmpty());
}

// A 128-bit trace and a 64-bit trace sharing its lower half.
struct MixedIds {
  std::vector<trace::SpanRecordPtr> high;
  std::vector<trace::SpanRecordPtr> low;
};

MixedIds MixedIdTraces() {
  MixedIds traces;
  traces.high.push_back(MakeSpan({.trace_id = kHigh128,
                                  .id = "1",
                                  .kind = SpanKind::kServer,
                                  .name = "get",
                                  .timestamp_us = kTodayUs,
                                  .duration_us = 10,
                                  .local_service = "frontend"}));
  traces.low.push_back(MakeSpan({.trace_id = kLow64,
                                 .id = "2",
                                 .parent_id = "1",
                                 .kind = SpanKind::kServer,
                                 .name = "get",
                                 .timestamp_us = kTodayUs + 1,
                                 .duration_us = 5,
                                 .local_service = "backend",
                                 .remote_service = "frontend"}));
  return traces;
}

TEST_P(SpanStoreConformanceTest, StrictTraceIdKeepsIdsSharingLowerHalfApart) {
  MixedIds mixed = MixedIdTraces();
  std::vector<std::string> high_json = Json(mixed.high);
  std::vector<std::string> low_json = Json(mixed.low);
  Accept(mixed.high);
  Accept(mixed.low);

  EXPECT_THAT(GetTrace(kHigh128), ElementsAreArray(high_json));
  EXPECT_THAT(GetTrace(kLow64), ElementsAreArray(low_json));
  EXPECT_THAT(SortedTraces(GetTraces(Query())), ElementsAre(high_json, low_json));
  EXPECT_THAT(GetTraceMany({kHigh128}), ElementsAre(high_json));
  EXPECT_THAT(SortedTraces(GetTraceMany({kHigh128, kLow64})), ElementsAre(high_json, low_json));
}

TEST_P(SpanStoreConformanceTest, NonStrictTraceIdJoinsIdsSharingLowerHalf) {
  StoreOptions options = DefaultOptions();
  options.strict_trace_id = false;
  Reopen(options);
  MixedIds mixed = MixedIdTraces();
  std::vector<std::string> high_json = Json(mixed.high);
  std::vector<std::string> low_json = Json(mixed.low);
  Accept(mixed.high);
  Accept(mixed.low);
  std::vector<std::string> both = {high_json[0], low_json[0]};

  EXPECT_THAT(GetTrace(kLow64), ElementsAreArray(both));
  EXPECT_THAT(GetTrace(kHigh128), ElementsAreArray(both));
  EXPECT_THAT(GetTraces(Query()), ElementsAre(both));
  EXPECT_THAT(GetTraceMany({kLow64}), ElementsAre(both));
}

TEST_P(SpanStoreConformanceTest, TraceManyReturnsKnownTracesOnly) {
  Accept(ThreeTierTrace("a", kTodayUs));
  Accept(ThreeTierTrace("b", kTodayUs + 1000));
  Accept(ThreeTierTrace("c", kTodayUs + 2000));

  std::vector<Trace> traces = GetTraceMany({"a", "c", "d", kHigh128});
  EXPECT_THAT(TraceIdTexts(traces), UnorderedElementsAre("000000000000000a", "000000000000000c"));
  for (const Trace& trace : traces) EXPECT_EQ(trace.size(), 4u);
  EXPECT_THAT(GetTraceMany({"d", "e"}), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, RestartKeepsTracesNamesAndLinks) {
  if (!GetParam().persistent) GTEST_SKIP() << GetParam().name << " is not persistent";
  std::vector<trace::SpanRecordPtr> spans = ThreeTierTrace(kHigh128, kTodayUs);
  std::vector<std::string> expected = Json(spans);
  Accept(spans);
  Status status = harness().Restart();
  ASSERT_TRUE(status.ok()) << status.ToString();

  EXPECT_THAT(GetTrace(kHigh128), ElementsAreArray(expected));
  EXPECT_THAT(ServiceNames(), ElementsAre("backend", "frontend"));
  EXPECT_THAT(SpanNames("backend"), ElementsAre("get /api", "query"));
  EXPECT_THAT(AutocompleteValues("environment"), ElementsAre("prod"));
  EXPECT_THAT(GetTraces(Query()), ElementsAre(expected));
  EXPECT_EQ(Dependencies().size(), 2u);

  // And it keeps accepting.
  Accept(ThreeTierTrace("b", kTodayUs + 1000));
  EXPECT_EQ(GetTraces(Query()).size(), 2u);
}

}  // namespace
}  // namespace cairn::storage::testing
