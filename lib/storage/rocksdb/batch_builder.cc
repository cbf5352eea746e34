#include "lib/storage/rocksdb/batch_builder.h"

#include <algorithm>
#include <tuple>
#include <unordered_set>

#include "lib/storage/rocksdb/coding.h"
#include "lib/storage/rocksdb/keys.h"
#include "lib/storage/rocksdb/postings.h"
#include "lib/storage/rocksdb/span_group.h"

namespace cairn::storage::rdb {
namespace {

bool SameTrace(const trace::SpanRecord* a, const trace::SpanRecord* b) {
  return a->trace_id == b->trace_id;
}

// The identity a stored copy of a span has (SpanStore's contract).
auto SpanIdentity(const trace::SpanRecord* span) {
  return std::make_tuple(span->id, span->shared, span->local_endpoint.service_name);
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
  std::string value;
  for (std::size_t begin = 0; begin < spans_.size();) {
    std::size_t end = begin + 1;
    while (end < spans_.size() && SameTrace(spans_[begin], spans_[end])) ++end;
    group.assign(spans_.begin() + static_cast<std::ptrdiff_t>(begin),
                 spans_.begin() + static_cast<std::ptrdiff_t>(end));
    begin = end;

    if (group.size() > 1) {
      std::stable_sort(group.begin(), group.end(),
                       [](const trace::SpanRecord* a, const trace::SpanRecord* b) {
                         return SpanIdentity(a) < SpanIdentity(b);
                       });
      // Keep the last of each run of equal identities (stable sort kept batch order).
      std::size_t kept = 0;
      for (std::size_t i = 0; i < group.size(); ++i) {
        if (i + 1 < group.size() && SpanIdentity(group[i]) == SpanIdentity(group[i + 1])) continue;
        group[kept++] = group[i];
      }
      group.resize(kept);
    }

    value.clear();
    std::int64_t earliest = 0;
    for (const trace::SpanRecord* span : group) {
      AppendToSpanGroup(*span, value);
      if (span->timestamp_us > 0 && (earliest == 0 || span->timestamp_us < earliest)) {
        earliest = span->timestamp_us;
      }
    }
    const trace::TraceId& id = group.front()->trace_id;
    (void)batch.Put(bucket.spans(), SpanGroupKey(id.low, id.high, seq), value);

    if (!options_.search_enabled) continue;
    // A span without timestamp is indexed at its trace's earliest one in the batch, else at
    // ingest time: search verifies the trace's real timestamp anyway.
    const std::int64_t fallback = earliest > 0 ? earliest : now_us;
    for (const trace::SpanRecord* span : group) {
      postings.AddSpan(*span, span->timestamp_us > 0 ? span->timestamp_us : fallback);
      CollectNames(*span);
    }
  }

  if (options_.search_enabled) {
    postings.Emit(seq, [&](std::string_view key, std::string_view posting_value) {
      (void)batch.Put(bucket.index(), key, posting_value);
    });
    std::unique_lock<std::mutex> lock = bucket.LockNames();
    for (const std::string& key : name_keys_) {
      if (bucket.written_names().contains(key)) continue;
      (void)batch.Put(bucket.index(), key, rocksdb::Slice());
      new_names.push_back(key);
    }
  }

  std::string los;
  los.reserve(trace_los_.size() * 8);
  for (std::uint64_t lo : trace_los_) PutFixed64BE(los, lo);
  (void)batch.Put(default_family, DirtyKey(seq), los);
}

void BatchBuilder::AddName(char tag, std::string_view first, std::string_view second) {
  scratch_.clear();
  scratch_.push_back(tag);
  if (tag != kServiceNameTag) PutFixed32BE(scratch_, static_cast<std::uint32_t>(first.size()));
  scratch_.append(first);
  scratch_.append(second);
  if (name_keys_.find(std::string_view(scratch_)) == name_keys_.end()) {
    name_keys_.insert(scratch_);
  }
}

void BatchBuilder::CollectNames(const trace::SpanRecord& span) {
  const std::string_view service = span.local_endpoint.service_name;
  if (!service.empty()) {
    AddName(kServiceNameTag, service, {});
    if (!span.name.empty()) AddName(kSpanNameTag, service, span.name);
    if (!span.remote_endpoint.service_name.empty()) {
      AddName(kRemoteNameTag, service, span.remote_endpoint.service_name);
    }
  }
  if (options_.autocomplete_keys.empty()) return;
  for (const trace::TagView& tag : span.tags()) {
    if (std::find(options_.autocomplete_keys.begin(), options_.autocomplete_keys.end(),
                  tag.key) != options_.autocomplete_keys.end()) {
      AddName(kAutocompleteTag, tag.key, tag.value);
    }
  }
}

}  // namespace cairn::storage::rdb
