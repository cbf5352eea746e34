#include "lib/storage/rocksdb/link_store.h"

#include <algorithm>
#include <limits>
#include <memory>
#include <tuple>
#include <utility>

#include "lib/storage/dependency_linker.h"
#include "lib/storage/query_match.h"
#include "lib/storage/rocksdb/coding.h"
#include "lib/storage/rocksdb/keys.h"

namespace cairn::storage::rdb {
namespace {

constexpr LinkLevel kLevels[] = {LinkLevel::kHour, LinkLevel::kMinute, LinkLevel::kSecond};
constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();

void EncodeLinks(const std::vector<DependencyLink>& links, std::string& out) {
  PutVarint64(out, links.size());
  for (const DependencyLink& link : links) {
    PutLengthPrefixed(out, link.parent);
    PutLengthPrefixed(out, link.child);
    PutVarint64(out, link.call_count);
    PutVarint64(out, link.error_count);
  }
}

bool DecodeLinks(Reader& reader, std::vector<DependencyLink>& links) {
  std::uint64_t count = 0;
  if (!reader.ReadVarint64(count) || count > reader.remaining()) return false;
  for (std::uint64_t i = 0; i < count; ++i) {
    std::string_view parent;
    std::string_view child;
    DependencyLink link;
    if (!reader.ReadLengthPrefixed(parent) || !reader.ReadLengthPrefixed(child) ||
        !reader.ReadVarint64(link.call_count) || !reader.ReadVarint64(link.error_count)) {
      return false;
    }
    link.parent = parent;
    link.child = child;
    links.push_back(std::move(link));
  }
  return true;
}

std::int64_t FloorTo(std::int64_t value, std::int64_t unit) { return value / unit * unit; }
std::int64_t CeilTo(std::int64_t value, std::int64_t unit) {
  const std::int64_t floor = FloorTo(value, unit);
  return floor == value ? value : (floor > kMax - unit ? kMax : floor + unit);
}

using LinkSums = std::map<std::pair<std::string, std::string>, LinkCounts>;

void AddTo(LinkSums& sums, std::string_view parent, std::string_view child, std::int64_t calls,
           std::int64_t errors) {
  LinkCounts& counts = sums[{std::string(parent), std::string(child)}];
  counts.calls += calls;
  counts.errors += errors;
}

Status ScanCounters(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* deps,
                    const rocksdb::ReadOptions& base, LinkLevel level, std::int64_t from,
                    std::int64_t to, LinkSums& sums) {
  const std::string start = LinkCounterSeekKey(level, from);
  const std::string end = LinkCounterSeekKey(level, to);
  rocksdb::Slice end_slice(end);
  rocksdb::ReadOptions options = base;
  options.iterate_upper_bound = &end_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, deps));
  for (it->Seek(start); it->Valid(); it->Next()) {
    std::optional<LinkCounterKeyParts> key = ParseLinkCounterKey(it->key().ToStringView());
    std::optional<LinkCounts> counts = DecodeLinkCounts(it->value().ToStringView());
    if (!key || !counts) return Internal("corrupt dependency counter in " + deps->GetName());
    AddTo(sums, key->parent, key->child, counts->calls, counts->errors);
  }
  if (!it->status().ok()) return Unavailable("reading dependencies: " + it->status().ToString());
  return Status::Ok();
}

Status ScanTraceLinks(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* deps,
                      const rocksdb::ReadOptions& base, std::int64_t from_us, std::int64_t to_us,
                      LinkSums& sums) {
  const std::string start = TraceLinksSeekKey(from_us);
  const std::string end = TraceLinksSeekKey(to_us);
  rocksdb::Slice end_slice(end);
  rocksdb::ReadOptions options = base;
  options.iterate_upper_bound = &end_slice;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(options, deps));
  std::vector<DependencyLink> links;
  for (it->Seek(start); it->Valid(); it->Next()) {
    links.clear();
    Reader reader(it->value().ToStringView());
    if (!DecodeLinks(reader, links)) return Internal("corrupt trace links in " + deps->GetName());
    for (const DependencyLink& link : links) {
      AddTo(sums, link.parent, link.child, static_cast<std::int64_t>(link.call_count),
            static_cast<std::int64_t>(link.error_count));
    }
  }
  if (!it->status().ok()) return Unavailable("reading dependencies: " + it->status().ToString());
  return Status::Ok();
}

}  // namespace

