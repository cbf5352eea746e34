// Dependency links at rest: the deps column family (keys.h) and the per-trace "contribution"
// records that let a re-linked trace replace its earlier counts instead of adding to them.
//
// A trace (by its full id, or by its lower 64 bits when strict_trace_id is off) contributes its
// links at its timestamp (root span's, else earliest). LinkDeltas turns "remove old, add new"
// into counter deltas at hour, minute and second resolution plus an exact per-trace record;
// ReadDependencies sums a window from the coarsest pieces that fit inside it, so its cost depends
// on the window's length in hours and the number of distinct links, not on the number of traces.
//
// LinkDeltas is not thread-safe; ReadDependencies is.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <cstdint>
#include <deque>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cairn/trace/span_record.h"
#include "cairn/trace/status.h"
#include "lib/storage/rocksdb/keys.h"
#include "lib/storage/rocksdb/link_counter.h"
#include "lib/storage/span_store.h"

namespace cairn::storage::rdb {

struct TraceLinks {
  std::uint64_t trace_hi = 0;
  std::int64_t timestamp_us = 0;  // > 0
  std::vector<DependencyLink> links;

  friend bool operator==(const TraceLinks&, const TraceLinks&) = default;
};

// The TraceLinks of spans that share a lower trace id (any order, duplicates allowed), linked with
// the shared DependencyLinker: one per upper id when `strict`, else one for all, ordered by upper
// id; traces without a timestamp or without links are left out.
std::vector<TraceLinks> LinkSpans(std::span<const trace::SpanRecord* const> spans, bool strict);

// A contribution record lists the TraceLinks of every trace sharing a lower trace id.
std::string EncodeContribution(const std::vector<TraceLinks>& traces);
std::optional<std::vector<TraceLinks>> DecodeContribution(std::string_view value);

class LinkDeltas {
 public:
  // Adds (sign +1) or removes (sign -1) a trace's links. Keeps a copy of `trace`.
  void Add(std::uint64_t trace_lo, const TraceLinks& trace, int sign);
  // Writes the accumulated changes in key order; counters that net to zero are skipped, and a
  // removed record that is added again is written (not deleted).
  void WriteTo(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* deps) const;
  bool empty() const { return counters_.empty() && records_.empty(); }

 private:
  // A counter key's parts; the names are views into traces_.
  struct CounterKey {
    LinkLevel level;
    std::int64_t index;
    std::string_view parent;
    std::string_view child;
    friend bool operator==(const CounterKey&, const CounterKey&) = default;
  };
  struct CounterKeyHash {
    std::size_t operator()(const CounterKey& key) const;
  };
  struct Record {
    std::string key;
    std::optional<std::string> value;  // nullopt: delete
  };

  std::deque<TraceLinks> traces_;  // owns the names counters_ points to
  std::unordered_map<CounterKey, LinkCounts, CounterKeyHash> counters_;
  std::vector<Record> records_;  // in Add order
};

// Links of traces with timestamps in [(end_ts_ms - lookback_ms) * 1000, end_ts_ms * 1000] us,
// sorted by (parent, child); links whose calls net to zero or less are left out.
Result<std::vector<DependencyLink>> ReadDependencies(rocksdb::DB* db,
                                                     rocksdb::ColumnFamilyHandle* deps,
                                                     std::int64_t end_ts_ms,
                                                     std::int64_t lookback_ms);

// Deletes every counter and record for timestamps before `cutoff_us` (retention).
Status DeleteLinksBefore(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* deps,
                         std::int64_t cutoff_us);

}  // namespace cairn::storage::rdb
