// The SpanStore conformance suite: every store implementation must pass it, so the Zipkin API
// answers the same whatever the storage. It covers trace-by-id (exact bytes back, 64/128-bit ids,
// strict_trace_id on and off), traceMany, every search criterion and the time window, name and
// autocomplete lookups, dependency links, search_enabled=false, concurrent readers and writers
// (a batch is never seen in part), restart persistence (for persistent stores) and, when
// ../shared/testdata exists, the zipkin-lens traces.
//
// Instantiate it in the store's test file (link the target `cairn_storage_testing`):
//
//   using cairn::storage::testing::SpanStoreConformanceTest;
//   using cairn::storage::testing::StoreFactory;
//   StoreFactory MyFactory() {
//     return {"Rocks", [](const StoreOptions& options, trace::Clock& clock,
//                         const std::string& dir) -> Result<std::unique_ptr<SpanStore>> {
//               return OpenMyStore(dir, options, clock);
//             },
//             /*persistent=*/true};
//   }
//   INSTANTIATE_TEST_SUITE_P(Rocks, SpanStoreConformanceTest, ::testing::Values(MyFactory()),
//                            cairn::storage::testing::StoreFactoryName);
//
// Store-specific tests can reuse StoreHarness and test_spans.h (link cairn_storage_test_support).
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "lib/storage/span_store.h"
#include "lib/storage/testing/store_harness.h"
#include "lib/storage/testing/test_spans.h"

namespace cairn::storage::testing {

// Test-name suffix from StoreFactory::name.
std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info);

class SpanStoreConformanceTest : public ::testing::TestWithParam<StoreFactory> {
 protected:
  SpanStoreConformanceTest() : harness_(GetParam()) {}

  // Opens the store with DefaultOptions().
  void SetUp() override;

  // strict_trace_id and search on; autocomplete keys "environment" and "http.method".
  static StoreOptions DefaultOptions();

  SpanStore& store() { return harness_.store(); }
  StoreHarness& harness() { return harness_; }
  // Re-opens a new, empty store with other options (fails the test on error).
  void Reopen(const StoreOptions& options);

  // Accepts one batch, failing the test on error.
  void Accept(const std::vector<trace::SpanRecordPtr>& spans);
  // Accepts each span in its own batch.
  void AcceptEach(const std::vector<trace::SpanRecordPtr>& spans);

  // A search over the day before kTodayMs + 1 minute, limit 10.
  static QueryRequest Query();

  // These fail the test on error and then return an empty value.
  Trace GetTrace(std::string_view trace_id_hex);
  std::vector<Trace> GetTraces(const QueryRequest& request);
  std::vector<Trace> GetTraceMany(const std::vector<std::string_view>& trace_id_hexes);
  std::vector<std::string> ServiceNames();
  std::vector<std::string> SpanNames(std::string_view service);
  std::vector<std::string> RemoteServiceNames(std::string_view service);
  std::vector<std::string> AutocompleteValues(std::string_view key);
  std::vector<DependencyLink> Dependencies(std::int64_t end_ts_ms = kTodayMs + 60000,
                                           std::int64_t lookback_ms = kDayMs);

 private:
  StoreHarness harness_;
};

// Sorted copy, for comparisons where the API leaves order open (traceMany, links).
std::vector<Trace> SortedTraces(std::vector<Trace> traces);
std::vector<DependencyLink> SortedLinks(std::vector<DependencyLink> links);

}  // namespace cairn::storage::testing
