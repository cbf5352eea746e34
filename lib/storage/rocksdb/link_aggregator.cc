#include "lib/storage/rocksdb/link_aggregator.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <limits>
#include <map>
#include <optional>
#include <string>

#include "lib/storage/dependency_linker.h"
#include "lib/storage/query_match.h"
#include "lib/storage/rocksdb/keys.h"
#include "lib/storage/rocksdb/link_store.h"
#include "lib/storage/rocksdb/trace_reader.h"

namespace cairn::storage::rdb {
namespace {

constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();

}  // namespace

LinkAggregator::LinkAggregator(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* default_family,
                               rocksdb::ColumnFamilyHandle* deps, BucketSet* buckets,
                               DirtyTracker* dirty, trace::Clock* clock, Options options)
    : db_(db),
      default_family_(default_family),
      deps_(deps),
      buckets_(buckets),
      dirty_(dirty),
      clock_(clock),
      options_(options) {}

Status LinkAggregator::Run(bool ignore_quiet_period) {
  std::lock_guard<std::mutex> lock(run_mutex_);
  const std::int64_t now_ns = clock_->MonotonicNanos();
  const std::int64_t quiet_before =
      ignore_quiet_period
          ? std::numeric_limits<std::int64_t>::max()
          : (now_ns < kMin + options_.quiet_period_ns ? kMin : now_ns - options_.quiet_period_ns);
  while (!stopping_.load(std::memory_order_relaxed)) {
    std::vector<DirtyTracker::Entry> chunk =
        dirty_->TakeQuiet(quiet_before, options_.traces_per_write);
    if (chunk.empty()) return Status::Ok();
    Status status = LinkChunk(chunk);
    if (!status.ok()) {
      dirty_->Restore(chunk, clock_->MonotonicNanos());
      return status;
    }
  }
  return Status::Ok();
}

Status LinkAggregator::LinkChunk(const std::vector<DirtyTracker::Entry>& chunk) {
  // The lease keeps buckets from being dropped while this batch may write into them.
  Result<BucketSet::WriteLease> lease = buckets_->LeaseForWrite(clock_->NowMicros());
  if (!lease.ok()) return lease.status();
  const std::vector<BucketPtr> buckets = buckets_->Live();
  rocksdb::ManagedSnapshot snapshot(db_);
  TraceReader reader(db_, buckets, snapshot.snapshot());

  rocksdb::WriteBatch batch;
  LinkDeltas deltas;
  std::vector<TraceSpan> spans;
  std::vector<TraceReader::Contribution> found;
  std::vector<trace::SpanRecordPtr> records;
  std::vector<const trace::SpanRecord*> pointers;
  for (const DirtyTracker::Entry& entry : chunk) {
    const std::string key = ContributionKey(entry.trace_lo);
    rocksdb::ColumnFamilyHandle* current = lease->bucket->spans();
    if (entry.known_links.has_value()) {
      // Nothing of the trace was stored before the one batch that wrote it: its links are known
      // without reading it back, and there is no earlier contribution to replace.
      std::optional<std::vector<TraceLinks>> known = DecodeContribution(*entry.known_links);
      if (known && !known->empty()) {
        for (const TraceLinks& trace : *known) deltas.Add(entry.trace_lo, trace, +1);
        (void)batch.Put(current, key, *entry.known_links);
      }
      continue;
    }
    spans.clear();
    found.clear();
    reader.Reset();
    Status status = reader.Read(entry.trace_lo, std::nullopt, spans, &found);
    if (status.code() == StatusCode::kInternal) {
      corrupt_traces_.fetch_add(1);  // retrying cannot help; the rest of the chunk goes on
      continue;
    }
    if (!status.ok()) return status;

    // Linking reads the spans' binary headers, not their JSON.
    records.clear();
    pointers.clear();
    for (const TraceSpan& span : spans) {
      records.push_back(LinkRecord(span.span, trace::TraceId{span.trace_hi, entry.trace_lo}));
      pointers.push_back(records.back().get());
    }
    std::vector<TraceLinks> contribution = LinkSpans(pointers, options_.strict_trace_id);

    // The previous contribution: normally one record, in the bucket that was current then
    // (buckets are newest first, so the first one found is the latest).
    std::vector<TraceLinks> previous;
    if (!found.empty()) {
      std::optional<std::vector<TraceLinks>> decoded = DecodeContribution(found.front().value);
      if (decoded) previous = std::move(*decoded);
    }
    if (previous == contribution && found.size() <= 1 &&
        (found.empty() || buckets[found.front().bucket]->spans() == current)) {
      continue;
    }
    for (const TraceLinks& trace : previous) deltas.Add(entry.trace_lo, trace, -1);
    for (const TraceLinks& trace : contribution) deltas.Add(entry.trace_lo, trace, +1);
    for (const TraceReader::Contribution& old : found) {
      (void)batch.Delete(buckets[old.bucket]->spans(), key);
    }
    if (!contribution.empty()) (void)batch.Put(current, key, EncodeContribution(contribution));
  }
  deltas.WriteTo(batch, deps_);
  // Every queue entry below the watermark is linked once this batch is written.
  const std::uint64_t watermark = dirty_->Watermark();
  if (watermark > queue_deleted_below_) {
    (void)batch.DeleteRange(default_family_, DirtyKey(queue_deleted_below_), DirtyKey(watermark));
  }
  rocksdb::Status status = db_->Write(rocksdb::WriteOptions(), &batch);
  if (!status.ok()) return Unavailable("writing dependency links: " + status.ToString());
  queue_deleted_below_ = std::max(queue_deleted_below_, watermark);
  return Status::Ok();
}

}  // namespace cairn::storage::rdb
