// Zipkin v2 JSON encoding of SpanRecord, byte-compatible with Zipkin's V2SpanWriter
// (openzipkin/zipkin zipkin2.internal.V2SpanWriter): no whitespace, integers as integers, field
// order traceId, parentId, id, kind, name, timestamp, duration, localEndpoint, remoteEndpoint,
// annotations, tags, debug, shared, with endpoints as {serviceName, ipv4, ipv6, port} and
// annotations as {timestamp, value}. Used by both the client reporter and cairn-server's query
// responses, so the two never drift apart.
//
// What is written:
// - traceId: 16 lower-hex characters when trace_id.high == 0, else 32; id always; parentId unless
// 0.
// - kind unless kUnspecified; name, serviceName, ipv4, ipv6 unless empty; port unless 0;
//   timestamp and duration only when > 0 (Zipkin treats <= 0 as absent); an endpoint unless
//   IsEmpty(); debug and shared only when true; annotations and tags only when there are some.
// - Strings escaped as Zipkin's JsonEscaper does (json_escape.h); ill-formed UTF-8 is replaced by
//   U+FFFD, so the output is always valid UTF-8 JSON whatever bytes the record holds.
// - Tags sorted by key (sorted_tags.h) as Zipkin's TreeMap-backed Span does; annotations in record
//   order (the tracer adds them chronologically; the server sorts and de-duplicates on ingest).
// - Values are written as recorded: lower-casing names, rounding durations up to 1 and
//   normalising IPs are the tracer's and the server normaliser's jobs.
//
// Cost: two passes over the record (an exact size, then the bytes into one resize of `out`); no
// allocation besides growing `out`, unless a record has more than SortedTags::kInlineCapacity tags
// that are not already in key order. Thread-compatible: the functions keep no state.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <string_view>

#include "cairn/trace/span_record.h"

namespace cairn::model {

// Appends one span object.
void AppendJsonV2(const trace::SpanRecord& span, std::string& out);

// Appends a JSON array of spans: "[" span ("," span)* "]" ("[]" when empty). Pointers non-null.
void AppendJsonV2List(std::span<const trace::SpanRecord* const> spans, std::string& out);

// The number of bytes AppendJsonV2 appends for this span: exact, so it doubles as the upper bound
// used to batch by bytes (a list of n spans adds n + 1 bytes of brackets and commas, n >= 1). It
// scans the strings once, a fraction of the cost of encoding.
std::size_t JsonV2SizeBound(const trace::SpanRecord& span);

// The "kind" text: "CLIENT", "SERVER", "PRODUCER", "CONSUMER"; empty for kUnspecified.
std::string_view JsonV2KindName(trace::SpanKind kind);

}  // namespace cairn::model
