#include "lib/storage/rocksdb/batch_builder.h"

#include <algorithm>
#include <tuple>
#include <unordered_map>

#include "lib/storage/rocksdb/coding.h"
#include "lib/storage/rocksdb/keys.h"
#include "lib/storage/rocksdb/postings.h"
#include "lib/storage/rocksdb/span_group.h"

namespace cairn::storage::rdb {
namespace {

bool SameTrace(const trace::SpanRecord* a, const trace::SpanRecord* b) {
  return a->trace_id == b->trace_id;
}

// Whether the group entry appended at `entry_start` repeats an earlier entry byte for byte (then
// it is dropped: a span reported twice in one batch is stored once, as Zipkin's stores do;
// fragments of one span that differ are all kept). Remembers the entry otherwise.
bool IsCopy(const std::string& value, std::size_t entry_start,
            std::unordered_multimap<std::size_t, std::size_t>& entries) {
  const std::string_view entry = std::string_view(value).substr(entry_start);
  // The header (id, timestamp, size) and the start of the JSON tell nearly all entries apart;
  // equal hashes get a full comparison.
  const std::size_t hash = std::hash<std::string_view>{}(entry.substr(0, 64));
  auto [begin, end] = entries.equal_range(hash);
  for (auto it = begin; it != end; ++it) {
    const std::size_t other_start = it->second;
    // The entry headers hold the JSON size, so equal bytes over the new entry's length mean
    // equal entries.
    if (value.size() - entry_start <= entry_start - other_start &&
        std::string_view(value).substr(other_start, entry.size()) == entry) {
      return true;
    }
  }
  entries.emplace(hash, entry_start);
  return false;
}

}  // namespace

BatchBuilder::BatchBuilder(const StoreOptions& options,
                           std::span<const trace::SpanRecord* const> spans)
    : options_(options), spans_(spans.begin(), spans.end()) {
  std::stable_sort(spans_.begin(), spans_.end(),
                   [](const trace::SpanRecord* a, const trace::SpanRecord* b) {
                     return std::tie(a->trace_id.low, a->trace_id.high) <
                            std::tie(b->trace_id.low, b->trace_id.high);
                   });
  for (const trace::SpanRecord* span : spans_) {
    // JSON and group header, plus postings (about a quarter of the JSON) when searchable.
    approximate_bytes_ += span->ApproximateBytes() * (options_.search_enabled ? 5 : 4) / 4 + 32;
    if (trace_los_.empty() || trace_los_.back() != span->trace_id.low) {
      trace_los_.push_back(span->trace_id.low);
    }
  }
}

void BatchBuilder::Build(std::uint64_t seq, Bucket& bucket, std::int64_t now_us,
                         rocksdb::ColumnFamilyHandle* default_family, rocksdb::WriteBatch& batch,
                         std::vector<std::string>& new_names) {
  PostingsBuilder postings;
  std::vector<const trace::SpanRecord*> group;
  std::unordered_multimap<std::size_t, std::size_t> copies;  // entry hash -> entry start
  std::string value;
  for (std::size_t begin = 0; begin < spans_.size();) {
    std::size_t end = begin + 1;
    while (end < spans_.size() && SameTrace(spans_[begin], spans_[end])) ++end;
    group.assign(spans_.begin() + static_cast<std::ptrdiff_t>(begin),
                 spans_.begin() + static_cast<std::ptrdiff_t>(end));
    begin = end;

    value.clear();
    copies.clear();
    std::int64_t earliest = 0;
    std::int64_t earliest_root = 0;
    for (const trace::SpanRecord* span : group) {
      const std::size_t entry_start = value.size();
      AppendToSpanGroup(*span, value);
      if (group.size() > 1 && IsCopy(value, entry_start, copies)) {
        value.resize(entry_start);  // a byte-identical copy of a span earlier in the batch
        continue;
      }
      const std::int64_t ts = span->timestamp_us;
      if (ts > 0 && (earliest == 0 || ts < earliest)) earliest = ts;
      if (ts > 0 && span->parent_id == 0 && (earliest_root == 0 || ts < earliest_root)) {
        earliest_root = ts;
      }
    }
    const trace::TraceId& id = group.front()->trace_id;
    (void)batch.Put(bucket.spans(), SpanGroupKey(id.low, id.high, seq), value);

    if (!options_.search_enabled) continue;
    // Every posting of the trace bounds its timestamp the same way (postings.h): exactly by a
    // root in the batch, else by the earliest span plus the skew allowance (ingest time when no
    // span has a timestamp: search verifies the trace's real timestamp anyway).
    const bool exact = earliest_root > 0;
    const std::int64_t bound =
        exact ? earliest_root : (earliest > 0 ? earliest : now_us) + kSkewAllowanceUs;
    for (const trace::SpanRecord* span : group) {
      postings.AddSpan(*span, bound, exact);
      CollectNames(*span);
    }
  }

  if (options_.search_enabled) {
    postings.Emit(seq, [&](std::string_view key, std::string_view posting_value) {
      (void)batch.Put(bucket.index(), key, posting_value);
    });
    std::vector<std::string> keys;
    NameKeys(keys);
    std::unique_lock<std::mutex> lock = bucket.LockNames();
    for (std::string& key : keys) {
      if (bucket.written_names().contains(key)) continue;
      (void)batch.Put(bucket.index(), key, rocksdb::Slice());
      new_names.push_back(std::move(key));
    }
  }

  std::string los;
  los.reserve(trace_los_.size() * 8);
  for (std::uint64_t lo : trace_los_) PutFixed64BE(los, lo);
  (void)batch.Put(default_family, DirtyKey(seq), los);
}

void BatchBuilder::CollectNames(const trace::SpanRecord& span) {
  const SpanNames names{span.local_endpoint.service_name, span.name,
                        span.remote_endpoint.service_name};
  if (!names.service.empty()) {
    // Most spans repeat the names of a recent span: one comparison usually saves the hashing.
    SpanNames& recent = recent_names_[names.service.size() % recent_names_.size()];
    if (!(recent == names)) {
      recent = names;
      span_names_.insert(names);
    }
  }
  if (options_.autocomplete_keys.empty()) return;
  for (const trace::TagView& tag : span.tags()) {
    if (std::find(options_.autocomplete_keys.begin(), options_.autocomplete_keys.end(), tag.key) !=
        options_.autocomplete_keys.end()) {
      autocomplete_.insert({tag.key, tag.value});
    }
  }
}

void BatchBuilder::NameKeys(std::vector<std::string>& keys) const {
  std::unordered_set<std::string> distinct;
  auto add = [&](std::string key) {
    if (distinct.insert(key).second) keys.push_back(std::move(key));
  };
  for (const SpanNames& names : span_names_) {
    add(ServiceNameKey(names.service));
    if (!names.name.empty()) add(PairNameKey(kSpanNameTag, names.service, names.name));
    if (!names.remote.empty()) add(PairNameKey(kRemoteNameTag, names.service, names.remote));
  }
  for (const auto& [key, value] : autocomplete_) add(PairNameKey(kAutocompleteTag, key, value));
}

}  // namespace cairn::storage::rdb
