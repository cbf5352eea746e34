// Decoder of Zipkin's JSON v2 span list (POST /api/v2/spans, application/json), equivalent to
// zipkin2.codec.SpanBytesDecoder.JSON_V2.decodeList: V2SpanReader's field handling, Gson's
// leniency (numbers as strings and vice versa) and JsonCodec's error texts, e.g.
// "Malformed reading List<Span> from json" or
// "Incomplete annotation at $[0].annotations[0].timestamp reading List<Span> from json".
//
// Any invalid span fails the whole message. Unknown fields and null values are skipped (except a
// null traceId/id, or a null tag value: "No value at $[0].tags.key"). Each span is normalised
// (normalize.h). An empty body or an empty list yields no spans. As with Gson, a number is
// accepted where a string is expected (a tag value 42 becomes "42"), but a boolean, object or
// array is not ("Expected a string but was BOOLEAN at path $[0].tags.error").
//
// Differences from Zipkin, all on input that is not valid JSON: error messages omit Gson's "line
// N column M"; any syntax error, invalid UTF-8 or content after the list is "Malformed" (Gson
// stops reading after the list and replaces invalid UTF-8 with U+FFFD).
//
// Built on simdjson's on-demand API with a per-thread parser: thread-safe, allocation-free apart
// from the decoded spans. Unknown fields are skipped iteratively, so nesting depth cannot
// exhaust the stack.
#pragma once

#include <string_view>

#include "cairn/trace/status.h"
#include "lib/codec/decode_options.h"

namespace cairn::codec {

Result<SpanList> ReadJsonV2List(std::string_view body, const DecodeOptions& options = {});

}  // namespace cairn::codec
