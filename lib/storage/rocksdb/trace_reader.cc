#include "lib/storage/rocksdb/trace_reader.h"

#include <algorithm>
#include <memory>

#include "lib/storage/rocksdb/keys.h"

namespace cairn::storage::rdb {

Status TraceReader::Read(std::uint64_t lo, std::optional<std::uint64_t> hi,
                         std::vector<TraceSpan>& out, std::vector<Contribution>* contributions) {
  // Prefix iteration (the span families' hash memtables need it) stops at the end of `lo`'s
  // keys by itself; the loop stops at the end of `hi`'s.
  const std::string seek = hi ? SpanGroupKey(lo, *hi, 0) : SpanPrefix(lo);
  if (iterators_.empty()) iterators_.resize(buckets_.size());
  std::vector<StoredSpan> spans;
  for (std::size_t b = 0; b < buckets_.size(); ++b) {
    const BucketPtr& bucket = buckets_[b];
    std::unique_ptr<rocksdb::Iterator>& it = iterators_[b];
    if (it == nullptr) {
      rocksdb::ReadOptions options;
      options.snapshot = snapshot_;
      options.prefix_same_as_start = true;
      it.reset(db_->NewIterator(options, bucket->spans()));
    }
    for (it->Seek(seek); it->Valid(); it->Next()) {
      if (IsContributionKey(it->key().ToStringView())) {
        if (contributions != nullptr) {
          storage_.emplace_back(it->value().ToStringView());
          contributions->push_back({b, storage_.back()});
        }
        continue;
      }
      std::optional<SpanGroupKeyParts> key = ParseSpanGroupKey(it->key().ToStringView());
      if (!key || key->trace_lo != lo) break;
      if (hi && key->trace_hi != *hi) break;
      storage_.emplace_back(it->value().ToStringView());
      spans.clear();
      if (!DecodeSpanGroup(storage_.back(), spans)) {
        return Internal("corrupt span group in " + bucket->spans()->GetName());
      }
      for (const StoredSpan& span : spans) out.push_back({key->trace_hi, span});
    }
    if (!it->status().ok()) {
      return Unavailable("reading spans from " + bucket->spans()->GetName() + ": " +
                         it->status().ToString());
    }
  }
  return Status::Ok();
}

Trace TraceReader::ToTrace(std::vector<TraceSpan>& spans) {
  std::stable_sort(spans.begin(), spans.end(), [](const TraceSpan& a, const TraceSpan& b) {
    if (a.span.timestamp_us != b.span.timestamp_us) {
      return a.span.timestamp_us < b.span.timestamp_us;
    }
    return a.span.id < b.span.id;
  });
  Trace trace;
  trace.reserve(spans.size());
  for (const TraceSpan& span : spans) trace.emplace_back(span.span.json);
  return trace;
}

}  // namespace cairn::storage::rdb
