// Posting lists: the search index of the RocksDB store. Instead of one index key per span per
// indexed field (which would cap ingest near 57k spans/s on this machine kind), an Accept call
// writes ONE key per (posting type, term, minute) it touches, holding a compact posting for each
// trace it saw there. A batch of 100 spans from one service thus writes a few dozen index keys.
//
// A posting says "trace T has a span with this term at about this time": a search reads the
// postings of its most selective term newest-first, then fetches and verifies candidate traces
// (trace_search.h). Postings are hints that may over-approximate (hash collisions, truncated
// terms, merged spans); they never miss a span that carries the term.
//
// Posting layout in a group value (minute base = the group's minute start):
//   fixed64 trace_lo | varint trace_hi | varint timestamp - base | varint duration | u8 flags
//   | fixed32 service hash (types kSpanName, kRemote, kTagKey, kAnnotation)
//   | varint size + tag value (kTagKey; at most kMaxTermBytes, flag kTruncated when cut)
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

// Stable 32-bit FNV-1a hash of a service name, stored in postings.
std::uint32_t ServiceHash(std::string_view service);

// Whether postings of `type` carry the local service's hash.
inline bool CarriesServiceHash(PostingType type) {
  return type != PostingType::kAll && type != PostingType::kService;
}

struct Posting {
  // Some merged span is a root with a timestamp; timestamp_us is then the earliest such root's,
  // which bounds the trace's timestamp from above exactly (no clock-skew allowance needed).
  static constexpr std::uint8_t kRoot = 1;
  static constexpr std::uint8_t kTruncated = 2;  // value holds only the first kMaxTermBytes

  std::uint64_t trace_lo = 0;
  std::uint64_t trace_hi = 0;
  // The earliest merged root's (see kRoot), else the earliest merged span's (or a substitute
  // for spans without timestamp, see BatchBuilder).
  std::int64_t timestamp_us = 0;
  std::int64_t duration_us = 0;  // the longest merged span's
  std::uint8_t flags = 0;
  std::uint32_t service_hash = 0;
  std::string_view value;  // kTagKey: the tag value
};

class PostingsBuilder {
 public:
  // Adds the postings of one span (of trace lo/hi) at `timestamp_us`, which the caller has made
  // non-zero. Views into `span` must stay valid until the groups are emitted.
  void AddSpan(const trace::SpanRecord& span, std::int64_t timestamp_us);

  // Calls emit(key, value) for every group, keys built with `seq`.
  void Emit(std::uint64_t seq,
            const std::function<void(std::string_view, std::string_view)>& emit) const;

  std::size_t group_count() const { return groups_.size(); }

 private:
  struct TermKey {
    PostingType type;
    std::string_view term;  // truncated to kMaxTermBytes; views into the spans
    friend bool operator==(const TermKey&, const TermKey&) = default;
  };
  struct TermKeyHash {
    std::size_t operator()(const TermKey& key) const {
      return std::hash<std::string_view>{}(key.term) * 31 + static_cast<std::size_t>(key.type);
    }
  };
  struct Group {
    TermKey term;
    std::uint32_t minute;
    std::vector<Posting> postings;
  };

  void Add(PostingType type, std::string_view term, std::uint32_t minute, const Posting& posting);

  // Term -> its groups (usually one minute each, so a short list).
  std::unordered_map<TermKey, std::vector<std::size_t>, TermKeyHash> terms_;
  std::vector<Group> groups_;
  std::array<std::pair<TermKey, std::vector<std::size_t>*>, 32> recent_terms_{};
};

// Reads the postings of one group value of `type`. Next() returns false at the end or on a
// malformed value (then ok() is false).
class PostingReader {
 public:
  PostingReader(PostingType type, std::uint32_t minute, std::string_view value);

  bool Next(Posting& posting);
  bool ok() const { return ok_; }

 private:
  PostingType type_;
  std::int64_t base_us_;
  Reader reader_;
  bool ok_ = true;
};

}  // namespace cairn::storage::rdb
