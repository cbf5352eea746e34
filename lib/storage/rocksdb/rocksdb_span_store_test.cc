// The RocksDB store beyond the shared conformance suite: how links are aggregated (quiet period,
// late spans, exact windows), restart and crash recovery, big batches, long terms, duplicates.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <random>
#include <thread>

#include "lib/storage/annotation_query.h"
#include "lib/storage/dependency_linker.h"
#include "lib/storage/query_match.h"
#include "lib/storage/rocksdb/rocksdb_store_fixture.h"

namespace cairn::storage::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;
using trace::SpanKind;

DependencyLink Link(std::string parent, std::string child, std::uint64_t calls,
                    std::uint64_t errors = 0) {
  return {std::move(parent), std::move(child), calls, errors};
}

TEST_F(RocksStoreTest, DescribeAndCheck) {
  Open();
  EXPECT_EQ(store().Describe(), "RocksDBStorage{" + options_.path + "}");
  EXPECT_TRUE(store().Check().ok());
}

TEST_F(RocksStoreTest, LinksWaitForTheQuietPeriod) {
  options_.link_quiet_period = std::chrono::seconds(5);
  Open();
  Accept(ThreeTierTrace("a", kTodayUs));
  ASSERT_TRUE(store().RunMaintenanceNow().ok());
  EXPECT_THAT(Links(), IsEmpty());
  EXPECT_EQ(store().GetStats().dirty_traces, 1u);

  clock_.AdvanceMicros(4'000'000);
  ASSERT_TRUE(store().RunMaintenanceNow().ok());
  EXPECT_THAT(Links(), IsEmpty());

  clock_.AdvanceMicros(1'000'000);
  ASSERT_TRUE(store().RunMaintenanceNow().ok());
  EXPECT_THAT(Links(), ElementsAre(Link("backend", "db", 1, 1), Link("frontend", "backend", 1)));
  EXPECT_EQ(store().GetStats().dirty_traces, 0u);
}

TEST_F(RocksStoreTest, BackgroundThreadLinksQuietTraces) {
  options_.background_maintenance = true;
  options_.maintenance_interval = std::chrono::milliseconds(5);
  options_.link_quiet_period = std::chrono::seconds(1);
  Open();
  Accept(ThreeTierTrace("a", kTodayUs));
  clock_.AdvanceMicros(2'000'000);
  for (int i = 0; i < 400 && Links().empty(); ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  EXPECT_THAT(Links(), SizeIs(2));
}

TEST_F(RocksStoreTest, LateSpansReplaceATracesLinksInsteadOfAddingToThem) {
  Open();
  // The client side arrives first: an uninstrumented-looking call frontend -> backend.
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "1",
                         .kind = SpanKind::kServer,
                         .name = "get",
                         .timestamp_us = kTodayUs,
                         .local_service = "frontend"}),
               MakeSpan({.trace_id = "a",
                         .id = "2",
                         .parent_id = "1",
                         .kind = SpanKind::kClient,
                         .name = "call",
                         .timestamp_us = kTodayUs + 10,
                         .local_service = "frontend",
                         .remote_service = "backend"})));
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_THAT(Links(), ElementsAre(Link("frontend", "backend", 1)));

  // The server side and its database call arrive later: still one frontend -> backend call.
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "2",
                         .parent_id = "1",
                         .kind = SpanKind::kServer,
                         .name = "call",
                         .timestamp_us = kTodayUs + 20,
                         .local_service = "backend",
                         .shared = true}),
               MakeSpan({.trace_id = "a",
                         .id = "3",
                         .parent_id = "2",
                         .kind = SpanKind::kClient,
                         .name = "query",
                         .timestamp_us = kTodayUs + 30,
                         .local_service = "backend",
                         .remote_service = "db",
                         .tags = {{"error", "x"}}})));
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_THAT(Links(), ElementsAre(Link("backend", "db", 1, 1), Link("frontend", "backend", 1)));

  // Linking again without new spans changes nothing.
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_THAT(Links(), ElementsAre(Link("backend", "db", 1, 1), Link("frontend", "backend", 1)));
}

