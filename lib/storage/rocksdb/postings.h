// Posting lists: the search index of the RocksDB store. Instead of one index key per span per
// indexed field (which would cap ingest near 57k spans/s on this machine kind), an Accept call
// writes ONE key per (posting type, term, slot) it touches, holding a compact posting for each
// trace it saw there. A batch of 100 spans from one service thus writes a few dozen index keys.
//
// A posting says "trace T has a span with this term, and T's timestamp is at most `bound`": a
// search reads the postings of its most selective term in falling order of slot, then fetches
// and verifies candidate traces (trace_search.h). Postings are hints that may over-approximate
// (hash collisions, truncated terms, merged spans); they never miss a span that carries the term.
//
// Slots (ten seconds, keys.h) are those of the BOUND, not of the span's own timestamp, so every
// posting in a slot bounds its trace's timestamp below the slot's end: once `limit` verified traces
// are newer than a slot's end, no posting in it or in an older slot can displace them. The bound is
// exact (flag kRoot) when the batch holds the trace's root: the root's timestamp; otherwise the
// trace's earliest span in the batch plus kSkewAllowanceUs of clock skew (a root starts at most
// that long after any of its descendants).
//
// Posting layout in a group value (base = the group's slot start):
//   fixed64 trace_lo | fixed64 trace_hi | varint bound - base | varint duration | u8 flags
//   | fixed32 service hash (types kSpanName, kRemote, kTagKey, kAnnotation)
//   | fixed32 tag value hash (kTagKey)
// Tag values are kept as 32-bit hashes: a search for key=value compares 4 bytes per posting
// (collisions only add candidates, which verification rejects), and postings stay small.
//
// PostingsBuilder is not thread-safe (one per Accept call); the readers are.
#pragma once

#include <array>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "cairn/trace/span_record.h"
#include "lib/storage/rocksdb/coding.h"
#include "lib/storage/rocksdb/keys.h"

namespace cairn::storage::rdb {

// Stable 32-bit FNV-1a hash of a service name or tag value, stored in postings.
std::uint32_t ServiceHash(std::string_view service);
inline std::uint32_t ValueHash(std::string_view value) { return ServiceHash(value); }

// Whether postings of `type` carry the local service's hash.
inline bool CarriesServiceHash(PostingType type) {
  return type != PostingType::kAll && type != PostingType::kService;
}

// How much later than any of its descendants a root may start (clock skew between hosts).
inline constexpr std::int64_t kSkewAllowanceUs = 1'000'000;

struct Posting {
  // bound_us is the timestamp of a root of the trace (the earliest in the batch), so it bounds
  // the trace's timestamp exactly, without the skew allowance.
  static constexpr std::uint8_t kRoot = 1;

  std::uint64_t trace_lo = 0;
  std::uint64_t trace_hi = 0;
  // An upper bound of the trace's timestamp (see above).
  std::int64_t bound_us = 0;
  std::int64_t duration_us = 0;  // the longest merged span's
  std::uint8_t flags = 0;
  std::uint32_t service_hash = 0;
  std::uint32_t value_hash = 0;  // kTagKey: ValueHash of the tag value
};

class PostingsBuilder {
 public:
  // Adds the postings of one span of a trace whose timestamp is at most `bound_us` (`exact`: the
  // timestamp of one of its roots). Every span of a trace in the batch gets the same bound.
  // Views into `span` must stay valid until the groups are emitted.
  void AddSpan(const trace::SpanRecord& span, std::int64_t bound_us, bool exact);

  // Calls emit(key, value) for every group, keys built with `seq`.
  void Emit(std::uint64_t seq,
            const std::function<void(std::string_view, std::string_view)>& emit) const;

  std::size_t group_count() const { return groups_.size(); }

 private:
  struct TermKey {
    PostingType type;
    std::string_view term;   // truncated to kMaxTermBytes; views into the spans
    std::uint8_t partition;  // kTagKey: TagPartition of the value hash, else 0
    friend bool operator==(const TermKey&, const TermKey&) = default;
  };
  struct TermKeyHash {
    std::size_t operator()(const TermKey& key) const {
      return (std::hash<std::string_view>{}(key.term) * 31 + static_cast<std::size_t>(key.type)) *
                 31 +
             key.partition;
    }
  };
  struct Group {
    TermKey term;
    std::uint32_t slot;
    std::vector<Posting> postings;
  };

  void Add(PostingType type, std::string_view term, std::uint32_t slot, const Posting& posting);

  // Term -> its groups (one per slot of the batch's traces, so usually a short list).
  std::unordered_map<TermKey, std::vector<std::size_t>, TermKeyHash> terms_;
  std::vector<Group> groups_;
  std::array<std::pair<TermKey, std::vector<std::size_t>*>, 32> recent_terms_{};
};

// Reads the postings of one group value of `type` in `slot`. Next() returns false at the end or
// on a malformed value (then ok() is false).
class PostingReader {
 public:
  PostingReader(PostingType type, std::uint32_t slot, std::string_view value);

  bool Next(Posting& posting);
  bool ok() const { return ok_; }

 private:
  PostingType type_;
  std::int64_t base_us_;
  Reader reader_;
  bool ok_ = true;
};

}  // namespace cairn::storage::rdb
