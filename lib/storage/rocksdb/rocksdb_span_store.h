// RocksDBSpanStore: cairn-server's embedded, durable default SpanStore (docs/storage-rocksdb.md).
//
// - Accept() writes one WriteBatch per call with the write-ahead log on and no fsync: once it
//   returns OK the batch survives kill -9 of the process (not a power loss or kernel crash).
// - Spans are kept per ingest-time bucket (default one day); a bucket is dropped whole when it
//   is older than the retention (default 7 days), without stopping ingest.
// - Search uses compact posting lists written per batch (postings.h) and verifies candidates
//   with the shared TraceMatches, so answers follow Zipkin's QueryRequest.test.
// - Dependency links are aggregated in the background: a trace is (re-)linked with the shared
//   DependencyLinker once no span of it arrived for `link_quiet_period`, and its links replace
//   its earlier contribution in per-hour/minute/second counters. GetDependencies only sums
//   counters, so it costs the same for a minute or a week; links of traces younger than the quiet
//   period are not counted yet.
// - Reads use RocksDB snapshots and never wait for compactions or writes.
//
// Thread-safe: any number of concurrent readers and writers. A background thread (unless
// disabled) links quiet traces and applies retention; it stops when the store is destroyed.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "cairn/trace/clock.h"
#include "lib/storage/span_store.h"

namespace cairn::storage {

namespace rdb {
class BatchBuilder;
class BucketSet;
class DirtyTracker;
class FamilyOptions;
class LinkAggregator;
struct OpenedDb;
}  // namespace rdb

struct RocksDBStoreOptions {
  std::string path;  // data directory, created when missing
  StoreOptions store;
  // Data older than this (by ingest time, bucket by bucket) is deleted.
  std::chrono::seconds retention = std::chrono::hours(24 * 7);
  // Ingest-time length of a bucket: the granularity of retention.
  std::chrono::seconds bucket_length = std::chrono::hours(24);
  // A trace is linked once no span of it arrived for this long.
  std::chrono::milliseconds link_quiet_period = std::chrono::seconds(5);
  // How often the background thread links quiet traces and checks retention.
  std::chrono::milliseconds maintenance_interval = std::chrono::seconds(1);
  // Without the background thread, call LinkDependenciesNow() / EnforceRetentionNow().
  bool background_maintenance = true;
  // Wall time (retention, ingest buckets) and monotonic time (quiet period); nullptr: the system
  // clock. Must outlive the store.
  trace::Clock* clock = nullptr;
  std::size_t block_cache_bytes = 64 << 20;
  std::size_t write_buffer_bytes = 32 << 20;
};

class RocksDBSpanStore final : public SpanStore {
 public:
  // Errors name the directory: kInvalidArgument when it holds something that is not a cairn
  // store (or options are invalid), kUnavailable when it cannot be opened (e.g. locked by
  // another process), kInternal on corruption.
  static Result<std::unique_ptr<RocksDBSpanStore>> Open(RocksDBStoreOptions options);

  ~RocksDBSpanStore() override;
  RocksDBSpanStore(const RocksDBSpanStore&) = delete;
  RocksDBSpanStore& operator=(const RocksDBSpanStore&) = delete;

  Status Accept(std::span<const trace::SpanRecord* const> spans) override;
  Result<std::vector<Trace>> GetTraces(const QueryRequest& request) override;
  Result<Trace> GetTrace(const trace::TraceId& trace_id) override;
  Result<std::vector<Trace>> GetTraces(std::span<const trace::TraceId> ids) override;
  Result<std::vector<std::string>> GetServiceNames() override;
  Result<std::vector<std::string>> GetSpanNames(std::string_view service_name) override;
  Result<std::vector<std::string>> GetRemoteServiceNames(std::string_view service_name) override;
  Result<std::vector<std::string>> GetAutocompleteValues(std::string_view key) override;
  Result<std::vector<DependencyLink>> GetDependencies(std::int64_t end_ts_ms,
                                                      std::int64_t lookback_ms) override;
  Status Check() override;
  std::string Describe() const override;

  // Links every dirty trace that has no write in flight, ignoring the quiet period.
  Status LinkDependenciesNow();
  // One round of what the background thread does: link the traces quiet for the quiet period,
  // and apply retention when due.
  Status RunMaintenanceNow() { return RunMaintenance(); }
  // Drops buckets and link counters older than the retention, now.
  Status EnforceRetentionNow();

  struct Stats {
    std::size_t buckets = 0;
    std::size_t dirty_traces = 0;      // waiting to be linked
    std::uint64_t corrupt_traces = 0;  // skipped by the linker (undecodable stored spans)
  };
  Stats GetStats() const;

 private:
  explicit RocksDBSpanStore(RocksDBStoreOptions options);
  Status Init();
  void MaintenanceLoop();
  Status RunMaintenance();
  Result<std::vector<std::string>> PairNames(char tag, std::string_view first);
  // For the traces of `builder` that `fresh` marks as newly dirty and that have nothing stored
  // yet: the encoded link contribution of their spans in the batch (DirtyTracker known links).
  std::vector<std::optional<std::string>> KnownLinks(const rdb::BatchBuilder& builder,
                                                     const std::vector<std::uint8_t>& fresh);

  RocksDBStoreOptions options_;
  trace::Clock* clock_;
  std::unique_ptr<rdb::FamilyOptions> family_options_;
  std::unique_ptr<rdb::OpenedDb> db_;
  std::unique_ptr<rdb::BucketSet> buckets_;
  std::unique_ptr<rdb::DirtyTracker> dirty_;
  std::unique_ptr<rdb::LinkAggregator> aggregator_;

  std::mutex maintenance_mutex_;
  std::condition_variable maintenance_wake_;
  bool stopping_ = false;
  std::int64_t links_expired_before_us_ = 0;  // guarded by retention_mutex_
  std::mutex retention_mutex_;
  std::thread maintenance_thread_;
};

}  // namespace cairn::storage
