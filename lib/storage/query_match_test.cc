#include "lib/storage/query_match.h"

#include <gtest/gtest.h>

#include <limits>

#include "lib/storage/annotation_query.h"
#include "lib/storage/testing/test_spans.h"

namespace cairn::storage {
namespace {

using testing::kTodayMs;
using testing::kTodayUs;
using testing::MakeSpan;
using testing::Pointers;
using trace::SpanKind;

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

QueryRequest Request() {
  QueryRequest request;
  request.end_ts_ms = kTodayMs + 1000;
  request.lookback_ms = 60000;
  return request;
}

bool Matches(const QueryRequest& request, const std::vector<trace::SpanRecordPtr>& spans) {
  return TraceMatches(request, Pointers(spans));
}

TEST(TraceTimestampTest, RootWinsOverEarlierChildren) {
  TraceTimestamp timestamp;
  EXPECT_EQ(timestamp.value(), 0);
  timestamp.Add(50, false);
  EXPECT_EQ(timestamp.value(), 50);
  timestamp.Add(100, true);
  EXPECT_EQ(timestamp.value(), 100);
  timestamp.Add(10, false);
  EXPECT_EQ(timestamp.value(), 100);
  timestamp.Add(90, true);  // several roots: the earliest
  EXPECT_EQ(timestamp.value(), 90);
  timestamp.Add(0, true);  // no timestamp: ignored
  timestamp.Add(-5, true);
  EXPECT_EQ(timestamp.value(), 90);
}

TEST(TimeWindowTest, InclusiveBoundsInMicroseconds) {
  TimeWindow window = WindowOf(2000, 1000);
  EXPECT_EQ(window.begin_us, 1000000);
  EXPECT_EQ(window.end_us, 2000000);
  EXPECT_TRUE(window.Contains(1000000));
  EXPECT_TRUE(window.Contains(2000000));
  EXPECT_FALSE(window.Contains(999999));
  EXPECT_FALSE(window.Contains(2000001));
  EXPECT_FALSE(WindowOf(2000, 5000).Contains(0));  // no timestamp never matches
}

TEST(TimeWindowTest, SaturatesInsteadOfOverflowing) {
  TimeWindow huge = WindowOf(kMax, kMax);
  EXPECT_EQ(huge.end_us, kMax);
  EXPECT_EQ(huge.begin_us, 0);
  EXPECT_TRUE(huge.Contains(kTodayUs));
  TimeWindow negative = WindowOf(1, kMax);
  EXPECT_LT(negative.begin_us, 0);
  EXPECT_TRUE(negative.Contains(1000));
  EXPECT_EQ(WindowOf(std::numeric_limits<std::int64_t>::min(), kMax).begin_us,
            std::numeric_limits<std::int64_t>::min());
  EXPECT_EQ(WindowOf(kMax, -kMax).begin_us, kMax);
}

TEST(TraceMatchesTest, WindowOnly) {
  auto spans = testing::Spans(MakeSpan({.trace_id = "a", .id = "1", .timestamp_us = kTodayUs}));
  EXPECT_TRUE(Matches(Request(), spans));
  QueryRequest early = Request();
  early.end_ts_ms = kTodayMs - 1;
  EXPECT_FALSE(Matches(early, spans));
  EXPECT_FALSE(Matches(Request(), {}));
  EXPECT_FALSE(NeedsSpanFields(Request()));
}

TEST(TraceMatchesTest, ServiceNameConstrainsEveryOtherCriterion) {
  auto spans = testing::Spans(MakeSpan({.trace_id = "a",
                                        .id = "1",
                                        .kind = SpanKind::kServer,
                                        .name = "get",
                                        .timestamp_us = kTodayUs,
                                        .duration_us = 100,
                                        .local_service = "web",
                                        .tags = {{"http.path", "/a"}}}),
                              MakeSpan({.trace_id = "a",
                                        .id = "2",
                                        .parent_id = "1",
                                        .kind = SpanKind::kClient,
                                        .name = "select",
                                        .timestamp_us = kTodayUs + 1,
                                        .duration_us = 10,
                                        .local_service = "app",
                                        .remote_service = "db",
                                        .annotations = {{kTodayUs + 2, "retry"}}}));
  QueryRequest request = Request();
  request.service_name = "app";
  EXPECT_TRUE(Matches(request, spans));
  EXPECT_FALSE(NeedsSpanFields(request));
  request.span_name = "get";  // web's span
  EXPECT_TRUE(NeedsSpanFields(request));
  EXPECT_FALSE(Matches(request, spans));
  request.span_name = "select";
  request.remote_service_name = "db";
  request.annotation_query = ParseAnnotationQuery("retry");
  request.min_duration_us = 10;
  request.max_duration_us = 10;
  EXPECT_TRUE(Matches(request, spans));
  request.annotation_query = ParseAnnotationQuery("retry and http.path=/a");
  EXPECT_FALSE(Matches(request, spans));
  request.service_name.clear();
  EXPECT_TRUE(Matches(request, spans));
  request.service_name = "nobody";
  request.span_name.clear();
  request.remote_service_name.clear();
  request.annotation_query.clear();
  request.min_duration_us = request.max_duration_us = 0;
  EXPECT_FALSE(Matches(request, spans));
}

TEST(TraceMatchesTest, DurationBounds) {
  auto spans = testing::Spans(
      MakeSpan({.trace_id = "a", .id = "1", .timestamp_us = kTodayUs, .duration_us = 100}),
      MakeSpan({.trace_id = "a", .id = "2", .parent_id = "1", .timestamp_us = kTodayUs}));
  QueryRequest request = Request();
  request.min_duration_us = 100;
  EXPECT_TRUE(Matches(request, spans));
  request.min_duration_us = 101;
  EXPECT_FALSE(Matches(request, spans));
  request.min_duration_us = 1;
  request.max_duration_us = 99;  // the span without duration counts as 0: below min
  EXPECT_FALSE(Matches(request, spans));
  request.min_duration_us = 0;  // max alone (rejected upstream) is an upper bound
  request.max_duration_us = 99;
  EXPECT_TRUE(Matches(request, spans));
}

TEST(TraceMatchesTest, TagTermsNeedEqualValueBareTermsAnyValue) {
  auto spans = testing::Spans(MakeSpan({.trace_id = "a",
                                        .id = "1",
                                        .timestamp_us = kTodayUs,
                                        .tags = {{"error", ""}, {"k", "v"}},
                                        .annotations = {{kTodayUs, "k=v"}}}));
  QueryRequest request = Request();
  request.annotation_query = ParseAnnotationQuery("error");
  EXPECT_TRUE(Matches(request, spans));
  request.annotation_query = ParseAnnotationQuery("k=v");
  EXPECT_TRUE(Matches(request, spans));
  request.annotation_query = ParseAnnotationQuery("k=w");
  EXPECT_FALSE(Matches(request, spans));
  request.annotation_query = {{"k=v", std::nullopt}};  // the annotation value, as a bare term
  EXPECT_TRUE(Matches(request, spans));
  request.annotation_query = {{"", std::nullopt}};
  EXPECT_FALSE(Matches(request, spans));
}

}  // namespace
}  // namespace cairn::storage
