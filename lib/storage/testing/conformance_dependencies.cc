// Conformance: GET /api/v2/dependencies (Zipkin's DependencyLinker over the traces in range).
#include <gmock/gmock.h>

#include "lib/storage/testing/span_store_conformance.h"

namespace cairn::storage::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using trace::SpanKind;

DependencyLink Link(std::string parent, std::string child, std::uint64_t calls,
                    std::uint64_t errors = 0) {
  return {std::move(parent), std::move(child), calls, errors};
}

TEST_P(SpanStoreConformanceTest, DependenciesOfEmptyStoreAreEmpty) {
  EXPECT_THAT(Dependencies(), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, DependenciesCountSharedSpansOnceAndErrors) {
  Accept(ThreeTierTrace("a", kTodayUs));
  EXPECT_THAT(SortedLinks(Dependencies()),
              ElementsAre(Link("backend", "db", 1, 1), Link("frontend", "backend", 1)));
}

TEST_P(SpanStoreConformanceTest, DependenciesSumOverTracesInTheWindow) {
  Accept(ThreeTierTrace("a", kTodayUs - 1000));
  Accept(ThreeTierTrace("b", kTodayUs - 2000));
  Accept(ThreeTierTrace("c", kTodayUs - 3 * kDayMs * 1000));  // outside a one-day lookback
  EXPECT_THAT(SortedLinks(Dependencies()),
              ElementsAre(Link("backend", "db", 2, 2), Link("frontend", "backend", 2)));
  EXPECT_THAT(SortedLinks(Dependencies(kTodayMs, 4 * kDayMs)),
              ElementsAre(Link("backend", "db", 3, 3), Link("frontend", "backend", 3)));
  // "c" sits exactly at the start of this window: bounds are inclusive.
  EXPECT_THAT(SortedLinks(Dependencies(kTodayMs - 2 * kDayMs, kDayMs)),
              ElementsAre(Link("backend", "db", 1, 1), Link("frontend", "backend", 1)));
  EXPECT_THAT(Dependencies(kTodayMs - 3 * kDayMs - 1, kDayMs), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, DependenciesBackfillMissingSharedFlag) {
  // Old instrumentation: the server reuses the client's id without the shared flag.
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "1",
                         .kind = SpanKind::kClient,
                         .name = "get",
                         .timestamp_us = kTodayUs,
                         .local_service = "web"}),
               MakeSpan({.trace_id = "a",
                         .id = "1",
                         .kind = SpanKind::kServer,
                         .name = "get",
                         .timestamp_us = kTodayUs + 5,
                         .local_service = "app",
                         .tags = {{"error", ""}}})));
  EXPECT_THAT(Dependencies(), ElementsAre(Link("web", "app", 1, 1)));
}

TEST_P(SpanStoreConformanceTest, DependenciesLinkMessagingThroughTheBroker) {
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "1",
                         .kind = SpanKind::kProducer,
                         .name = "send",
                         .timestamp_us = kTodayUs,
                         .local_service = "producer",
                         .remote_service = "kafka"}),
               MakeSpan({.trace_id = "a",
                         .id = "2",
                         .parent_id = "1",
                         .kind = SpanKind::kConsumer,
                         .name = "poll",
                         .timestamp_us = kTodayUs + 100,
                         .local_service = "consumer",
                         .remote_service = "kafka"}),
               // A consumer that does not know its broker gives no link.
               MakeSpan({.trace_id = "a",
                         .id = "3",
                         .parent_id = "1",
                         .kind = SpanKind::kConsumer,
                         .name = "poll",
                         .timestamp_us = kTodayUs + 200,
                         .local_service = "other-consumer"})));
  EXPECT_THAT(SortedLinks(Dependencies()),
              ElementsAre(Link("kafka", "consumer", 1), Link("producer", "kafka", 1)));
}

TEST_P(SpanStoreConformanceTest, DependenciesLinkUninstrumentedLeafAndSkipLocalSpans) {
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "1",
                         .kind = SpanKind::kServer,
                         .name = "get",
                         .timestamp_us = kTodayUs,
                         .local_service = "api"}),
               MakeSpan({.trace_id = "a",
                         .id = "2",
                         .parent_id = "1",
                         .name = "local-work",
                         .timestamp_us = kTodayUs + 1,
                         .local_service = "api"}),
               MakeSpan({.trace_id = "a",
                         .id = "3",
                         .parent_id = "2",
                         .kind = SpanKind::kClient,
                         .name = "query",
                         .timestamp_us = kTodayUs + 2,
                         .local_service = "api",
                         .remote_service = "mysql",
                         .tags = {{"error", "boom"}}}),
               MakeSpan({.trace_id = "a",
                         .id = "4",
                         .parent_id = "2",
                         .kind = SpanKind::kClient,
                         .name = "query",
                         .timestamp_us = kTodayUs + 3,
                         .local_service = "api",
                         .remote_service = "mysql"})));
  EXPECT_THAT(Dependencies(), ElementsAre(Link("api", "mysql", 2, 1)));
}

}  // namespace
}  // namespace cairn::storage::testing
