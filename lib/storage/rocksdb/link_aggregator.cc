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
  for (;;) {
    std::vector<DirtyTracker::Entry> chunk =
        dirty_->TakeQuiet(quiet_before, options_.traces_per_write);
    if (chunk.empty()) return Status::Ok();
    Status status = LinkChunk(chunk);
    if (!status.ok()) {
      dirty_->Restore(chunk, clock_->MonotonicNanos());
      return status;
    }
  }
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
  for (const DirtyTracker::Entry& entry : chunk) {
    spans.clear();
    found.clear();
    reader.Reset();
    Status status = reader.Read(entry.trace_lo, std::nullopt, spans, &found);
    if (status.code() == StatusCode::kInternal) {
      corrupt_traces_.fetch_add(1);  // retrying cannot help; the rest of the chunk goes on
      continue;
    }
    if (!status.ok()) return status;

    // Group by upper half when ids are strict; one trace per lower half otherwise. Linking reads
    // the spans' binary headers, not their JSON.
    std::map<std::uint64_t, std::vector<trace::SpanRecordPtr>> traces;
    for (const TraceSpan& span : spans) {
      const std::uint64_t hi = options_.strict_trace_id ? span.trace_hi : 0;
      traces[hi].push_back(LinkRecord(span.span, trace::TraceId{span.trace_hi, entry.trace_lo}));
    }
    std::vector<TraceLinks> contribution;
    for (const auto& [hi, records] : traces) {
      std::vector<const trace::SpanRecord*> pointers;
      pointers.reserve(records.size());
      for (const trace::SpanRecordPtr& record : records) pointers.push_back(record.get());
      TraceLinks links;
      links.trace_hi = hi;
      links.timestamp_us = TraceTimestampOf(pointers);
      if (links.timestamp_us <= 0) continue;  // never in any window, as in Zipkin
      links.links = DependencyLinker().PutTrace(pointers).Link();
      if (!links.links.empty()) contribution.push_back(std::move(links));
    }

    // The previous contribution: normally one record, in the bucket that was current then
    // (buckets are newest first, so the first one found is the latest).
    std::vector<TraceLinks> previous;
    if (!found.empty()) {
      std::optional<std::vector<TraceLinks>> decoded = DecodeContribution(found.front().value);
      if (decoded) previous = std::move(*decoded);
    }
    const std::string key = ContributionKey(entry.trace_lo);
    rocksdb::ColumnFamilyHandle* current = lease->bucket->spans();
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
