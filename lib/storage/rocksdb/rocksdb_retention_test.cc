// Retention by ingest age: whole buckets of spans, their index entries and names disappear, and
// link counters for old traces go, while recent data stays and ingest carries on meanwhile.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "lib/storage/rocksdb/rocksdb_store_fixture.h"

namespace cairn::storage::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;
using ::testing::SizeIs;

constexpr std::int64_t kDayUs = kDayMs * 1000;

std::vector<std::string> Services(RocksDBSpanStore& store) {
  Result<std::vector<std::string>> names = store.GetServiceNames();
  EXPECT_TRUE(names.ok());
  return names.ok() ? *names : std::vector<std::string>{};
}

TEST_F(RocksStoreTest, OldBucketsDisappearRecentOnesStay) {
  Open();  // seven days, one-day buckets
  Accept(Spans(MakeSpan({.trace_id = "a",
                         .id = "1",
                         .kind = trace::SpanKind::kClient,
                         .name = "old-call",
                         .timestamp_us = kTodayUs,
                         .local_service = "old",
                         .remote_service = "gone"})));
  clock_.AdvanceMicros(3 * kDayUs);
  Accept(ThreeTierTrace("b", kTodayUs + 3 * kDayUs));
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  EXPECT_EQ(store().GetStats().buckets, 2u);

  // Seven days after the first bucket ended, nothing of it is left.
  clock_.AdvanceMicros(5 * kDayUs + 1);
  ASSERT_TRUE(store().EnforceRetentionNow().ok());
  EXPECT_EQ(store().GetStats().buckets, 1u);
  EXPECT_THAT(GetTrace("a"), IsEmpty());
  EXPECT_THAT(GetTrace("b"), SizeIs(4));
  EXPECT_THAT(Services(store()), ElementsAre("backend", "frontend"));
  Result<std::vector<std::string>> old_names = store().GetSpanNames("old");
  ASSERT_TRUE(old_names.ok());
  EXPECT_THAT(*old_names, IsEmpty());

  QueryRequest request = Query();
  request.end_ts_ms = (kTodayUs + 3 * kDayUs) / 1000 + 1000;
  request.lookback_ms = 10 * kDayMs;
  EXPECT_THAT(Search(request), SizeIs(1));
  request.service_name = "old";
  EXPECT_THAT(Search(request), IsEmpty());
  // Links of the old trace (timestamp older than the retention) are gone, the recent ones stay.
  EXPECT_THAT(Links(request.end_ts_ms, 10 * kDayMs), SizeIs(2));
  EXPECT_THAT(Links(kTodayMs + 1, 1000), IsEmpty());

  // After a restart too.
  Open();
  EXPECT_THAT(GetTrace("a"), IsEmpty());
  EXPECT_THAT(GetTrace("b"), SizeIs(4));
}

TEST_F(RocksStoreTest, RetentionRunsWhileIngestContinues) {
  options_.retention = std::chrono::hours(24);
  options_.bucket_length = std::chrono::hours(1);
  Open();
  Accept(ThreeTierTrace("1", kTodayUs));

  std::atomic<bool> stop{false};
  std::atomic<int> accepted{0};
  std::atomic<int> failures{0};
  std::thread writer([&] {
    for (int i = 2; !stop.load() || i < 200; ++i) {
      char id[17];
      std::snprintf(id, sizeof(id), "%x", i);
      if (store().Accept(Pointers(ThreeTierTrace(id, clock_.NowMicros()))).ok()) {
        accepted.store(i);
      } else {
        failures.fetch_add(1);
      }
    }
  });
  // Move time along an hour at a time while the writer writes: buckets roll over and expire.
  for (int hour = 0; hour < 30; ++hour) {
    clock_.AdvanceMicros(3600LL * 1000 * 1000);
    ASSERT_TRUE(store().EnforceRetentionNow().ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  stop.store(true);
  writer.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_THAT(GetTrace("1"), IsEmpty());
  char last[17];
  std::snprintf(last, sizeof(last), "%x", accepted.load());
  EXPECT_THAT(GetTrace(last), SizeIs(4));
  EXPECT_LE(store().GetStats().buckets, 25u);
  ASSERT_TRUE(store().EnforceRetentionNow().ok());
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
}

}  // namespace
}  // namespace cairn::storage::testing
