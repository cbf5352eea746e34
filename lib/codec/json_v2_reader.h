// Decoder of Zipkin's JSON v2 span list (POST /api/v2/spans, application/json), equivalent to
// zipkin2.codec.SpanBytesDecoder.JSON_V2.decodeList: V2SpanReader's field handling, Gson's
// leniency (numbers as strings and vice versa) and JsonCodec's error texts, e.g.
// "Malformed reading List<Span> from json" or
// "Incomplete annotation at $[0].annotations[0].timestamp reading List<Span> from json".
//
// Any invalid span fails the whole message. Unknown fields and null values are skipped (except a
// null traceId/id, or a null tag value: "No value at $[0].tags.key"). Each span is normalised
// (normalize.h). An empty body or an empty list yields no spans.
//
// Built on simdjson's on-demand API with a per-thread parser: thread-safe, allocation-free apart
// from the decoded spans. Depth and size are bounded by simdjson (nesting over 1024 levels is
// malformed).
#pragma once

#include <string_view>

#include "cairn/trace/status.h"
#include "lib/codec/decode_options.h"

namespace cairn::codec {

Result<SpanList> ReadJsonV2List(std::string_view body, const DecodeOptions& options = {});

}  // namespace cairn::codec
