#include "lib/storage/rocksdb/trace_reader.h"

#include <algorithm>
#include <memory>

#include "lib/storage/rocksdb/keys.h"

namespace cairn::storage::rdb {

Status TraceReader::Read(std::uint64_t lo, std::optional<std::uint64_t> hi,
                         std::vector<TraceSpan>& out) {
  const std::string prefix = SpanPrefix(lo);
  const std::string seek = hi ? SpanGroupKey(lo, *hi, 0) : prefix;
  const std::string upper = hi ? SpanGroupKey(lo, *hi, UINT64_MAX) + '\0' : PrefixSuccessor(prefix);
  rocksdb::Slice upper_slice(upper);
  rocksdb::ReadOptions options;
  options.snapshot = snapshot_;
  options.prefix_same_as_start = true;
  options.iterate_upper_bound = upper.empty() ? nullptr : &upper_slice;
  for (const BucketPtr& bucket : buckets_) {
    std::unique_ptr<rocksdb::Iterator> it(db_->NewIterator(options, bucket->spans()));
    for (it->Seek(seek); it->Valid(); it->Next()) {
      std::optional<SpanGroupKeyParts> key = ParseSpanGroupKey(it->key().ToStringView());
      if (!key || key->trace_lo != lo) break;
      if (hi && key->trace_hi != *hi) break;
      storage_.emplace_back(it->value().ToStringView());
      std::vector<StoredSpan> spans;
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
