#include "lib/storage/rocksdb/trace_search.h"

#include <algorithm>
#include <deque>
#include <limits>
#include <memory>
#include <queue>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "lib/storage/query_match.h"
#include "lib/storage/rocksdb/keys.h"
#include "lib/storage/rocksdb/postings.h"
#include "lib/storage/rocksdb/trace_reader.h"
#include "lib/storage/stored_span.h"

namespace cairn::storage::rdb {
namespace {

constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

std::int64_t SaturatingAdd(std::int64_t a, std::int64_t b) {
  if (b > 0 && a > kMax - b) return kMax;
  if (b < 0 && a < kMin - b) return kMin;
  return a + b;
}

std::int64_t MillisToMicros(std::int64_t ms) {
  if (ms > kMax / 1000) return kMax;
  if (ms < kMin / 1000) return kMin;
  return ms * 1000;
}

// Which postings drive the search, and what a posting must satisfy to name a candidate.
struct Stream {
  PostingType type;
  std::string term;
  std::uint8_t partition = 0;
};
struct Driver {
  std::vector<Stream> streams;
  bool check_service = false;  // postings carry a service hash that must equal service_hash
  std::uint32_t service_hash = 0;
  bool check_value = false;  // kTagKey postings must carry value_hash
  std::uint32_t value_hash = 0;
  std::int64_t min_duration_us = 0;  // kAll / kService postings: longest span >= this
  // A posting proves everything but the trace timestamp (then spans need not be decoded).
  bool exact = false;
};

Driver ChooseDriver(const QueryRequest& request) {
  Driver driver;
  const std::string& service = request.service_name;
  driver.check_service = !service.empty();
  driver.service_hash = ServiceHash(service);
  const QueryRequest::Term* tag_term = nullptr;
  const QueryRequest::Term* bare_term = nullptr;
  for (const QueryRequest::Term& term : request.annotation_query) {
    const bool bare = !term.value.has_value() || term.value->empty();
    if (bare && bare_term == nullptr) bare_term = &term;
    if (!bare && tag_term == nullptr) tag_term = &term;
  }
  if (tag_term != nullptr) {
    driver.check_value = true;
    driver.value_hash = ValueHash(*tag_term->value);
    driver.streams.push_back(
        {PostingType::kTagKey, tag_term->key, TagPartition(driver.value_hash)});
  } else if (bare_term != nullptr) {
    for (int partition = 0; partition < kTagPartitions; ++partition) {
      driver.streams.push_back(
          {PostingType::kTagKey, bare_term->key, static_cast<std::uint8_t>(partition)});
    }
    driver.streams.push_back({PostingType::kAnnotation, bare_term->key});
  } else if (!request.span_name.empty()) {
    driver.streams.push_back({PostingType::kSpanName, request.span_name});
  } else if (!request.remote_service_name.empty()) {
    driver.streams.push_back({PostingType::kRemote, request.remote_service_name});
  } else if (!service.empty()) {
    driver.streams.push_back({PostingType::kService, service});
    driver.check_service = false;  // the term is the service
    driver.min_duration_us = request.min_duration_us;
    driver.exact = !NeedsSpanFields(request) && service.size() <= kMaxTermBytes;
  } else {
    driver.streams.push_back({PostingType::kAll, std::string()});
    driver.min_duration_us = request.min_duration_us;
    driver.exact = !NeedsSpanFields(request);
  }
  return driver;
}

bool Accepts(const Driver& driver, PostingType type, const Posting& posting) {
  if (driver.check_service && CarriesServiceHash(type) &&
      posting.service_hash != driver.service_hash) {
    return false;
  }
  if (driver.check_value && type == PostingType::kTagKey &&
      posting.value_hash != driver.value_hash) {
    return false;
  }
  return driver.min_duration_us <= 0 || posting.duration_us >= driver.min_duration_us;
}

// One posting stream of one bucket, positioned at its current group.
struct Cursor {
  PostingType type;
  std::size_t prefix_size;
  std::string upper;  // iterate_upper_bound storage
  rocksdb::Slice upper_slice;
  std::unique_ptr<rocksdb::Iterator> it;
  std::uint32_t slot = 0;
};

struct CandidateKey {
  std::uint64_t lo;
  std::uint64_t hi;
  friend bool operator==(const CandidateKey&, const CandidateKey&) = default;
};
struct CandidateKeyHash {
  std::size_t operator()(const CandidateKey& key) const {
    return std::hash<std::uint64_t>{}(key.lo * 0x9e3779b97f4a7c15ULL ^ key.hi);
  }
};

struct Found {
  std::int64_t timestamp_us;
  Trace trace;
};
// Min-heap on timestamp: the weakest kept result on top.
struct NewerFirst {
  bool operator()(const Found& a, const Found& b) const { return a.timestamp_us > b.timestamp_us; }
};

class Search {
 public:
  Search(rocksdb::DB* db, const std::vector<BucketPtr>& buckets, const QueryRequest& request,
         bool strict, const SearchTuning& tuning)
      : db_(db),
        buckets_(buckets),
        request_(request),
        strict_(strict),
        tuning_(tuning),
        snapshot_(db),
        reader_(db, buckets, snapshot_.snapshot()) {}

