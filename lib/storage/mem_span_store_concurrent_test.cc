// MemSpanStore under concurrent writers (with eviction running) and readers; meant for the TSan
// run (label `concurrent`). The conformance suite's concurrency test covers batch atomicity.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "lib/storage/annotation_query.h"
#include "lib/storage/mem_span_store.h"
#include "lib/storage/testing/test_spans.h"

namespace cairn::storage {
namespace {

using testing::kDayMs;
using testing::kTodayMs;
using testing::kTodayUs;

std::string Hex(int value) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016x", value);
  return hex;
}

TEST(MemSpanStoreConcurrentTest, WritersEvictWhileReadersQuery) {
  StoreOptions options;
  options.autocomplete_keys = {"environment"};
  MemSpanStore store(options, /*max_spans=*/40);  // ten four-span traces: eviction all along
  constexpr int kWriters = 2;
  constexpr int kTraces = 150;
  std::atomic<int> writers_left{kWriters};
  std::atomic<int> problems{0};

  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int t = 0; t < kTraces; ++t) {
        auto spans = testing::ThreeTierTrace(Hex(w * 100000 + t + 1), kTodayUs + t);
        if (!store.Accept(testing::Pointers(spans)).ok()) problems.fetch_add(1);
      }
      writers_left.fetch_sub(1);
    });
  }
  for (int r = 0; r < 2; ++r) {
    threads.emplace_back([&, r] {
      QueryRequest request;
      request.end_ts_ms = kTodayMs + 60000;
      request.lookback_ms = kDayMs;
      request.limit = 3;
      if (r == 0) request.annotation_query = ParseAnnotationQuery("error=timeout");
      for (int i = 0; writers_left.load() > 0 || i < 3; ++i) {
        auto traces = store.GetTraces(request);
        if (!traces.ok() || traces->size() > 3) problems.fetch_add(1);
        auto one = store.GetTrace(testing::TraceIdOf(Hex(i % kTraces + 1)));
        if (!one.ok() || (one->size() != 0 && one->size() != 4)) problems.fetch_add(1);
        if (!store.GetDependencies(request.end_ts_ms, request.lookback_ms).ok() ||
            !store.GetServiceNames().ok() || !store.GetSpanNames("backend").ok() ||
            !store.GetRemoteServiceNames("backend").ok() ||
            !store.GetAutocompleteValues("environment").ok()) {
          problems.fetch_add(1);
        }
        if (store.span_count() > 40) problems.fetch_add(1);
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_EQ(problems.load(), 0);
  EXPECT_EQ(store.span_count(), 40u);
  EXPECT_EQ(store.trace_count(), 10u);
}

}  // namespace
}  // namespace cairn::storage
