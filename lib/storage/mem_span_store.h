// MemSpanStore: STORAGE_TYPE=mem, cairn's counterpart of Zipkin's InMemoryStorage
// (zipkin-reference §3.2): everything in process memory, lost on restart, bounded by a span count.
//
// Behaviour, as Zipkin's:
// - Spans are grouped by the lower 64 bits of their trace id. With strict_trace_id, reads split a
//   group by full trace id; without, 64-bit and 128-bit ids with the same lower half are one trace.
// - When accepting a batch would exceed max_spans, whole traces are evicted first, oldest trace
//   timestamp first (traces without any timestamp count as oldest). A batch larger than max_spans
//   evicts everything else and is kept whole.
// - Indexes (only with search_enabled): local service -> traces, span names and remote service
//   names per local service, and values of the configured autocomplete keys (at most
//   kMaxAutocompleteValues per key; Zipkin keeps them unbounded). A service's span and remote
//   names are dropped when its last trace is evicted; autocomplete values are kept, as in Zipkin.
// - Dependencies are computed on the fly with DependencyLinker over the traces whose timestamp is
//   in range, grouping by the lower 64 bits whatever strict_trace_id says (as Zipkin: otherwise
//   one trace could count twice).
// Deviation: with strict_trace_id, search candidates are chosen by the timestamp of the whole
// lower-64-bit group, so a 128-bit trace sharing its lower half with an older 64-bit one may be
// missed at the edge of a window (mixed id widths are a migration corner case).
//
// Thread-safety: a reader-writer lock. Accept takes it exclusively for the in-memory insert only
// (encoding happens before); readers hold it shared just long enough to copy pointers to the
// immutable stored spans, and decode and match outside it, so long searches never stall writers.
#pragma once

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "lib/storage/query_match.h"
#include "lib/storage/span_store.h"

namespace cairn::storage {

class MemSpanStore final : public SpanStore {
 public:
  static constexpr std::size_t kDefaultMaxSpans = 500000;  // MEM_MAX_SPANS
  static constexpr std::size_t kMaxAutocompleteValues = 20000;

  // max_spans: at least 1 (0 is treated as 1; the config layer rejects it with Zipkin's
  // "maxSpanCount <= 0").
  explicit MemSpanStore(StoreOptions options = {}, std::size_t max_spans = kDefaultMaxSpans);
  ~MemSpanStore() override;

  Status Accept(std::span<const trace::SpanRecord* const> spans) override;
  Result<std::vector<Trace>> GetTraces(const QueryRequest& request) override;
  Result<Trace> GetTrace(const trace::TraceId& trace_id) override;
  Result<std::vector<Trace>> GetTraces(std::span<const trace::TraceId> ids) override;
  Result<std::vector<std::string>> GetServiceNames() override;
  Result<std::vector<std::string>> GetSpanNames(std::string_view service_name) override;
  Result<std::vector<std::string>> GetRemoteServiceNames(std::string_view service_name) override;
  Result<std::vector<std::string>> GetAutocompleteValues(std::string_view key) override;
  Result<std::vector<DependencyLink>> GetDependencies(std::int64_t end_ts_ms,
                                                      std::int64_t lookback_ms) override;
  Status Check() override { return Status::Ok(); }
  std::string Describe() const override { return "InMemoryStorage{}"; }

  std::size_t span_count() const;
  std::size_t trace_count() const;  // groups by lower 64 bits

 private:
  // Immutable once stored; shared with readers that copied the pointer.
  struct StoredSpan {
    trace::TraceId trace_id;
    trace::SpanId id = 0;
    std::int64_t timestamp_us = 0;
    bool is_root = false;
    std::string local_service;
    std::string json;
  };
  using SpanPtr = std::shared_ptr<const StoredSpan>;
  using SpanList = std::vector<SpanPtr>;
  // All spans whose trace id has the same lower 64 bits.
  struct Group {
    SpanList spans;  // by (timestamp, id); accept order among equals
    TraceTimestamp timestamp;
    std::int64_t indexed_timestamp = 0;  // its key in by_time_
    std::vector<std::string> services;   // distinct local services, for index removal
  };
  // (group timestamp, lower 64 bits): by_time_ orders groups for search and eviction.
  using TimeKey = std::pair<std::int64_t, std::uint64_t>;
  using NameSet = std::set<std::string, std::less<>>;
  using NameIndex = std::map<std::string, NameSet, std::less<>>;

  void InsertLocked(const trace::SpanRecord& record, SpanPtr stored);
  void EvictOldestLocked();
  // Candidate groups for a search or a dependency computation, newest first.
  std::vector<std::uint64_t> CandidatesLocked(const TimeWindow& window,
                                              std::string_view service_name) const;
  // The spans of each still-present group among `lows`, in the same order.
  std::vector<SpanList> SnapshotLocked(std::span<const std::uint64_t> lows) const;
  SpanList SnapshotLocked(std::uint64_t low) const;
  // Splits a group into traces as strict_trace_id says.
  std::vector<SpanList> SplitTraces(SpanList spans) const;
  std::vector<std::string> NamesOf(const NameIndex& index, std::string_view service) const;

  const StoreOptions options_;
  const std::size_t max_spans_;
  const std::unordered_set<std::string> autocomplete_keys_;

  mutable std::shared_mutex mu_;
  std::unordered_map<std::uint64_t, Group> groups_;
  std::set<TimeKey> by_time_;
  std::map<std::string, std::unordered_set<std::uint64_t>, std::less<>> service_groups_;
  NameIndex span_names_;
  NameIndex remote_names_;
  NameIndex autocomplete_;
  std::size_t span_count_ = 0;
};

}  // namespace cairn::storage
