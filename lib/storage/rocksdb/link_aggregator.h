// Dependency links aggregated at ingest time. Spans of one trace arrive in many batches, so links
// cannot be counted as spans arrive: instead the aggregator re-links a whole trace (with the
// shared DependencyLinker) once it has been quiet for a while, then replaces the trace's previous
// contribution to the link counters with the new one (link_store.h). A late span thus corrects
// the counts instead of double-counting, and GetDependencies only sums counters.
//
// Each chunk of traces is written in one WriteBatch together with the removal of the dirty-queue
// entries it made obsolete, so a crash at any point neither loses nor double-counts links.
//
// Thread-safe: Run() calls are serialized.
#pragma once

#include <rocksdb/db.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <vector>

#include "cairn/trace/clock.h"
#include "cairn/trace/status.h"
#include "lib/storage/rocksdb/bucket_set.h"
#include "lib/storage/rocksdb/dirty_tracker.h"

namespace cairn::storage::rdb {

class LinkAggregator {
 public:
  struct Options {
    bool strict_trace_id = true;
    std::int64_t quiet_period_ns = 5'000'000'000;
    std::size_t traces_per_write = 1024;
  };

  LinkAggregator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* default_family,
                 rocksdb::ColumnFamilyHandle* deps, BucketSet* buckets, DirtyTracker* dirty,
                 trace::Clock* clock, Options options);

  // Links every dirty trace that has been quiet for the quiet period (with `ignore_quiet_period`:
  // every trace without a write in flight), until none is left or Stop() is called. Traces not
  // linked stay in the dirty queue: a later Run (or the next open) links them.
  Status Run(bool ignore_quiet_period);

  // Makes a running and every later Run return after the chunk it is writing (for shutdown).
  void Stop() { stopping_.store(true); }

  // Traces skipped because their stored span groups could not be decoded (corruption).
  std::uint64_t corrupt_traces() const { return corrupt_traces_.load(); }

 private:
  Status LinkChunk(const std::vector<DirtyTracker::Entry>& chunk);

  rocksdb::DB* db_;
  rocksdb::ColumnFamilyHandle* default_family_;
  rocksdb::ColumnFamilyHandle* deps_;
  BucketSet* buckets_;
  DirtyTracker* dirty_;
  trace::Clock* clock_;
  const Options options_;
  std::mutex run_mutex_;
  std::uint64_t queue_deleted_below_ = 0;  // guarded by run_mutex_
  std::atomic<std::uint64_t> corrupt_traces_{0};
  std::atomic<bool> stopping_{false};
};

}  // namespace cairn::storage::rdb
