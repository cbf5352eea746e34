// Test fixture for the RocksDB store's own tests: a store over a temporary directory with a fake
// clock and no background thread (tests drive linking and retention explicitly), re-openable
// over the same directory. Header-only, tests only.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>
#include <system_error>
#include <vector>

#include "lib/storage/rocksdb/rocksdb_span_store.h"
#include "lib/storage/rocksdb/rocksdb_test_util.h"
#include "lib/storage/testing/store_harness.h"
#include "lib/storage/testing/test_spans.h"

namespace cairn::storage::testing {

class RocksStoreTest : public ::testing::Test {
 protected:
  RocksStoreTest() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "cairn-rocks-test-XXXXXX").string();
    if (::mkdtemp(pattern.data()) != nullptr) root_ = pattern;
  }
  ~RocksStoreTest() override {
    store_.reset();
    std::error_code ignored;
    if (!root_.empty()) std::filesystem::remove_all(root_, ignored);
  }

  void SetUp() override {
    ASSERT_FALSE(root_.empty()) << "cannot create a temporary directory";
    options_ = TestStoreOptions(root_ + "/store", StoreOptions{}, clock_);
    options_.store.autocomplete_keys = {"environment"};
    options_.background_maintenance = false;
  }

  // Opens (or re-opens, closing first) the store with options_.
  void Open() {
    store_.reset();
    Result<std::unique_ptr<RocksDBSpanStore>> opened = RocksDBSpanStore::Open(options_);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    store_ = std::move(opened).value();
  }

  RocksDBSpanStore& store() { return *store_; }

  void Accept(const std::vector<trace::SpanRecordPtr>& spans) {
    Status status = store_->Accept(Pointers(spans));
    ASSERT_TRUE(status.ok()) << status.ToString();
  }

  std::vector<DependencyLink> Links(std::int64_t end_ms = kTodayMs + 60000,
                                    std::int64_t lookback_ms = kDayMs) {
    Result<std::vector<DependencyLink>> links = store_->GetDependencies(end_ms, lookback_ms);
    EXPECT_TRUE(links.ok()) << links.status().ToString();
    return links.ok() ? SortedLinks(*links) : std::vector<DependencyLink>{};
  }

  Trace GetTrace(std::string_view hex) {
    Result<Trace> trace = store_->GetTrace(TraceIdOf(hex));
    EXPECT_TRUE(trace.ok()) << trace.status().ToString();
    return trace.ok() ? *trace : Trace{};
  }

  std::vector<Trace> Search(const QueryRequest& request) {
    Result<std::vector<Trace>> traces = store_->GetTraces(request);
    EXPECT_TRUE(traces.ok()) << traces.status().ToString();
    return traces.ok() ? *traces : std::vector<Trace>{};
  }

  static QueryRequest Query() {
    QueryRequest request;
    request.end_ts_ms = kTodayMs + 60000;
    request.lookback_ms = kDayMs;
    request.limit = 10;
    return request;
  }

  static std::vector<DependencyLink> SortedLinks(std::vector<DependencyLink> links) {
    std::sort(links.begin(), links.end(), [](const DependencyLink& a, const DependencyLink& b) {
      return std::tie(a.parent, a.child) < std::tie(b.parent, b.child);
    });
    return links;
  }

  std::string root_;
  FakeClock clock_;
  RocksDBStoreOptions options_;
  std::unique_ptr<RocksDBSpanStore> store_;
};

}  // namespace cairn::storage::testing