TEST_F(RocksStoreTest, LateRootMovesATracesLinksToItsTimestamp) {
  Open();
  // Without its root, the trace is dated by its earliest span...
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "2",
                         .parent_id = "1",
                         .kind = SpanKind::kClient,
                         .name = "call",
                         .timestamp_us = kTodayUs,
                         .local_service = "frontend",
                         .remote_service = "backend"})));
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_THAT(Links(kTodayMs + 1, 10), SizeIs(1));
  // ...then by its root, reported late with an earlier timestamp (two hours before).
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "1",
                         .kind = SpanKind::kServer,
                         .name = "get",
                         .timestamp_us = kTodayUs - 7'200'000'000,
                         .local_service = "frontend"})));
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_THAT(Links(kTodayMs + 1, 10), IsEmpty());
  EXPECT_THAT(Links(kTodayMs - 7'200'000 + 1, 10), ElementsAre(Link("frontend", "backend", 1)));
  EXPECT_THAT(Links(kTodayMs + 1, 3 * 3'600'000), ElementsAre(Link("frontend", "backend", 1)));
}

// The counters answer any window exactly as linking the traces in it would.
TEST_F(RocksStoreTest, DependencyWindowsMatchLinkingTheTracesInThem) {
  Open();
  std::mt19937_64 random(1);
  std::vector<std::pair<std::int64_t, std::vector<trace::SpanRecordPtr>>> traces;
  for (int i = 0; i < 60; ++i) {
    // Spread over three days, clustered so windows cut through hours, minutes and seconds.
    const std::int64_t ts = kTodayUs -
                            static_cast<std::int64_t>(random() % (3 * 86400)) * 1'000'000 -
                            static_cast<std::int64_t>(random() % 1'000'000);
    char id[17];
    std::snprintf(id, sizeof(id), "%x", i + 1);
    traces.emplace_back(ts, ThreeTierTrace(id, ts));
    if (i % 3 == 0) traces.back().second.pop_back();  // no db call: different links
    Accept(traces.back().second);
  }
  ASSERT_TRUE(store().LinkDependenciesNow().ok());

  for (int round = 0; round < 200; ++round) {
    const std::int64_t end_ms =
        kTodayMs - static_cast<std::int64_t>(random() % (3 * 86'400'000ULL));
    const std::int64_t lookback_ms =
        1 + static_cast<std::int64_t>(random() % (round % 2 == 0 ? 7'200'000 : 90'000'000));
    DependencyLinker linker;
    for (const auto& [ts, spans] : traces) {
      if (InTimeWindow(ts, end_ms, lookback_ms)) linker.PutTrace(Pointers(spans));
    }
    EXPECT_EQ(Links(end_ms, lookback_ms), SortedLinks(linker.Link()))
        << "end " << end_ms << " lookback " << lookback_ms;
  }
  // Around one trace, to the microsecond.
  const std::int64_t ts = traces[1].first;
  EXPECT_THAT(Links(ts / 1000, 1), SizeIs(ts % 1000 == 0 ? 2 : 0));
  EXPECT_THAT(Links(ts / 1000 + 1, 1), SizeIs(2));
}

TEST_F(RocksStoreTest, RestartKeepsUnlinkedTracesQueued) {
  Open();
  Accept(ThreeTierTrace("a", kTodayUs));
  Accept(ThreeTierTrace("b", kTodayUs + 5));
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  Accept(ThreeTierTrace("c", kTodayUs + 10));  // not linked before the restart
  Open();
  EXPECT_EQ(store().GetStats().dirty_traces, 1u);
  EXPECT_THAT(Links(), ElementsAre(Link("backend", "db", 2, 2), Link("frontend", "backend", 2)));
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_THAT(Links(), ElementsAre(Link("backend", "db", 3, 3), Link("frontend", "backend", 3)));

  // Another restart: the queue was emptied, nothing is linked twice.
  Open();
  EXPECT_EQ(store().GetStats().dirty_traces, 0u);
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_THAT(Links(), ElementsAre(Link("backend", "db", 3, 3), Link("frontend", "backend", 3)));
  EXPECT_THAT(Search(Query()), SizeIs(3));
}

// Closing the store while the background linker works through a backlog stops it after its
// current chunk; what it did not link stays queued and is linked after the next open, once.
TEST_F(RocksStoreTest, ClosingDuringALinkingBacklogLosesNoLinks) {
  options_.background_maintenance = true;
  options_.maintenance_interval = std::chrono::milliseconds(1);
  options_.link_quiet_period = std::chrono::milliseconds(0);
  Open();
  constexpr int kTraces = 3000;
  std::vector<trace::SpanRecordPtr> spans;
  for (int t = 0; t < kTraces; ++t) {
    char id[17];
    std::snprintf(id, sizeof(id), "%x", t + 1);
    for (auto& span : ThreeTierTrace(id, kTodayUs + t)) spans.push_back(std::move(span));
  }
  Accept(spans);
  std::this_thread::sleep_for(std::chrono::milliseconds(5));  // linking has begun
  options_.background_maintenance = false;
  Open();  // closes the store mid-backlog (or after it), then reopens it
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_EQ(store().GetStats().dirty_traces, 0u);
  EXPECT_THAT(Links(), ElementsAre(Link("backend", "db", kTraces, kTraces),
                                   Link("frontend", "backend", kTraces)));
}

