// Test support for the RocksDB store's tests: options for a store under a test directory with a
// fake clock, and a SpanStore decorator that links dependencies before answering
// GetDependencies, which is what Zipkin's own conformance tests do for stores that aggregate links
// offline (ITDependencies.processDependencies). Header-only, tests only.
#pragma once

#include <memory>
#include <string>
#include <utility>

#include "lib/storage/rocksdb/rocksdb_span_store.h"

namespace cairn::storage::testing {

inline RocksDBStoreOptions TestStoreOptions(const std::string& dir, const StoreOptions& store,
                                            trace::Clock& clock) {
  RocksDBStoreOptions options;
  options.path = dir;
  options.store = store;
  options.clock = &clock;
  options.block_cache_bytes = 8 << 20;
  options.write_buffer_bytes = 4 << 20;
  return options;
}

class LinkBeforeReadStore final : public SpanStore {
 public:
  explicit LinkBeforeReadStore(std::unique_ptr<RocksDBSpanStore> store)
      : store_(std::move(store)) {}

  RocksDBSpanStore& inner() { return *store_; }

  Status Accept(std::span<const trace::SpanRecord* const> spans) override {
    return store_->Accept(spans);
  }
  Result<std::vector<Trace>> GetTraces(const QueryRequest& request) override {
    return store_->GetTraces(request);
  }
  Result<Trace> GetTrace(const trace::TraceId& trace_id) override {
    return store_->GetTrace(trace_id);
  }
  Result<std::vector<Trace>> GetTraces(std::span<const trace::TraceId> ids) override {
    return store_->GetTraces(ids);
  }
  Result<std::vector<std::string>> GetServiceNames() override { return store_->GetServiceNames(); }
  Result<std::vector<std::string>> GetSpanNames(std::string_view service_name) override {
    return store_->GetSpanNames(service_name);
  }
  Result<std::vector<std::string>> GetRemoteServiceNames(std::string_view service_name) override {
    return store_->GetRemoteServiceNames(service_name);
  }
  Result<std::vector<std::string>> GetAutocompleteValues(std::string_view key) override {
    return store_->GetAutocompleteValues(key);
  }
  Result<std::vector<DependencyLink>> GetDependencies(std::int64_t end_ts_ms,
                                                      std::int64_t lookback_ms) override {
    Status linked = store_->LinkDependenciesNow();
    if (!linked.ok()) return linked;
    return store_->GetDependencies(end_ts_ms, lookback_ms);
  }
  Status Check() override { return store_->Check(); }
  std::string Describe() const override { return store_->Describe(); }

 private:
  std::unique_ptr<RocksDBSpanStore> store_;
};

}  // namespace cairn::storage::testing
