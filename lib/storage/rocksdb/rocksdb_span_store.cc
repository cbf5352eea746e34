#include "lib/storage/rocksdb/rocksdb_span_store.h"

#include <algorithm>
#include <set>
#include <utility>

#include "lib/codec/text.h"
#include "lib/storage/rocksdb/batch_builder.h"
#include "lib/storage/rocksdb/bucket_set.h"
#include "lib/storage/rocksdb/db_open.h"
#include "lib/storage/rocksdb/db_options.h"
#include "lib/storage/rocksdb/dirty_tracker.h"
#include "lib/storage/rocksdb/keys.h"
#include "lib/storage/rocksdb/link_aggregator.h"
#include "lib/storage/rocksdb/link_store.h"
#include "lib/storage/rocksdb/name_index.h"
#include "lib/storage/rocksdb/trace_reader.h"
#include "lib/storage/rocksdb/trace_search.h"

namespace cairn::storage {
namespace {

constexpr std::int64_t kMicrosPerHour = 3'600'000'000;

Status ValidateOptions(const RocksDBStoreOptions& options) {
  if (options.retention.count() <= 0) return InvalidArgument("retention must be positive");
  if (options.bucket_length.count() <= 0) return InvalidArgument("bucket length must be positive");
  if (options.link_quiet_period.count() < 0) {
    return InvalidArgument("link quiet period must not be negative");
  }
  if (options.background_maintenance && options.maintenance_interval.count() <= 0) {
    return InvalidArgument("maintenance interval must be positive");
  }
  if (options.write_buffer_bytes < (1 << 20)) {
    return InvalidArgument("write buffer must be at least 1 MiB");
  }
  return Status::Ok();
}

std::string LowerCase(std::string_view text) {
  if (!codec::MayNeedLowerCase(text)) return std::string(text);
  std::string lowered;
  codec::AppendLowerCaseRoot(text, lowered);
  return lowered;
}

}  // namespace

RocksDBSpanStore::RocksDBSpanStore(RocksDBStoreOptions options)
    : options_(std::move(options)),
      clock_(options_.clock != nullptr ? options_.clock : &trace::SystemClock()) {}

Result<std::unique_ptr<RocksDBSpanStore>> RocksDBSpanStore::Open(RocksDBStoreOptions options) {
  Status valid = ValidateOptions(options);
  if (!valid.ok()) return valid;
  std::unique_ptr<RocksDBSpanStore> store(new RocksDBSpanStore(std::move(options)));
  Status status = store->Init();
  if (!status.ok()) return status;
  return store;
}

Status RocksDBSpanStore::Init() {
  rdb::Tuning tuning;
  tuning.block_cache_bytes = options_.block_cache_bytes;
  tuning.write_buffer_bytes = options_.write_buffer_bytes;
  family_options_ = std::make_unique<rdb::FamilyOptions>(tuning);
  Result<rdb::OpenedDb> opened = rdb::OpenDb(options_.path, *family_options_);
  if (!opened.ok()) return opened.status();
  db_ = std::make_unique<rdb::OpenedDb>(std::move(opened).value());

  buckets_ = std::make_unique<rdb::BucketSet>(db_->db.get(), family_options_.get(),
                                              options_.bucket_length.count());
  Status status = buckets_->Adopt(db_->bucket_families);
  db_->bucket_families.clear();  // owned by the buckets now (or closed by CloseDb on error)
  if (!status.ok()) return status;

  dirty_ = std::make_unique<rdb::DirtyTracker>(db_->first_seq);
  const std::int64_t now_ns = clock_->MonotonicNanos();
  for (const auto& [seq, los] : db_->dirty_queue) dirty_->Recover(seq, los, now_ns);
  db_->dirty_queue.clear();

  rdb::LinkAggregator::Options link_options;
  link_options.strict_trace_id = options_.store.strict_trace_id;
  link_options.quiet_period_ns =
      std::chrono::duration_cast<std::chrono::nanoseconds>(options_.link_quiet_period).count();
  aggregator_ = std::make_unique<rdb::LinkAggregator>(db_->db.get(), db_->db->DefaultColumnFamily(),
                                                      db_->deps, buckets_.get(), dirty_.get(),
                                                      clock_, link_options);

  status = EnforceRetentionNow();
  if (!status.ok()) return status;
  if (options_.background_maintenance) {
    maintenance_thread_ = std::thread([this] { MaintenanceLoop(); });
  }
  return Status::Ok();
}

RocksDBSpanStore::~RocksDBSpanStore() {
  {
    std::lock_guard<std::mutex> lock(maintenance_mutex_);
    stopping_ = true;
  }
  // Linking stops after its current chunk; what is still dirty stays in the dirty queue and is
  // linked after the next open, so shutdown never waits for a linking backlog.
  if (aggregator_) aggregator_->Stop();
  maintenance_wake_.notify_all();
  if (maintenance_thread_.joinable()) maintenance_thread_.join();
  aggregator_.reset();
  if (buckets_) buckets_->Clear();
  if (db_) rdb::CloseDb(*db_);
}

void RocksDBSpanStore::MaintenanceLoop() {
  std::unique_lock<std::mutex> lock(maintenance_mutex_);
  while (!stopping_) {
    maintenance_wake_.wait_for(lock, options_.maintenance_interval);
    if (stopping_) break;
    lock.unlock();
    // Failures are retried on the next round; Check() reports the store's write health.
    (void)RunMaintenance();
    lock.lock();
  }
}

Status RocksDBSpanStore::RunMaintenance() {
  Status linked = aggregator_->Run(/*ignore_quiet_period=*/false);
  Status expired = Status::Ok();
  const std::int64_t cutoff =
      clock_->NowMicros() -
      std::chrono::duration_cast<std::chrono::microseconds>(options_.retention).count();
  bool due = false;
  {
    std::lock_guard<std::mutex> lock(retention_mutex_);
    due = cutoff - links_expired_before_us_ >= kMicrosPerHour;
  }
  std::vector<rdb::BucketPtr> live = buckets_->Live();
  if (due || (!live.empty() && live.back()->end_s() <= cutoff / 1'000'000)) {
    expired = EnforceRetentionNow();
  }
  return linked.ok() ? expired : linked;
}

Status RocksDBSpanStore::EnforceRetentionNow() {
  std::lock_guard<std::mutex> lock(retention_mutex_);
  const std::int64_t cutoff =
      clock_->NowMicros() -
      std::chrono::duration_cast<std::chrono::microseconds>(options_.retention).count();
  Result<int> dropped = buckets_->DropEndedBefore(cutoff);
  if (!dropped.ok()) return dropped.status();
  Status status = rdb::DeleteLinksBefore(db_->db.get(), db_->deps, cutoff);
  if (!status.ok()) return status;
  links_expired_before_us_ = cutoff;
  return Status::Ok();
}

Status RocksDBSpanStore::LinkDependenciesNow() {
  return aggregator_->Run(/*ignore_quiet_period=*/true);
}

Status RocksDBSpanStore::Accept(std::span<const trace::SpanRecord* const> spans) {
  if (spans.empty()) return Status::Ok();
  if (std::find(spans.begin(), spans.end(), nullptr) != spans.end()) {
    return InvalidArgument("null span in batch");
  }
  rdb::BatchBuilder builder(options_.store, spans);
  const std::int64_t now_us = clock_->NowMicros();
  Result<rdb::BucketSet::WriteLease> lease = buckets_->LeaseForWrite(now_us);
  if (!lease.ok()) return lease.status();

  std::vector<std::uint8_t> fresh;
  const std::uint64_t seq = dirty_->BeginWrite(builder.trace_los(), &fresh);
  std::vector<std::optional<std::string>> known_links = KnownLinks(builder, fresh);
  rocksdb::WriteBatch batch(builder.approximate_bytes());
  std::vector<std::string> new_names;
  builder.Build(seq, *lease->bucket, now_us, db_->db->DefaultColumnFamily(), batch, new_names);
  rocksdb::WriteOptions write_options;  // WAL on, no fsync: survives a process crash
  rocksdb::Status status = db_->db->Write(write_options, &batch);
  if (!status.ok()) known_links.clear();
  dirty_->EndWrite(builder.trace_los(), clock_->MonotonicNanos(), known_links);
  if (!status.ok()) {
    return Unavailable("cannot write spans to " + Describe() + ": " + status.ToString());
  }
  if (!new_names.empty()) {
    std::unique_lock<std::mutex> names_lock = lease->bucket->LockNames();
    auto& written = lease->bucket->written_names();
    if (written.size() + new_names.size() > rdb::kMaxRememberedNames) written.clear();
    for (std::string& name : new_names) written.insert(std::move(name));
  }
  return Status::Ok();
}

std::vector<std::optional<std::string>> RocksDBSpanStore::KnownLinks(
    const rdb::BatchBuilder& builder, const std::vector<std::uint8_t>& fresh) {
  const std::vector<std::uint64_t>& los = builder.trace_los();
  std::vector<std::optional<std::string>> known(los.size());
  if (std::find(fresh.begin(), fresh.end(), 1) == fresh.end()) return known;
  // Whether anything of a fresh trace is stored yet: for a new trace the prefix bloom filters
  // and the memtables' hash buckets answer without reading a block, unlike reading the trace
  // back at link time, which is what this saves.
  const std::vector<rdb::BucketPtr> buckets = buckets_->Live();
  std::vector<std::unique_ptr<rocksdb::Iterator>> iterators;
  iterators.reserve(buckets.size());
  rocksdb::ReadOptions read_options;
  read_options.prefix_same_as_start = true;
  read_options.fill_cache = false;
  for (const rdb::BucketPtr& bucket : buckets) {
    iterators.emplace_back(db_->db->NewIterator(read_options, bucket->spans()));
  }
  std::span<const trace::SpanRecord* const> spans = builder.spans();
  std::size_t at = 0;
  for (std::size_t i = 0; i < los.size(); ++i) {
    const std::size_t begin = at;
    while (at < spans.size() && spans[at]->trace_id.low == los[i]) ++at;
    if (!fresh[i]) continue;
    const std::string prefix = rdb::SpanPrefix(los[i]);
    bool stored = false;
    for (const std::unique_ptr<rocksdb::Iterator>& it : iterators) {
      it->Seek(prefix);
      // An error counts as "maybe stored": linking then reads the trace back.
      if (!it->status().ok() || (it->Valid() && it->key().starts_with(prefix))) {
        stored = true;
        break;
      }
    }
    if (stored) continue;
    known[i] = rdb::EncodeContribution(
        rdb::LinkSpans(spans.subspan(begin, at - begin), options_.store.strict_trace_id));
  }
  return known;
}

Result<Trace> RocksDBSpanStore::GetTrace(const trace::TraceId& trace_id) {
  if (!trace_id.IsValid()) return Trace{};
  // No explicit snapshot (it takes the DB mutex, which flushes and compactions hold at times):
  // each bucket's iterator reads at its own implicit one, and span groups are never changed.
  rdb::TraceReader reader(db_->db.get(), buckets_->Live(), nullptr);
  std::vector<rdb::TraceSpan> spans;
  Status status = reader.Read(
      trace_id.low, options_.store.strict_trace_id ? std::optional(trace_id.high) : std::nullopt,
      spans);
  if (!status.ok()) return status;
  return rdb::TraceReader::ToTrace(spans);
}

Result<std::vector<Trace>> RocksDBSpanStore::GetTraces(std::span<const trace::TraceId> ids) {
  const bool strict = options_.store.strict_trace_id;
  std::set<std::pair<std::uint64_t, std::uint64_t>> done;
  rdb::TraceReader reader(db_->db.get(), buckets_->Live(), nullptr);  // see GetTrace
  std::vector<Trace> traces;
  std::vector<rdb::TraceSpan> spans;
  for (const trace::TraceId& id : ids) {
    if (!id.IsValid() || !done.emplace(id.low, strict ? id.high : 0).second) continue;
    spans.clear();
    reader.Reset();
    Status status = reader.Read(id.low, strict ? std::optional(id.high) : std::nullopt, spans);
    if (!status.ok()) return status;
    if (!spans.empty()) traces.push_back(rdb::TraceReader::ToTrace(spans));
  }
  return traces;
}

Result<std::vector<Trace>> RocksDBSpanStore::GetTraces(const QueryRequest& request) {
  if (!options_.store.search_enabled) return std::vector<Trace>{};
  return rdb::SearchTraces(db_->db.get(), buckets_->Live(), request, options_.store.strict_trace_id,
                           rdb::SearchTuning{});
}

Result<std::vector<std::string>> RocksDBSpanStore::GetServiceNames() {
  if (!options_.store.search_enabled) return std::vector<std::string>{};
  return rdb::ReadNames(db_->db.get(), buckets_->Live(),
                        std::string_view(&rdb::kServiceNameTag, 1));
}

Result<std::vector<std::string>> RocksDBSpanStore::PairNames(char tag, std::string_view first) {
  if (!options_.store.search_enabled || first.empty()) return std::vector<std::string>{};
  return rdb::ReadNames(db_->db.get(), buckets_->Live(), rdb::PairNamePrefix(tag, first));
}

Result<std::vector<std::string>> RocksDBSpanStore::GetSpanNames(std::string_view service_name) {
  return PairNames(rdb::kSpanNameTag, LowerCase(service_name));
}

Result<std::vector<std::string>> RocksDBSpanStore::GetRemoteServiceNames(
    std::string_view service_name) {
  return PairNames(rdb::kRemoteNameTag, LowerCase(service_name));
}

Result<std::vector<std::string>> RocksDBSpanStore::GetAutocompleteValues(std::string_view key) {
  const std::vector<std::string>& keys = options_.store.autocomplete_keys;
  if (std::find(keys.begin(), keys.end(), key) == keys.end()) return std::vector<std::string>{};
  return PairNames(rdb::kAutocompleteTag, key);
}

Result<std::vector<DependencyLink>> RocksDBSpanStore::GetDependencies(std::int64_t end_ts_ms,
                                                                      std::int64_t lookback_ms) {
  if (end_ts_ms <= 0 || lookback_ms <= 0) return std::vector<DependencyLink>{};
  return rdb::ReadDependencies(db_->db.get(), db_->deps, end_ts_ms, lookback_ms);
}

Status RocksDBSpanStore::Check() {
  // A tiny WAL write: fails when the database went read-only after a background error (disk
  // full, I/O error) or cannot write at all.
  rocksdb::Status status =
      db_->db->Put(rocksdb::WriteOptions(), rdb::MetaKey("check"), rocksdb::Slice());
  if (!status.ok()) return Unavailable(Describe() + " cannot write: " + status.ToString());
  return Status::Ok();
}

std::string RocksDBSpanStore::Describe() const { return "RocksDBStorage{" + options_.path + "}"; }

RocksDBSpanStore::Stats RocksDBSpanStore::GetStats() const {
  Stats stats;
  stats.buckets = buckets_->Live().size();
  stats.dirty_traces = dirty_->size();
  stats.corrupt_traces = aggregator_->corrupt_traces();
  return stats;
}

}  // namespace cairn::storage
