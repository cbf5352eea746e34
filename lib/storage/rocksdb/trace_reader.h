// Reads the stored spans of traces from the span families of every live bucket. A trace can
// straddle buckets (its spans arrived on both sides of a bucket boundary), so each lookup probes
// every bucket; the 8-byte prefix bloom filters make probes of buckets without the trace cheap.
//
// Not thread-safe: one reader per call (it keeps one iterator per bucket, reused across Read
// calls at the snapshot it is given; nullptr: each iterator reads at its own implicit one).
#pragma once

#include <rocksdb/db.h>

#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/trace/status.h"
#include "lib/storage/rocksdb/bucket_set.h"
#include "lib/storage/rocksdb/span_group.h"
#include "lib/storage/span_store.h"

namespace cairn::storage::rdb {

struct TraceSpan {
  std::uint64_t trace_hi = 0;
  StoredSpan span;  // views into the reader's storage
};

class TraceReader {
 public:
  TraceReader(rocksdb::DB* db, std::vector<BucketPtr> buckets, const rocksdb::Snapshot* snapshot)
      : db_(db), buckets_(std::move(buckets)), snapshot_(snapshot) {}

  // A link contribution record found beside the spans (link_store.h).
  struct Contribution {
    std::size_t bucket = 0;  // index into the reader's buckets
    std::string_view value;
  };

  // Appends the spans whose trace has lower half `lo` (and upper half `hi`, when given) to `out`,
  // unsorted, and with `contributions` (only without `hi`) the contribution records of `lo`.
  // Views stay valid until Reset() or the reader's end. Errors: kInternal for a damaged span
  // group, kUnavailable when reading fails.
  Status Read(std::uint64_t lo, std::optional<std::uint64_t> hi, std::vector<TraceSpan>& out,
              std::vector<Contribution>* contributions = nullptr);

  const std::vector<BucketPtr>& buckets() const { return buckets_; }

  // Releases the bytes behind views handed out so far.
  void Reset() { storage_.clear(); }

  // The trace's spans as SpanStore returns them: JSON, ordered by (timestamp, id).
  static Trace ToTrace(std::vector<TraceSpan>& spans);

 private:
  rocksdb::DB* db_;
  std::vector<BucketPtr> buckets_;
  const rocksdb::Snapshot* snapshot_;
  std::deque<std::string> storage_;                            // stable addresses for the views
  std::vector<std::unique_ptr<rocksdb::Iterator>> iterators_;  // per bucket, made on first use
};

}  // namespace cairn::storage::rdb