  Result<std::vector<Trace>> Run();

 private:
  Status OpenCursors(const Driver& driver, std::uint32_t top_slot);
  // Fetches and verifies one candidate; adds it to the results when it matches.
  Status Verify(const Driver& driver, const CandidateKey& key);
  bool Full() const { return found_.size() >= static_cast<std::size_t>(request_.limit); }
  std::int64_t WeakestFound() const { return found_.front().timestamp_us; }

  rocksdb::DB* db_;
  const std::vector<BucketPtr>& buckets_;
  const QueryRequest& request_;
  const bool strict_;
  const SearchTuning& tuning_;
  rocksdb::ManagedSnapshot snapshot_;
  TraceReader reader_;
  // A deque: iterators keep pointers to their cursor's upper bound, which must not move.
  std::deque<Cursor> cursors_;
  std::vector<Found> found_;  // heap (NewerFirst)
  std::vector<TraceSpan> spans_;
};

Status Search::OpenCursors(const Driver& driver, std::uint32_t top_slot) {
  for (const auto& [type, term, partition] : driver.streams) {
    const std::string prefix = PostingTermPrefix(type, term, partition);
    for (const BucketPtr& bucket : buckets_) {
      Cursor& cursor = cursors_.emplace_back();
      cursor.type = type;
      cursor.prefix_size = prefix.size();
      cursor.upper = PrefixSuccessor(prefix);
      cursor.upper_slice = rocksdb::Slice(cursor.upper);
      rocksdb::ReadOptions options;
      options.snapshot = snapshot_.snapshot();
      options.iterate_upper_bound = &cursor.upper_slice;
      cursor.it.reset(db_->NewIterator(options, bucket->index()));
      cursor.it->Seek(PostingSeekKey(prefix, top_slot));
      if (!cursor.it->status().ok()) {
        return Unavailable("searching " + bucket->index()->GetName() + ": " +
                           cursor.it->status().ToString());
      }
    }
  }
  return Status::Ok();
}

Status Search::Verify(const Driver& driver, const CandidateKey& key) {
  spans_.clear();
  reader_.Reset();
  Status status = reader_.Read(key.lo, strict_ ? std::optional(key.hi) : std::nullopt, spans_);
  if (!status.ok()) return status;
  if (spans_.empty()) return Status::Ok();
  TraceTimestamp timestamp;
  for (const TraceSpan& span : spans_) timestamp.Add(span.span.timestamp_us, span.span.root);
  if (!InTimeWindow(timestamp.value(), request_.end_ts_ms, request_.lookback_ms)) {
    return Status::Ok();
  }
  if (Full() && timestamp.value() <= WeakestFound()) return Status::Ok();
  if (!driver.exact) {
    std::vector<std::string_view> json;
    json.reserve(spans_.size());
    for (const TraceSpan& span : spans_) json.push_back(span.span.json);
    Result<codec::SpanList> decoded = DecodeStoredSpans(json);
    if (!decoded.ok()) return decoded.status();
    if (!TraceMatches(request_, SpanPointers(*decoded))) return Status::Ok();
  }
  if (Full()) {
    std::pop_heap(found_.begin(), found_.end(), NewerFirst());
    found_.pop_back();
  }
  found_.push_back({timestamp.value(), TraceReader::ToTrace(spans_)});
  std::push_heap(found_.begin(), found_.end(), NewerFirst());
  return Status::Ok();
}

Result<std::vector<Trace>> Search::Run() {
  const Driver driver = ChooseDriver(request_);
  const std::int64_t end_us = MillisToMicros(request_.end_ts_ms);
  const std::int64_t begin_us =
      MillisToMicros(request_.lookback_ms > 0 && request_.end_ts_ms < kMin + request_.lookback_ms
                         ? kMin
                         : request_.end_ts_ms - request_.lookback_ms);
  // Postings are filed by their bound (postings.h). A trace in the window has bounds at or after
  // its start; bounds after the window's end come from spans that started later than the root
  // (or from the skew allowance), which are looked for up to late_slack after the end.
  const std::uint32_t top_slot =
      PostingSlotOf(SaturatingAdd(end_us, tuning_.late_slack_us + kSkewAllowanceUs));
  const std::uint32_t bottom_slot = PostingSlotOf(begin_us);
  Status status = OpenCursors(driver, top_slot);
  if (!status.ok()) return status;

  auto later_slot = [this](std::size_t a, std::size_t b) {
    return cursors_[a].slot < cursors_[b].slot;
  };
  std::priority_queue<std::size_t, std::vector<std::size_t>, decltype(later_slot)> heap(later_slot);
  auto push_if_valid = [&](std::size_t i) -> Status {
    Cursor& cursor = cursors_[i];
    if (!cursor.it->Valid()) {
      if (!cursor.it->status().ok()) {
        return Unavailable("searching postings: " + cursor.it->status().ToString());
      }
      return Status::Ok();
    }
    std::optional<std::uint32_t> slot =
        PostingGroupSlot(cursor.it->key().ToStringView(), cursor.prefix_size);
    if (!slot) return Internal("corrupt posting key in the search index");
    cursor.slot = *slot;
    heap.push(i);
    return Status::Ok();
  };
  for (std::size_t i = 0; i < cursors_.size(); ++i) {
    status = push_if_valid(i);
    if (!status.ok()) return status;
  }

  std::unordered_set<CandidateKey, CandidateKeyHash> seen;
  std::unordered_map<CandidateKey, std::int64_t, CandidateKeyHash> slot_candidates;
  std::vector<std::pair<std::int64_t, CandidateKey>> ordered;
  bool done = false;
  while (!heap.empty() && !done) {
    const std::uint32_t slot = cursors_[heap.top()].slot;
    if (slot < bottom_slot) break;
    // Every unread posting bounds its trace below the end of this slot.
    if (Full() && WeakestFound() >= PostingSlotStartMicros(slot) + kPostingSlotMicros) break;
    slot_candidates.clear();
    while (!heap.empty() && cursors_[heap.top()].slot == slot) {
      const std::size_t i = heap.top();
      heap.pop();
      Cursor& cursor = cursors_[i];
      PostingReader postings(cursor.type, slot, cursor.it->value().ToStringView());
      Posting posting;
      while (postings.Next(posting)) {
        if (!Accepts(driver, cursor.type, posting)) continue;
        const CandidateKey key{posting.trace_lo, strict_ ? posting.trace_hi : 0};
        if (seen.contains(key)) continue;
        auto [it, inserted] = slot_candidates.try_emplace(key, posting.bound_us);
        if (!inserted) it->second = std::min(it->second, posting.bound_us);
      }
      if (!postings.ok()) return Internal("corrupt posting list in the search index");
      cursor.it->Next();
      status = push_if_valid(i);
      if (!status.ok()) return status;
    }
    ordered.clear();
    for (const auto& [key, bound] : slot_candidates) ordered.emplace_back(bound, key);
    std::sort(ordered.begin(), ordered.end(),
              [](const auto& a, const auto& b) { return a.first > b.first; });
    for (const auto& [bound, key] : ordered) {
      // Candidates come in falling order of their bound, and every older slot's bounds are
      // lower still: once the weakest result beats one, nothing unread can displace a result.
      if (Full() && WeakestFound() >= bound) {
        done = true;
        break;
      }
      seen.insert(key);
      status = Verify(driver, key);
      if (!status.ok()) return status;
    }
  }

  std::sort(found_.begin(), found_.end(),
            [](const Found& a, const Found& b) { return a.timestamp_us > b.timestamp_us; });
  std::vector<Trace> traces;
  traces.reserve(found_.size());
  for (Found& found : found_) traces.push_back(std::move(found.trace));
  return traces;
}

}  // namespace

Result<std::vector<Trace>> SearchTraces(rocksdb::DB* db, const std::vector<BucketPtr>& buckets,
                                        const QueryRequest& request, bool strict_trace_id,
                                        const SearchTuning& tuning) {
  if (request.limit <= 0) return std::vector<Trace>{};
  Search search(db, buckets, request, strict_trace_id, tuning);
  return search.Run();
}

}  // namespace cairn::storage::rdb