std::vector<TraceLinks> LinkSpans(std::span<const trace::SpanRecord* const> spans, bool strict) {
  std::vector<const trace::SpanRecord*> sorted(spans.begin(), spans.end());
  if (strict) {
    std::stable_sort(sorted.begin(), sorted.end(),
                     [](const trace::SpanRecord* a, const trace::SpanRecord* b) {
                       return a->trace_id.high < b->trace_id.high;
                     });
  }
  std::vector<TraceLinks> traces;
  for (std::size_t begin = 0; begin < sorted.size();) {
    std::size_t end = begin + 1;
    while (end < sorted.size() &&
           (!strict || sorted[end]->trace_id.high == sorted[begin]->trace_id.high)) {
      ++end;
    }
    const std::span<const trace::SpanRecord* const> trace(sorted.data() + begin, end - begin);
    begin = end;
    TraceLinks links;
    links.trace_hi = strict ? trace.front()->trace_id.high : 0;
    links.timestamp_us = TraceTimestampOf(trace);
    if (links.timestamp_us <= 0) continue;  // never in any window, as in Zipkin
    links.links = DependencyLinker().PutTrace(trace).Link();
    if (!links.links.empty()) traces.push_back(std::move(links));
  }
  return traces;
}

std::string EncodeContribution(const std::vector<TraceLinks>& traces) {
  std::string value;
  for (const TraceLinks& trace : traces) {
    PutVarint64(value, trace.trace_hi);
    PutVarint64(value, static_cast<std::uint64_t>(trace.timestamp_us));
    EncodeLinks(trace.links, value);
  }
  return value;
}

std::optional<std::vector<TraceLinks>> DecodeContribution(std::string_view value) {
  std::vector<TraceLinks> traces;
  Reader reader(value);
  while (!reader.empty()) {
    TraceLinks trace;
    std::uint64_t timestamp = 0;
    if (!reader.ReadVarint64(trace.trace_hi) || !reader.ReadVarint64(timestamp) || timestamp == 0 ||
        timestamp > static_cast<std::uint64_t>(kMax) || !DecodeLinks(reader, trace.links)) {
      return std::nullopt;
    }
    trace.timestamp_us = static_cast<std::int64_t>(timestamp);
    traces.push_back(std::move(trace));
  }
  return traces;
}

std::size_t LinkDeltas::CounterKeyHash::operator()(const CounterKey& key) const {
  const std::hash<std::string_view> hash;
  return ((hash(key.parent) * 31 + hash(key.child)) * 31 + static_cast<std::size_t>(key.index)) *
             31 +
         static_cast<std::size_t>(key.level);
}

void LinkDeltas::Add(std::uint64_t trace_lo, const TraceLinks& trace, int sign) {
  const TraceLinks& kept = traces_.emplace_back(trace);
  for (const DependencyLink& link : kept.links) {
    for (LinkLevel level : kLevels) {
      LinkCounts& counts = counters_[CounterKey{level, kept.timestamp_us / LinkLevelMicros(level),
                                                link.parent, link.child}];
      counts.calls += sign * static_cast<std::int64_t>(link.call_count);
      counts.errors += sign * static_cast<std::int64_t>(link.error_count);
    }
  }
  Record& record = records_.emplace_back();
  record.key = TraceLinksKey(kept.timestamp_us, trace_lo, kept.trace_hi);
  if (sign > 0) {
    record.value.emplace();
    EncodeLinks(kept.links, *record.value);
  }
}

