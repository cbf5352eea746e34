// Turns one Accept call into one RocksDB WriteBatch:
// - per trace in the batch, one span-group key holding all its spans (span_group.h); a span
//   repeated byte for byte within the batch is kept once, differing fragments of a span all;
// - the batch's posting groups (postings.h) and the name keys this process has not yet written
//   into the bucket, unless search is disabled;
// - the batch's dirty-queue entry: its lower trace ids, for dependency linking.
// So a 100-span batch costs ~100 / (spans per trace) span keys plus a few dozen index keys,
// where one key per span per index would cost over 600.
//
// Not thread-safe: one builder per Accept call.
#pragma once

#include <rocksdb/write_batch.h>

#include <array>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "cairn/trace/span_record.h"
#include "cairn/trace/status.h"
#include "lib/storage/rocksdb/bucket_set.h"
#include "lib/storage/span_store.h"

namespace cairn::storage::rdb {

class BatchBuilder {
 public:
  BatchBuilder(const StoreOptions& options, std::span<const trace::SpanRecord* const> spans);

  // About how many bytes the WriteBatch will hold (to reserve them up front).
  std::size_t approximate_bytes() const { return approximate_bytes_; }

  // The distinct lower trace ids of the batch, ascending.
  const std::vector<std::uint64_t>& trace_los() const { return trace_los_; }
  // The batch's spans, sorted by (lower, upper) trace id.
  std::span<const trace::SpanRecord* const> spans() const { return spans_; }

  // Fills `batch` for writing as batch `seq` into `bucket` at ingest time `now_us`. Name keys
  // added to the batch are returned in `new_names`, to be remembered once the write succeeded.
  void Build(std::uint64_t seq, Bucket& bucket, std::int64_t now_us,
             rocksdb::ColumnFamilyHandle* default_family, rocksdb::WriteBatch& batch,
             std::vector<std::string>& new_names);

 private:
  // The names a span contributes (views into the spans): its service, span name and remote
  // service, deduplicated per batch before any key is built.
  struct SpanNames {
    std::string_view service;
    std::string_view name;
    std::string_view remote;
    friend bool operator==(const SpanNames&, const SpanNames&) = default;
  };
  struct ViewPair {
    std::string_view first;
    std::string_view second;
    friend bool operator==(const ViewPair&, const ViewPair&) = default;
  };
  struct NamesHash {
    std::size_t operator()(const SpanNames& names) const {
      const std::hash<std::string_view> hash;
      return (hash(names.service) * 31 + hash(names.name)) * 31 + hash(names.remote);
    }
    std::size_t operator()(const ViewPair& pair) const {
      const std::hash<std::string_view> hash;
      return hash(pair.first) * 31 + hash(pair.second);
    }
  };

  void CollectNames(const trace::SpanRecord& span);
  // The distinct name keys of the batch.
  void NameKeys(std::vector<std::string>& keys) const;

  const StoreOptions& options_;
  std::vector<const trace::SpanRecord*> spans_;  // grouped by trace id
  std::vector<std::uint64_t> trace_los_;
  std::size_t approximate_bytes_ = 0;
  std::unordered_set<SpanNames, NamesHash> span_names_;
  std::unordered_set<ViewPair, NamesHash> autocomplete_;  // tag key, value
  std::array<SpanNames, 8> recent_names_{};
};

// Remembers names written into a bucket; clears the memory past this many (re-writing a name is
// harmless, remembering unboundedly many is not).
inline constexpr std::size_t kMaxRememberedNames = 100'000;

}  // namespace cairn::storage::rdb
