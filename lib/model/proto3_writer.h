// Zipkin proto3 encoding (zipkin.proto3.ListOfSpans, openzipkin/zipkin-api zipkin.proto) of
// SpanRecord, written by hand because the wire format of this one fixed message is small; this
// keeps libprotobuf out of the client library. Tests check it byte for byte against libprotobuf's
// deterministic serialisation of the same message.
//
// Fields, in field-number order (as libprotobuf and Zipkin's Proto3SpanWriter write them):
//   Span: trace_id=1 bytes (8 big-endian bytes when trace_id.high == 0, else 16), parent_id=2
//   (8 bytes, unless 0), id=3 (8 bytes), kind=4 enum (unless kUnspecified), name=5, timestamp=6
//   fixed64 and duration=7 uint64 (each only when > 0), local_endpoint=8, remote_endpoint=9,
//   annotations=10 {timestamp=1 fixed64 unless 0, value=2 unless empty}, tags=11 map<string,string>
//   (entries sorted by key, see sorted_tags.h; key and value always written, so an empty tag value
//   survives as Zipkin's writer does), debug=12 and shared=13 (only when true).
//   Endpoint: service_name=1, ipv4=2 (4 bytes), ipv6=3 (16 bytes), port=4 int32 (unless 0).
// Empty strings are omitted, as proto3 does. ipv4/ipv6 are parsed from their text; text that does
// not parse as an address of its family is dropped (as Zipkin's Endpoint.Builder drops it), and an
// endpoint left with no field is omitted. Ill-formed UTF-8 in strings is replaced by U+FFFD
// (utf8.h), so libprotobuf always accepts the output.
//
// Cost: no allocation besides growing `out`, unless the tags need sorting and there are more than
// SortedTags::kInlineCapacity of them. Thread-compatible: the functions keep no state.
#pragma once

#include <cstddef>
#include <span>
#include <string>

#include "cairn/trace/span_record.h"

namespace cairn::model {

// Appends one `Span` message (without the ListOfSpans field tag).
void AppendProto3Span(const trace::SpanRecord& span, std::string& out);

// Appends a complete ListOfSpans message: each span as field 1 (nothing at all when empty).
// Pointers non-null. Lists can be concatenated: two ListOfSpans appended back to back parse as one.
void AppendProto3List(std::span<const trace::SpanRecord* const> spans, std::string& out);

// Size of the `Span` message AppendProto3Span appends.
std::size_t Proto3SpanSize(const trace::SpanRecord& span);

// Size of the ListOfSpans entry (tag + length + span) for this span; exact, so a list's size is
// the sum over its spans.
std::size_t Proto3ListEntrySize(const trace::SpanRecord& span);

}  // namespace cairn::model
