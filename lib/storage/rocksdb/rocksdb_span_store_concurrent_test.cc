// Concurrent ingest and queries on the RocksDB store with its background thread linking traces
// and applying retention as fast as it can (run under TSan with the `concurrent` label).
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "lib/storage/rocksdb/rocksdb_store_fixture.h"

namespace cairn::storage::testing {
namespace {

using ::testing::ElementsAre;
using ::testing::SizeIs;

constexpr int kWriters = 2;
constexpr int kTracesPerWriter = 150;

std::string TraceHex(int writer, int trace) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%x", (writer + 1) * 0x100000 + trace + 1);
  return hex;
}

TEST_F(RocksStoreTest, ConcurrentIngestQueriesLinkingAndRetention) {
  options_.background_maintenance = true;
  options_.maintenance_interval = std::chrono::milliseconds(1);
  options_.link_quiet_period = std::chrono::milliseconds(0);
  options_.bucket_length = std::chrono::hours(1);
  Open();

  std::atomic<int> writers_left{kWriters};
  std::atomic<int> failures{0};
  std::atomic<int> torn{0};
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int t = 0; t < kTracesPerWriter; ++t) {
        // Each trace in two batches: the linker may see the first half alone, and must then
        // replace its count when the second half arrives.
        std::vector<trace::SpanRecordPtr> spans = ThreeTierTrace(TraceHex(w, t), kTodayUs - t);
        std::vector<const trace::SpanRecord*> pointers = Pointers(spans);
        const std::span<const trace::SpanRecord* const> all(pointers);
        if (!store().Accept(all.subspan(0, 2)).ok()) failures.fetch_add(1);
        if (!store().Accept(all.subspan(2)).ok()) failures.fetch_add(1);
        // Time moves on, so buckets roll over while others read.
        if (t % 50 == 49 && w == 0) clock_.AdvanceMicros(3600LL * 1000 * 1000);
      }
      writers_left.fetch_sub(1);
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      QueryRequest request = Query();
      request.end_ts_ms = kTodayMs + 1;
      request.limit = 7;
      if (r == 0) request.service_name = "backend";
      int i = 0;
      while (writers_left.load() > 0 || i < 5) {
        Result<Trace> one = store().GetTrace(TraceIdOf(TraceHex(i % kWriters, i % 100)));
        if (!one.ok()) failures.fetch_add(1);
        // A trace is seen with its first batch (2 spans) or both (4), never in between.
        else if (one->size() != 0 && one->size() != 2 && one->size() != 4)
          torn.fetch_add(1);
        Result<std::vector<Trace>> found = store().GetTraces(request);
        if (!found.ok() || found->size() > 7) failures.fetch_add(1);
        Result<std::vector<DependencyLink>> links = store().GetDependencies(kTodayMs + 1, kDayMs);
        if (!links.ok()) failures.fetch_add(1);
        if (!store().GetServiceNames().ok()) failures.fetch_add(1);
        if (r == 1 && i % 10 == 0 && !store().LinkDependenciesNow().ok()) failures.fetch_add(1);
        ++i;
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(torn.load(), 0);
  ASSERT_TRUE(store().LinkDependenciesNow().ok());
  constexpr std::uint64_t kTraces = kWriters * kTracesPerWriter;
  EXPECT_THAT(Links(kTodayMs + 1, kDayMs),
              ElementsAre(DependencyLink{"backend", "db", kTraces, kTraces},
                          DependencyLink{"frontend", "backend", kTraces, 0}));
  QueryRequest all = Query();
  all.limit = 1000;
  EXPECT_THAT(Search(all), SizeIs(kTraces));
  for (int w = 0; w < kWriters; ++w) {
    EXPECT_THAT(GetTrace(TraceHex(w, kTracesPerWriter - 1)), SizeIs(4));
  }
}

}  // namespace
}  // namespace cairn::storage::testing
