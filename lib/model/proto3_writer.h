// Zipkin proto3 encoding (zipkin.proto3.ListOfSpans, openzipkin/zipkin-api zipkin.proto) of
// SpanRecord, written by hand because the wire format of this one fixed message is small; this
// keeps libprotobuf out of the client library. Tests check it against libprotobuf's own encoding.
#pragma once

#include <span>
#include <string>

#include "cairn/trace/span_record.h"

namespace cairn::model {

// Appends one `Span` message (without the ListOfSpans field tag).
void AppendProto3Span(const trace::SpanRecord& span, std::string& out);
// Appends a complete ListOfSpans message: each span as field 1.
void AppendProto3List(std::span<const trace::SpanRecord* const> spans, std::string& out);
// Size of the ListOfSpans entry (tag + length + span) for this span.
std::size_t Proto3ListEntrySize(const trace::SpanRecord& span);

}  // namespace cairn::model
