#include "lib/storage/mem_span_store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "lib/storage/testing/span_store_conformance.h"

namespace cairn::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using testing::kTodayUs;
using testing::MakeSpan;
using testing::Pointers;
using testing::Spans;
using testing::SpanStoreConformanceTest;
using testing::StoreFactory;
using testing::ThreeTierTrace;
using testing::TraceIdOf;

StoreFactory MemFactory() {
  return {"Mem",
          [](const StoreOptions& options, trace::Clock&,
             const std::string&) -> Result<std::unique_ptr<SpanStore>> {
            return std::unique_ptr<SpanStore>(std::make_unique<MemSpanStore>(options));
          },
          /*persistent=*/false};
}

INSTANTIATE_TEST_SUITE_P(Mem, SpanStoreConformanceTest, ::testing::Values(MemFactory()),
                         testing::StoreFactoryName);

void AcceptOrDie(MemSpanStore& store, const std::vector<trace::SpanRecordPtr>& spans) {
  ASSERT_TRUE(store.Accept(Pointers(spans)).ok());
}

std::vector<std::string> Services(MemSpanStore& store) {
  return std::move(store.GetServiceNames()).value();
}

TEST(MemSpanStoreTest, DescribesItselfLikeZipkin) {
  MemSpanStore store;
  EXPECT_EQ(store.Describe(), "InMemoryStorage{}");
  EXPECT_TRUE(store.Check().ok());
}

TEST(MemSpanStoreTest, EvictsOldestTracesToStayUnderMaxSpans) {
  MemSpanStore store({}, /*max_spans=*/10);
  AcceptOrDie(store, ThreeTierTrace("b", kTodayUs - 2000));  // 4 spans each
  AcceptOrDie(store, ThreeTierTrace("a", kTodayUs - 3000));  // the oldest, accepted second
  EXPECT_EQ(store.span_count(), 8u);

  AcceptOrDie(store, ThreeTierTrace("c", kTodayUs - 1000));
  EXPECT_EQ(store.span_count(), 8u);
  EXPECT_EQ(store.trace_count(), 2u);
  EXPECT_THAT(store.GetTrace(TraceIdOf("a")).value(), IsEmpty());
  EXPECT_EQ(store.GetTrace(TraceIdOf("b")).value().size(), 4u);
  EXPECT_EQ(store.GetTrace(TraceIdOf("c")).value().size(), 4u);
}

TEST(MemSpanStoreTest, TracesWithoutTimestampAreEvictedFirst) {
  MemSpanStore store({}, /*max_spans=*/2);
  AcceptOrDie(store,
              Spans(MakeSpan(
                  {.trace_id = "1", .id = "1", .timestamp_us = kTodayUs, .local_service = "svc"})));
  AcceptOrDie(store, Spans(MakeSpan({.trace_id = "2", .id = "1", .local_service = "svc"})));
  AcceptOrDie(
      store,
      Spans(MakeSpan(
          {.trace_id = "3", .id = "1", .timestamp_us = kTodayUs - 5, .local_service = "svc"})));
  EXPECT_EQ(store.GetTrace(TraceIdOf("1")).value().size(), 1u);
  EXPECT_THAT(store.GetTrace(TraceIdOf("2")).value(), IsEmpty());
  EXPECT_EQ(store.GetTrace(TraceIdOf("3")).value().size(), 1u);
}

TEST(MemSpanStoreTest, BatchLargerThanMaxSpansIsKeptWhole) {
  MemSpanStore store({}, /*max_spans=*/3);
  AcceptOrDie(store, ThreeTierTrace("a", kTodayUs));
  EXPECT_EQ(store.span_count(), 4u);
  AcceptOrDie(store, ThreeTierTrace("b", kTodayUs + 1));
  EXPECT_EQ(store.span_count(), 4u);
  EXPECT_THAT(store.GetTrace(TraceIdOf("a")).value(), IsEmpty());
  EXPECT_EQ(store.GetTrace(TraceIdOf("b")).value().size(), 4u);
}

TEST(MemSpanStoreTest, EvictionForgetsOrphanedServicesNames) {
  MemSpanStore store({}, /*max_spans=*/1);
  AcceptOrDie(store, Spans(MakeSpan({.trace_id = "1",
                                     .id = "1",
                                     .name = "old-op",
                                     .timestamp_us = kTodayUs - 1,
                                     .local_service = "old",
                                     .remote_service = "gone"})));
  EXPECT_THAT(Services(store), ElementsAre("old"));
  AcceptOrDie(store, Spans(MakeSpan({.trace_id = "2",
                                     .id = "1",
                                     .name = "new-op",
                                     .timestamp_us = kTodayUs,
                                     .local_service = "new"})));
  EXPECT_THAT(Services(store), ElementsAre("new"));
  EXPECT_THAT(store.GetSpanNames("old").value(), IsEmpty());
  EXPECT_THAT(store.GetRemoteServiceNames("old").value(), IsEmpty());
  EXPECT_THAT(store.GetSpanNames("new").value(), ElementsAre("new-op"));
}

TEST(MemSpanStoreTest, ZeroMaxSpansActsAsOne) {
  MemSpanStore store({}, /*max_spans=*/0);
  AcceptOrDie(store, Spans(MakeSpan({.trace_id = "1", .id = "1", .local_service = "a"})));
  AcceptOrDie(store, Spans(MakeSpan({.trace_id = "2", .id = "1", .local_service = "a"})));
  EXPECT_EQ(store.span_count(), 1u);
}

TEST(MemSpanStoreTest, HugeWindowBoundsDoNotOverflow) {
  MemSpanStore store;
  AcceptOrDie(store, ThreeTierTrace("a", kTodayUs));
  QueryRequest request;
  request.end_ts_ms = std::numeric_limits<std::int64_t>::max();
  request.lookback_ms = std::numeric_limits<std::int64_t>::max();
  EXPECT_EQ(store.GetTraces(request).value().size(), 1u);
  EXPECT_EQ(store.GetDependencies(request.end_ts_ms, request.lookback_ms).value().size(), 2u);
  request.end_ts_ms = 1;
  request.lookback_ms = 1;
  EXPECT_THAT(store.GetTraces(request).value(), IsEmpty());
}

}  // namespace
}  // namespace cairn::storage