void LinkDeltas::WriteTo(rocksdb::WriteBatch& batch, rocksdb::ColumnFamilyHandle* deps) const {
  // Key order makes consecutive memtable inserts land next to each other.
  std::vector<std::pair<std::string, LinkCounts>> counters;
  counters.reserve(counters_.size());
  for (const auto& [key, counts] : counters_) {
    if (counts.calls == 0 && counts.errors == 0) continue;
    counters.emplace_back(LinkCounterKey(key.level, key.index, key.parent, key.child), counts);
  }
  std::sort(counters.begin(), counters.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  for (const auto& [key, counts] : counters) {
    (void)batch.Merge(deps, key, EncodeLinkCounts(counts));
  }
  // Stable: for one key, a later Add (the new links) must be written after an earlier one.
  std::vector<const Record*> records;
  records.reserve(records_.size());
  for (const Record& record : records_) records.push_back(&record);
  std::stable_sort(records.begin(), records.end(),
                   [](const Record* a, const Record* b) { return a->key < b->key; });
  for (const Record* record : records) {
    if (record->value) {
      (void)batch.Put(deps, record->key, *record->value);
    } else {
      (void)batch.Delete(deps, record->key);
    }
  }
}

Result<std::vector<DependencyLink>> ReadDependencies(rocksdb::DB* db,
                                                     rocksdb::ColumnFamilyHandle* deps,
                                                     std::int64_t end_ts_ms,
                                                     std::int64_t lookback_ms) {
  // The window as half-open microseconds [begin, end), clamped to non-negative time.
  const std::int64_t end_ms = std::clamp<std::int64_t>(end_ts_ms, 0, kMax / 1000 - 1);
  const std::int64_t begin_ms = std::clamp<std::int64_t>(
      lookback_ms >= end_ms ? 0 : end_ms - std::max<std::int64_t>(lookback_ms, 0), 0, end_ms);
  std::int64_t begin = begin_ms * 1000;
  std::int64_t end = end_ms * 1000 + 1;

  rocksdb::ManagedSnapshot snapshot(db);
  rocksdb::ReadOptions options;
  options.snapshot = snapshot.snapshot();
  LinkSums sums;
  // Peel the window from the finest resolution inwards: exact records for the parts not covering
  // whole seconds, then whole seconds not covering whole minutes, and so on; whatever whole hours
  // remain in the middle are read from hour counters.
  const std::int64_t second = LinkLevelMicros(LinkLevel::kSecond);
  std::int64_t inner_begin = CeilTo(begin, second);
  std::int64_t inner_end = FloorTo(end, second);
  if (inner_begin >= inner_end) {
    Status status = ScanTraceLinks(db, deps, options, begin, end, sums);
    if (!status.ok()) return status;
  } else {
    for (auto [from, to] : {std::pair{begin, inner_begin}, std::pair{inner_end, end}}) {
      if (from >= to) continue;
      Status status = ScanTraceLinks(db, deps, options, from, to, sums);
      if (!status.ok()) return status;
    }
    begin = inner_begin;
    end = inner_end;
    for (LinkLevel level : {LinkLevel::kSecond, LinkLevel::kMinute}) {
      const std::int64_t unit = LinkLevelMicros(level);
      const std::int64_t coarser = level == LinkLevel::kSecond ? LinkLevelMicros(LinkLevel::kMinute)
                                                               : LinkLevelMicros(LinkLevel::kHour);
      inner_begin = CeilTo(begin, coarser);
      inner_end = FloorTo(end, coarser);
      if (inner_begin >= inner_end) {
        Status status = ScanCounters(db, deps, options, level, begin / unit, end / unit, sums);
        if (!status.ok()) return status;
        begin = end;
        break;
      }
      for (auto [from, to] : {std::pair{begin, inner_begin}, std::pair{inner_end, end}}) {
        if (from >= to) continue;
        Status status = ScanCounters(db, deps, options, level, from / unit, to / unit, sums);
        if (!status.ok()) return status;
      }
      begin = inner_begin;
      end = inner_end;
    }
    if (begin < end) {
      const std::int64_t hour = LinkLevelMicros(LinkLevel::kHour);
      Status status =
          ScanCounters(db, deps, options, LinkLevel::kHour, begin / hour, end / hour, sums);
      if (!status.ok()) return status;
    }
  }

  std::vector<DependencyLink> links;
  for (auto& [names, counts] : sums) {
    if (counts.calls <= 0) continue;
    links.push_back({names.first, names.second, static_cast<std::uint64_t>(counts.calls),
                     static_cast<std::uint64_t>(std::max<std::int64_t>(counts.errors, 0))});
  }
  return links;
}

Status DeleteLinksBefore(rocksdb::DB* db, rocksdb::ColumnFamilyHandle* deps,
                         std::int64_t cutoff_us) {
  if (cutoff_us <= 0) return Status::Ok();
  rocksdb::WriteBatch batch;
  for (LinkLevel level : kLevels) {
    (void)batch.DeleteRange(deps, LinkCounterSeekKey(level, 0),
                            LinkCounterSeekKey(level, cutoff_us / LinkLevelMicros(level)));
  }
  (void)batch.DeleteRange(deps, TraceLinksSeekKey(0), TraceLinksSeekKey(cutoff_us));
  rocksdb::Status status = db->Write(rocksdb::WriteOptions(), &batch);
  if (!status.ok()) return Unavailable("expiring dependency links: " + status.ToString());
  return Status::Ok();
}

}  // namespace cairn::storage::rdb