// Accept() returning OK means the batch is in the write-ahead log: a process killed right after
// loses nothing.
TEST_F(RocksStoreTest, AcceptedSpansSurviveKillMinus9) {
  const pid_t child = ::fork();
  ASSERT_NE(child, -1);
  if (child == 0) {
    // No gtest assertions in the child: any failure shows as a missing trace in the parent.
    Result<std::unique_ptr<RocksDBSpanStore>> opened = RocksDBSpanStore::Open(options_);
    if (!opened.ok()) ::_exit(2);
    for (int i = 1; i <= 20; ++i) {
      char id[17];
      std::snprintf(id, sizeof(id), "%x", i);
      if (!(*opened)->Accept(Pointers(ThreeTierTrace(id, kTodayUs + i))).ok()) ::_exit(3);
    }
    ::raise(SIGKILL);
    ::_exit(4);
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  ASSERT_TRUE(WIFSIGNALED(status)) << "child exited with " << WEXITSTATUS(status);
  EXPECT_EQ(WTERMSIG(status), SIGKILL);

  Open();
  for (int i = 1; i <= 20; ++i) {
    char id[17];
    std::snprintf(id, sizeof(id), "%x", i);
    EXPECT_THAT(GetTrace(id), SizeIs(4)) << id;
  }
  QueryRequest request = Query();
  request.limit = 100;
  EXPECT_THAT(Search(request), SizeIs(20));
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_THAT(Links(), ElementsAre(Link("backend", "db", 20, 20), Link("frontend", "backend", 20)));
}

TEST_F(RocksStoreTest, BatchOfTenThousandSpans) {
  Open();
  std::vector<trace::SpanRecordPtr> spans;
  for (int t = 0; t < 2000; ++t) {
    char id[17];
    std::snprintf(id, sizeof(id), "%x", t + 1);
    for (auto& span : ThreeTierTrace(id, kTodayUs - t * 1000)) spans.push_back(std::move(span));
  }
  // And one trace of 2,000 spans.
  for (int s = 0; s < 2000; ++s) {
    char id[17];
    std::snprintf(id, sizeof(id), "%x", s + 1);
    spans.push_back(MakeSpan({.trace_id = "abcdef",
                              .id = id,
                              .parent_id = s == 0 ? "" : "1",
                              .kind = SpanKind::kClient,
                              .name = "call",
                              .timestamp_us = kTodayUs + s,
                              .duration_us = 10,
                              .local_service = "fanout",
                              .remote_service = "leaf"}));
  }
  ASSERT_EQ(spans.size(), 10000u);
  Accept(spans);

  EXPECT_THAT(GetTrace("abcdef"), SizeIs(2000));
  EXPECT_THAT(GetTrace("7d0"), SizeIs(4));
  QueryRequest request = Query();
  request.limit = 5000;
  EXPECT_THAT(Search(request), SizeIs(2001));
  request.service_name = "fanout";
  EXPECT_THAT(Search(request), SizeIs(1));
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_THAT(Links(), ElementsAre(Link("backend", "db", 2000, 2000), Link("fanout", "leaf", 1999),
                                   Link("frontend", "backend", 2000)));
}

TEST_F(RocksStoreTest, LongTermsMatchExactlyDespiteTruncatedIndexKeys) {
  Open();
  const std::string long_value(1000, 'v');
  const std::string other_long_value = std::string(999, 'v') + "w";  // same first 256 bytes
  const std::string long_service(300, 's');
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "1",
                         .name = "x",
                         .timestamp_us = kTodayUs,
                         .local_service = long_service,
                         .tags = {{"sql", long_value}}})));
  Accept(Spans(MakeSpan({.trace_id = "b",
                         .id = "1",
                         .name = "x",
                         .timestamp_us = kTodayUs - 1,
                         .local_service = long_service + "t",
                         .tags = {{"sql", other_long_value}}})));
  QueryRequest request = Query();
  request.annotation_query = ParseAnnotationQuery("sql=" + long_value);
  ASSERT_THAT(Search(request), SizeIs(1));
  EXPECT_EQ(TraceIdText(Search(request)[0]), "000000000000000a");
  request.annotation_query = ParseAnnotationQuery("sql=" + other_long_value);
  ASSERT_THAT(Search(request), SizeIs(1));
  EXPECT_EQ(TraceIdText(Search(request)[0]), "000000000000000b");
  request.annotation_query.clear();
  request.service_name = long_service;
  ASSERT_THAT(Search(request), SizeIs(1));
  EXPECT_EQ(TraceIdText(Search(request)[0]), "000000000000000a");
  Result<std::vector<std::string>> names = store().GetServiceNames();
  ASSERT_TRUE(names.ok());
  EXPECT_THAT(*names, ElementsAre(long_service, long_service + "t"));
}

