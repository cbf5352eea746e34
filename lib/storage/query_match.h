// Zipkin's trace search semantics (zipkin2.storage.QueryRequest.test), shared by every store so
// they all answer GET /api/v2/traces alike. A store narrows candidates with its indexes however it
// likes, then calls TraceMatches on each candidate trace's spans.
//
// Rules (zipkin-reference §1.3):
// - the trace's timestamp is its root span's (a span without parentId), or else the earliest span
//   timestamp; it must lie in [(end_ts_ms - lookback_ms) * 1000, end_ts_ms * 1000] microseconds
//   (bounds inclusive; a trace without any timestamp never matches);
// - when service_name is set, only spans whose local service is service_name count for every
//   other criterion, and at least one such span must exist;
// - remote_service_name and span_name must each equal the field of some counted span;
// - every annotationQuery term must be satisfied by some counted span (different spans may satisfy
//   different terms): key=value by a tag with that key and value; a bare key by an annotation with
//   that value or a tag with that key;
// - min/max duration: some counted span has min <= duration <= max (a span without duration
//   has duration 0).
// Zipkin takes the first root in storage order; with several roots this takes the earliest one,
// which is the same span when spans are ordered by timestamp as SpanStore returns them.
//
// Thread-safe: the functions keep no state.
#pragma once

#include <cstdint>
#include <span>

#include "cairn/trace/span_record.h"
#include "lib/storage/span_store.h"

namespace cairn::storage {

// Accumulates a trace's timestamp span by span, in any order: the earliest root span timestamp,
// or the earliest timestamp of any span when no root has one; 0 when no span has a timestamp.
class TraceTimestamp {
 public:
  void Add(std::int64_t timestamp_us, bool is_root);
  void Add(const trace::SpanRecord& span) { Add(span.timestamp_us, span.parent_id == 0); }
  std::int64_t value() const { return earliest_root_ != 0 ? earliest_root_ : earliest_; }

 private:
  std::int64_t earliest_root_ = 0;
  std::int64_t earliest_ = 0;
};

std::int64_t TraceTimestampOf(std::span<const trace::SpanRecord* const> spans);

// A query's window in microseconds: [(end - lookback) * 1000, end * 1000], both inclusive,
// computed without overflow (saturating) for any end_ts_ms and lookback_ms.
struct TimeWindow {
  std::int64_t begin_us = 0;
  std::int64_t end_us = 0;

  // A trace timestamp of 0 (no span has one) is never in a window.
  bool Contains(std::int64_t timestamp_us) const {
    return timestamp_us > 0 && timestamp_us >= begin_us && timestamp_us <= end_us;
  }
};
TimeWindow WindowOf(std::int64_t end_ts_ms, std::int64_t lookback_ms);

inline bool InTimeWindow(std::int64_t trace_timestamp_us, std::int64_t end_ts_ms,
                         std::int64_t lookback_ms) {
  return WindowOf(end_ts_ms, lookback_ms).Contains(trace_timestamp_us);
}

// Whether the request constrains span fields beyond service_name (remote service, span name,
// annotationQuery, duration). When false, a store that knows each trace's timestamp and local
// service names can decide a match without decoding spans: in window and (no service_name or
// some span's local service equals it).
bool NeedsSpanFields(const QueryRequest& request);

// QueryRequest.test: whether the spans of one trace match the request. A max_duration_us without
// min_duration_us (rejected by request validation) acts as an upper bound alone.
bool TraceMatches(const QueryRequest& request, std::span<const trace::SpanRecord* const> spans);

}  // namespace cairn::storage
