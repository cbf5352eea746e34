// Test support: hand-built spans for store tests. MakeSpan builds a normalised SpanRecord (as the
// server's decoders would hand it to a store) from a compact description:
//
//   MakeSpan({.trace_id = "a", .id = "b", .parent_id = "a", .kind = SpanKind::kClient,
//             .name = "get", .timestamp_us = kTodayUs, .local_service = "frontend"});
#pragma once

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/trace/ids.h"
#include "cairn/trace/span_record.h"
#include "lib/storage/span_store.h"

namespace cairn::storage::testing {

// A fixed "now" for tests: 2023-11-14T22:13:20Z.
inline constexpr std::int64_t kTodayMs = 1700000000000;
inline constexpr std::int64_t kTodayUs = kTodayMs * 1000;
inline constexpr std::int64_t kDayMs = 86400000;

struct SpanSpec {
  std::string_view trace_id;   // 1-32 lower-hex chars, left-padded to 16 or 32 like Zipkin
  std::string_view id;         // 1-16 lower-hex chars
  std::string_view parent_id;  // empty: root
  trace::SpanKind kind = trace::SpanKind::kUnspecified;
  std::string_view name;
  std::int64_t timestamp_us = 0;
  std::int64_t duration_us = 0;
  std::string_view local_service;
  std::string_view remote_service;
  std::vector<std::pair<std::string, std::string>> tags;
  std::vector<std::pair<std::int64_t, std::string>> annotations;
  bool shared = false;
  bool debug = false;
  std::string_view local_ipv4;
  std::uint16_t local_port = 0;
  std::string_view remote_ipv6;
};

// Aborts the test binary on malformed ids (a bug in the test, not in the store).
trace::SpanRecordPtr MakeSpan(const SpanSpec& spec);

// A vector of move-only spans: Spans(MakeSpan({...}), MakeSpan({...})).
template <typename... T>
std::vector<trace::SpanRecordPtr> Spans(T&&... spans) {
  std::vector<trace::SpanRecordPtr> out;
  out.reserve(sizeof...(T));
  (out.push_back(std::forward<T>(spans)), ...);
  return out;
}

// A four-span trace of three services, root at `timestamp_us`:
//   1 SERVER frontend "get /" (350 ms; tags environment=prod, http.method=GET, http.path=/)
//   2 CLIENT frontend -> backend "get /api" (+50 ms, 250 ms)
//   2 SERVER backend "get /api", shared (+60 ms, 230 ms; remote frontend; tag http.method=GET)
//   3 CLIENT backend -> db "query" (+100 ms, 50 ms; tag error=timeout, annotations "wr", "ws";
//     environment=prod)
// Each service's spans share one local endpoint (frontend 172.17.0.13:8080, backend
// 172.17.0.14:9000), as real instrumentation reports them: the linker relies on that to put span
// 3 under backend's shared server span. Its links: frontend->backend (1 call) and backend->db
// (1 call, 1 error). Spans are returned in that (timestamp) order.
std::vector<trace::SpanRecordPtr> ThreeTierTrace(std::string_view trace_id,
                                                 std::int64_t timestamp_us);

// Zipkin's Span.normalizeTraceId on valid input, as a TraceId: "a" -> {0, 0xa}.
trace::TraceId TraceIdOf(std::string_view hex);

// The JSON a store must return for `span` (EncodeStoredSpan).
std::string Json(const trace::SpanRecord& span);
std::vector<std::string> Json(const std::vector<trace::SpanRecordPtr>& spans);

// The "traceId" of the first span of each trace (stored JSON starts with it); "" for an empty
// trace.
std::string TraceIdText(const Trace& trace);
std::vector<std::string> TraceIdTexts(const std::vector<Trace>& traces);

// Raw pointers for the store and linker APIs.
std::vector<const trace::SpanRecord*> Pointers(const std::vector<trace::SpanRecordPtr>& spans);

}  // namespace cairn::storage::testing

namespace cairn::storage {
// Printable link for gtest failure messages: "a->b calls=1 errors=0" (found by ADL).
void PrintTo(const DependencyLink& link, std::ostream* out);
}  // namespace cairn::storage
