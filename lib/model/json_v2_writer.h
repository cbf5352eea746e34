// Zipkin v2 JSON encoding of SpanRecord, byte-compatible with Zipkin's V2SpanWriter: field order
// traceId, parentId, id, kind, name, timestamp, duration, localEndpoint, remoteEndpoint,
// annotations, tags, debug, shared; absent fields omitted; tag values always strings; strings
// escaped as Zipkin does. (Rounding sub-microsecond durations up to 1 is the tracer's job.)
// Used by both the client reporter and cairn-server's query responses.
#pragma once

#include <span>
#include <string>

#include "cairn/trace/span_record.h"

namespace cairn::model {

// Appends one span object.
void AppendJsonV2(const trace::SpanRecord& span, std::string& out);
// Appends a JSON array of spans.
void AppendJsonV2List(std::span<const trace::SpanRecord* const> spans, std::string& out);
// An upper bound of AppendJsonV2's output size for this span (for batching by bytes).
std::size_t JsonV2SizeBound(const trace::SpanRecord& span);

}  // namespace cairn::model
