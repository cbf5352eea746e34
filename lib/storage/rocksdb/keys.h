// Key layout of the RocksDB span store (docs/storage-rocksdb.md has the why). All integers in keys
// are big-endian so byte order is numeric order.
//
// Column families:
//   default              'm' + name                          -> store metadata (format, generation)
//                        'q' + seq(8)                        -> lower trace ids written by batch
//                        seq
//                                                               whose links are not yet aggregated
//   deps                 level + index(8) + u32 len + parent + child -> link counters (merge
//                                                               operator), see LinkLevel
//                        'e' + timestamp(8) + lo(8) + hi(8)  -> one trace's links
//   spans.<start>.<len>  lo(8) + hi(8) + seq(8)              -> the spans of one trace written by
//                                                               one Accept call (span_group.h)
//                        lo(8) + 0xff                        -> the link contribution of the
//                                                               traces with lower id lo
//   index.<start>.<len>  type + u16 len + term [+ partition] + ~slot(4) + seq(8) -> postings
//                        'S' + service                       -> service name seen
//                        'P'|'R' + u32 len + service + name  -> span / remote service name seen
//                        'K' + u32 len + key + value         -> autocomplete tag value seen
// <start> and <len> are the bucket's ingest-time interval in epoch seconds: a bucket's column
// families are dropped whole once the interval is older than the retention.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::storage::rdb {

// Posting-list types in the index column families.
enum class PostingType : char {
  kAll = 'a',         // every trace
  kService = 'l',     // term: local service name
  kSpanName = 'n',    // term: span name
  kRemote = 'r',      // term: remote service name
  kTagKey = 't',      // term: tag key; postings carry the value
  kAnnotation = 'v',  // term: annotation value
};

// Terms longer than this are truncated in posting keys; searches truncate the same way and
// verify candidates against the spans, so truncation costs precision, never correctness.
inline constexpr std::size_t kMaxTermBytes = 256;

inline constexpr std::size_t kSpanKeySize = 24;
inline constexpr std::size_t kSpanPrefixSize = 8;

std::string SpanGroupKey(std::uint64_t trace_lo, std::uint64_t trace_hi, std::uint64_t seq);
std::string SpanPrefix(std::uint64_t trace_lo);
struct SpanGroupKeyParts {
  std::uint64_t trace_lo = 0;
  std::uint64_t trace_hi = 0;
  std::uint64_t seq = 0;
};
std::optional<SpanGroupKeyParts> ParseSpanGroupKey(std::string_view key);

// Posting groups are kept per time slot of their postings' bounds (postings.h): ten seconds, so a
// search for the newest traces reads about ten seconds' worth of its term's postings, not a
// minute's, while a batch whose traces spread over a minute still writes few groups per term.
inline constexpr std::int64_t kPostingSlotMicros = 10'000'000;
// The slot of a timestamp (ten-second units since the epoch), clamped to what 32 bits hold.
std::uint32_t PostingSlotOf(std::int64_t timestamp_us);
inline std::int64_t PostingSlotStartMicros(std::uint32_t slot) {
  return static_cast<std::int64_t>(slot) * kPostingSlotMicros;
}

// Tag postings are split by their value's hash into this many partitions (a key byte after the
// term), so a search for key=value reads one partition's postings, not every value's.
inline constexpr int kTagPartitions = 32;
inline std::uint8_t TagPartition(std::uint32_t value_hash) {
  return static_cast<std::uint8_t>(value_hash % kTagPartitions);
}

// type + u16 len + (truncated) term (+ partition, kTagKey only): every posting group of one term
// (and partition) starts with this.
std::string PostingTermPrefix(PostingType type, std::string_view term, std::uint8_t partition = 0);
// Where the posting groups of `slot` start within a term prefix (newer slots sort first).
std::string PostingSeekKey(std::string_view term_prefix, std::uint32_t slot);
std::string PostingGroupKey(std::string_view term_prefix, std::uint32_t slot, std::uint64_t seq);
// The slot of a posting group key that starts with `term_prefix`.
std::optional<std::uint32_t> PostingGroupSlot(std::string_view key, std::size_t prefix_size);

// Name keys.
inline constexpr char kServiceNameTag = 'S';
inline constexpr char kSpanNameTag = 'P';
inline constexpr char kRemoteNameTag = 'R';
inline constexpr char kAutocompleteTag = 'K';
std::string ServiceNameKey(std::string_view service);
// kSpanNameTag / kRemoteNameTag / kAutocompleteTag: tag + u32 len + first + second.
std::string PairNameKey(char tag, std::string_view first, std::string_view second);
std::string PairNamePrefix(char tag, std::string_view first);

// In the span families, beside the trace's span groups: one trace-id prefix finds both.
std::string ContributionKey(std::uint64_t trace_lo);
inline constexpr std::size_t kContributionKeySize = 9;
inline bool IsContributionKey(std::string_view key) {
  return key.size() == kContributionKeySize && static_cast<unsigned char>(key[8]) == 0xff;
}

// Default column family.
std::string MetaKey(std::string_view name);
std::string DirtyKey(std::uint64_t seq);
inline constexpr char kDirtyTag = 'q';

// Deps column family. Link counters at three resolutions (level 'h' hour, 'm' minute, 's'
// second; index = trace timestamp / resolution), and each trace's exact links by timestamp, so
// any window sums whole hours, then minutes and seconds at its edges, then single traces for
// the sub-second rest.
enum class LinkLevel : char { kHour = 'h', kMinute = 'm', kSecond = 's' };
inline constexpr char kTraceLinksTag = 'e';
std::int64_t LinkLevelMicros(LinkLevel level);
std::string LinkCounterKey(LinkLevel level, std::int64_t index, std::string_view parent,
                           std::string_view child);
// Where counters of `index` start at `level`.
std::string LinkCounterSeekKey(LinkLevel level, std::int64_t index);
struct LinkCounterKeyParts {
  std::string_view parent;
  std::string_view child;
};
std::optional<LinkCounterKeyParts> ParseLinkCounterKey(std::string_view key);
// 'e' + timestamp(8) + lo(8) + hi(8); TraceLinksSeekKey(ts) is where timestamp `ts` starts.
std::string TraceLinksKey(std::int64_t timestamp_us, std::uint64_t trace_lo,
                          std::uint64_t trace_hi);
std::string TraceLinksSeekKey(std::int64_t timestamp_us);

// Bucket column family names.
enum class BucketFamily { kSpans, kIndex };
std::string BucketFamilyName(BucketFamily family, std::int64_t start_s, std::int64_t length_s);
struct BucketFamilyNameParts {
  BucketFamily family = BucketFamily::kSpans;
  std::int64_t start_s = 0;
  std::int64_t length_s = 0;
};
std::optional<BucketFamilyNameParts> ParseBucketFamilyName(std::string_view name);

inline constexpr std::string_view kDepsFamily = "deps";

// The smallest key greater than every key starting with `prefix`; empty when there is none
// (prefix of all 0xff bytes).
std::string PrefixSuccessor(std::string_view prefix);

}  // namespace cairn::storage::rdb
