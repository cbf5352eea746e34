// Conformance: concurrent readers and writers; a batch is visible whole or not at all.
#include <gmock/gmock.h>

#include <atomic>
#include <thread>

#include "lib/storage/testing/span_store_conformance.h"

namespace cairn::storage::testing {
namespace {

constexpr int kWriters = 2;
constexpr int kTracesPerWriter = 60;
constexpr std::size_t kSpansPerTrace = 4;  // ThreeTierTrace

std::string TraceHex(int writer, int trace) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016x", (writer + 1) * 0x10000 + trace + 1);
  return hex;
}

TEST_P(SpanStoreConformanceTest, ConcurrentReadersSeeWholeBatchesOnly) {
  std::atomic<int> writers_left{kWriters};
  std::atomic<int> torn{0};
  std::atomic<int> failures{0};
  std::atomic<long> reads{0};

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int t = 0; t < kTracesPerWriter; ++t) {
        std::vector<trace::SpanRecordPtr> spans = ThreeTierTrace(TraceHex(w, t), kTodayUs - t);
        if (!store().Accept(Pointers(spans)).ok()) failures.fetch_add(1);
      }
      writers_left.fetch_sub(1);
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      QueryRequest request = Query();
      request.limit = 5;
      request.service_name = r == 0 ? "backend" : "";
      int i = 0;
      // Keep reading until the writers are done, and at least a few rounds.
      while (writers_left.load() > 0 || i < 5) {
        Result<Trace> one = store().GetTrace(TraceIdOf(TraceHex(i % kWriters, i % 50)));
        if (!one.ok())
          failures.fetch_add(1);
        else if (!one->empty() && one->size() != kSpansPerTrace)
          torn.fetch_add(1);
        Result<std::vector<Trace>> found = store().GetTraces(request);
        if (!found.ok()) {
          failures.fetch_add(1);
        } else {
          for (const Trace& trace : *found) {
            if (trace.size() != kSpansPerTrace) torn.fetch_add(1);
          }
        }
        Result<std::vector<DependencyLink>> links =
            store().GetDependencies(kTodayMs + 60000, kDayMs);
        if (!links.ok()) {
          failures.fetch_add(1);
        } else {
          // Calls to backend and to db always come in pairs within one trace.
          std::uint64_t to_backend = 0, to_db = 0;
          for (const DependencyLink& link : *links) {
            if (link.child == "backend") to_backend = link.call_count;
            if (link.child == "db") to_db = link.call_count;
          }
          if (to_backend != to_db) torn.fetch_add(1);
        }
        if (!store().GetServiceNames().ok()) failures.fetch_add(1);
        ++i;
        reads.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();

  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(torn.load(), 0) << "a reader saw part of a batch";
  EXPECT_GT(reads.load(), 0);
  EXPECT_EQ(GetTrace(TraceHex(1, kTracesPerWriter - 1)).size(), kSpansPerTrace);
  QueryRequest all = Query();
  all.limit = 1000;
  EXPECT_EQ(GetTraces(all).size(), static_cast<std::size_t>(kWriters * kTracesPerWriter));
  std::vector<DependencyLink> links = SortedLinks(Dependencies());
  ASSERT_EQ(links.size(), 2u);
  EXPECT_EQ(links[0].call_count, static_cast<std::uint64_t>(kWriters * kTracesPerWriter));
}

}  // namespace
}  // namespace cairn::storage::testing
