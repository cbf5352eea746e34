// SpanStore: where cairn-server keeps spans, and every query the Zipkin API needs.
//
// Implementations: mem (bounded, evicts oldest traces), rocksdb (embedded default, durable),
// postgres (shared by several servers, later). All of them pass the same conformance suite
// (lib/storage/testing/span_store_conformance.h).
//
// Contract:
// - Accept() stores a batch of normalised spans (see lib/codec normalisation) atomically: on OK the
//   whole batch is durable as far as the implementation promises (rocksdb: in the write-ahead log,
//   so it survives kill -9 of the process); on error nothing of the batch is visible.
// - Spans are returned exactly as accepted, as Zipkin v2 JSON objects (lib/model encoding), so a
//   query response is the concatenation of stored bytes. Within a trace, spans are ordered by
//   (timestamp, id); a span accepted twice (same trace id, id, shared flag and local service)
//   is returned once per Accept call (duplicates are harmless to Zipkin clients).
// - Reads never block on writes or compactions for longer than a read of the data itself.
// - Thread-safe: any number of concurrent readers and writers.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/trace/ids.h"
#include "cairn/trace/span_record.h"
#include "cairn/trace/status.h"

namespace cairn::storage {

// One trace: its spans, each a Zipkin v2 JSON object.
using Trace = std::vector<std::string>;

// Zipkin's QueryRequest after validation (apps/server validates the HTTP parameters with Zipkin's
// exact messages before building this). Names are already lower-cased; empty = absent.
struct QueryRequest {
  std::string service_name;
  std::string remote_service_name;
  std::string span_name;
  // annotationQuery terms: key=value (value set) or a bare key/annotation value (value absent).
  struct Term {
    std::string key;
    std::optional<std::string> value;
  };
  std::vector<Term> annotation_query;
  std::int64_t min_duration_us = 0;  // 0: absent
  std::int64_t max_duration_us = 0;  // 0: absent
  std::int64_t end_ts_ms = 0;        // > 0
  std::int64_t lookback_ms = 0;      // > 0
  int limit = 10;                    // > 0
};

struct DependencyLink {
  std::string parent;
  std::string child;
  std::uint64_t call_count = 0;
  std::uint64_t error_count = 0;

  friend bool operator==(const DependencyLink&, const DependencyLink&) = default;
};

class SpanStore {
 public:
  virtual ~SpanStore() = default;

  virtual Status Accept(std::span<const trace::SpanRecord* const> spans) = 0;

  // Traces matching the request (Zipkin's QueryRequest.test semantics), newest first by the
  // trace's root (or earliest) timestamp, at most request.limit.
  virtual Result<std::vector<Trace>> GetTraces(const QueryRequest& request) = 0;
  // The trace, or an empty Trace when unknown. With strict_trace_id off, a 64-bit id also
  // matches 128-bit ids with the same lower half.
  virtual Result<Trace> GetTrace(const trace::TraceId& trace_id) = 0;
  // Known traces among `ids` (unknown ones omitted), in any order.
  virtual Result<std::vector<Trace>> GetTraces(std::span<const trace::TraceId> ids) = 0;

  virtual Result<std::vector<std::string>> GetServiceNames() = 0;
  virtual Result<std::vector<std::string>> GetSpanNames(std::string_view service_name) = 0;
  virtual Result<std::vector<std::string>> GetRemoteServiceNames(
      std::string_view service_name) = 0;
  // Sorted distinct values of a tag key (only keys configured for autocomplete are indexed).
  virtual Result<std::vector<std::string>> GetAutocompleteValues(std::string_view key) = 0;

  // Links between services for traces in [end_ts_ms - lookback_ms, end_ts_ms].
  virtual Result<std::vector<DependencyLink>> GetDependencies(std::int64_t end_ts_ms,
                                                              std::int64_t lookback_ms) = 0;

  // OK when the store can serve reads and writes; Unavailable with a reason otherwise (/health).
  virtual Status Check() = 0;
  // A short name for /health details, e.g. "RocksDBStorage{/var/lib/cairn}".
  virtual std::string Describe() const = 0;
};

// Options shared by the implementations (Zipkin's names in comments).
struct StoreOptions {
  bool strict_trace_id = true;            // STRICT_TRACE_ID
  bool search_enabled = true;             // SEARCH_ENABLED
  std::vector<std::string> autocomplete_keys;  // AUTOCOMPLETE_KEYS
};

}  // namespace cairn::storage