TEST_F(RocksStoreTest, ExactCopiesInOneBatchAreStoredOnceFragmentsAll) {
  Open();
  std::vector<trace::SpanRecordPtr> spans;
  spans.push_back(MakeSpan(
      {.trace_id = "a", .id = "1", .name = "x", .timestamp_us = kTodayUs, .local_service = "svc"}));
  spans.push_back(MakeSpan(
      {.trace_id = "a", .id = "1", .name = "x", .timestamp_us = kTodayUs, .local_service = "svc"}));
  // A fragment of the same span (same id and service) with other fields: kept.
  spans.push_back(MakeSpan({.trace_id = "a",
                            .id = "1",
                            .local_service = "svc",
                            .annotations = {{kTodayUs + 5, "flush"}}}));
  Accept(spans);
  EXPECT_THAT(GetTrace("a"), ElementsAre(Json(*spans[2]), Json(*spans[0])));
}

TEST_F(RocksStoreTest, SearchFindsTraceWhoseMatchingSpanStartedAfterTheWindow) {
  Open();
  // The root is inside the window; the only span with the tag starts two minutes after its end.
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "1",
                         .name = "root",
                         .timestamp_us = kTodayUs - 1000,
                         .local_service = "svc"}),
               MakeSpan({.trace_id = "a",
                         .id = "2",
                         .parent_id = "1",
                         .name = "async",
                         .timestamp_us = kTodayUs + 120'000'000,
                         .local_service = "worker",
                         .tags = {{"job", "resize"}}})));
  QueryRequest request = Query();
  request.end_ts_ms = kTodayMs;
  request.lookback_ms = 60000;
  request.annotation_query = ParseAnnotationQuery("job=resize");
  EXPECT_THAT(Search(request), SizeIs(1));
  request.service_name = "worker";
  EXPECT_THAT(Search(request), SizeIs(1));
}

TEST_F(RocksStoreTest, SearchStopsAtItsLimitNewestFirstAcrossManyTraces) {
  Open();
  std::vector<trace::SpanRecordPtr> spans;
  for (int t = 0; t < 500; ++t) {
    char id[17];
    std::snprintf(id, sizeof(id), "%x", t + 1);
    // One trace per second over the last 500 seconds, accepted oldest... and newest mixed.
    for (auto& span : ThreeTierTrace(id, kTodayUs - ((t * 7919) % 500) * 1'000'000)) {
      spans.push_back(std::move(span));
    }
  }
  Accept(spans);
  QueryRequest request = Query();
  request.limit = 3;
  request.service_name = "backend";
  std::vector<Trace> found = Search(request);
  ASSERT_THAT(found, SizeIs(3));
  // (t * 7919) % 500 == 0, 1, 2 for the newest three.
  std::vector<std::string> ids;
  for (const Trace& trace : found) ids.push_back(TraceIdText(trace));
  std::vector<std::string> expected;
  for (int age = 0; age < 3; ++age) {
    for (int t = 0; t < 500; ++t) {
      if ((t * 7919) % 500 == age) {
        char id[17];
        std::snprintf(id, sizeof(id), "%016x", t + 1);
        expected.push_back(id);
      }
    }
  }
  EXPECT_EQ(ids, expected);
}

TEST_F(RocksStoreTest, NullSpanIsRejectedAndNothingIsWritten) {
  Open();
  std::vector<trace::SpanRecordPtr> spans = ThreeTierTrace("a", kTodayUs);
  std::vector<const trace::SpanRecord*> pointers = Pointers(spans);
  pointers.push_back(nullptr);
  Status status = store().Accept(pointers);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(GetTrace("a"), IsEmpty());
}

}  // namespace
}  // namespace cairn::storage::testing
