// Conformance: service, span and remote service names; autocomplete values.
#include <gmock/gmock.h>

#include "lib/storage/testing/span_store_conformance.h"

namespace cairn::storage::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using trace::SpanKind;

TEST_P(SpanStoreConformanceTest, ServiceNamesAreSortedDistinctLocalNames) {
  Accept(Spans(
      MakeSpan({.trace_id = "1",
                .id = "1",
                .name = "a",
                .timestamp_us = kTodayUs,
                .local_service = "zeta",
                .remote_service = "remote-only"}),
      MakeSpan({.trace_id = "1",
                .id = "2",
                .parent_id = "1",
                .name = "b",
                .timestamp_us = kTodayUs,
                .local_service = "Alpha"}),
      MakeSpan({.trace_id = "2",
                .id = "1",
                .name = "c",
                .timestamp_us = kTodayUs,
                .local_service = "mid"}),
      MakeSpan({.trace_id = "3",
                .id = "1",
                .name = "d",
                .timestamp_us = kTodayUs,
                .local_service = "zeta"}),
      MakeSpan({.trace_id = "4", .id = "1", .name = "no-service", .timestamp_us = kTodayUs})));
  EXPECT_THAT(ServiceNames(), ElementsAre("alpha", "mid", "zeta"));
}

TEST_P(SpanStoreConformanceTest, SpanNamesAreSortedDistinctPerService) {
  Accept(ThreeTierTrace("a", kTodayUs));
  Accept(ThreeTierTrace("b", kTodayUs + 1));
  Accept(Spans(MakeSpan({.trace_id = "c",
                         .id = "1",
                         .name = "Health",
                         .timestamp_us = kTodayUs,
                         .local_service = "backend"}),
               MakeSpan({.trace_id = "c",
                         .id = "2",
                         .parent_id = "1",
                         .timestamp_us = kTodayUs,
                         .local_service = "backend"})));  // unnamed spans add no name
  EXPECT_THAT(SpanNames("backend"), ElementsAre("get /api", "health", "query"));
  EXPECT_THAT(SpanNames("frontend"), ElementsAre("get /", "get /api"));
  // Lookups lower-case the service name, as Zipkin does.
  EXPECT_THAT(SpanNames("FrontEnd"), ElementsAre("get /", "get /api"));
  EXPECT_THAT(SpanNames("db"), IsEmpty());
  EXPECT_THAT(SpanNames("unknown"), IsEmpty());
  EXPECT_THAT(SpanNames(""), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, RemoteServiceNamesAreSortedDistinctPerService) {
  Accept(ThreeTierTrace("a", kTodayUs));
  Accept(Spans(MakeSpan({.trace_id = "b",
                         .id = "1",
                         .kind = SpanKind::kClient,
                         .name = "get",
                         .timestamp_us = kTodayUs,
                         .local_service = "backend",
                         .remote_service = "Cache"})));
  EXPECT_THAT(RemoteServiceNames("backend"), ElementsAre("cache", "db", "frontend"));
  EXPECT_THAT(RemoteServiceNames("BACKEND"), ElementsAre("cache", "db", "frontend"));
  EXPECT_THAT(RemoteServiceNames("frontend"), ElementsAre("backend"));
  EXPECT_THAT(RemoteServiceNames("db"), IsEmpty());
  EXPECT_THAT(RemoteServiceNames(""), IsEmpty());
}

TEST_P(SpanStoreConformanceTest, NamesAreEscapedOnlyInJsonNotInLookups) {
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "1",
                         .name = "foo\tbar",
                         .timestamp_us = kTodayUs,
                         .local_service = "s\xC3\xA9rvice \"q\"",
                         .remote_service = "\xE2\x82\xAC"})));
  EXPECT_THAT(ServiceNames(), ElementsAre("s\xC3\xA9rvice \"q\""));
  EXPECT_THAT(SpanNames("S\xC3\x89RVICE \"Q\""), ElementsAre("foo\tbar"));
  EXPECT_THAT(RemoteServiceNames("s\xC3\xA9rvice \"q\""), ElementsAre("\xE2\x82\xAC"));
}

TEST_P(SpanStoreConformanceTest, AutocompleteValuesOnlyForConfiguredKeys) {
  Accept(ThreeTierTrace("a", kTodayUs));
  Accept(Spans(MakeSpan({.trace_id = "b",
                         .id = "1",
                         .name = "x",
                         .timestamp_us = kTodayUs,
                         .local_service = "svc",
                         .tags = {{"environment", "canary"}, {"http.method", "POST"}}}),
               MakeSpan({.trace_id = "b",
                         .id = "2",
                         .parent_id = "1",
                         .timestamp_us = kTodayUs,
                         .local_service = "svc",
                         .tags = {{"environment", "canary"}}})));
  EXPECT_THAT(AutocompleteValues("environment"), ElementsAre("canary", "prod"));
  EXPECT_THAT(AutocompleteValues("http.method"), ElementsAre("GET", "POST"));
  EXPECT_THAT(AutocompleteValues("http.path"), IsEmpty());  // present but not configured
  EXPECT_THAT(AutocompleteValues("error"), IsEmpty());
}

}  // namespace
}  // namespace cairn::storage::testing
