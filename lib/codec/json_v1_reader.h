// Decoder of Zipkin's legacy JSON v1 span list (POST /api/v1/spans, application/json), equivalent
// to zipkin2.codec.SpanBytesDecoder.JSON_V1.decodeList: V1JsonSpanReader reads each v1 span
// (annotations with endpoints, binaryAnnotations) and V1SpanConverter turns it into v2 spans (see
// v1_span_converter.h), so one v1 span may yield a CLIENT and a shared SERVER span.
//
// Errors are Zipkin's, e.g. "traceId == 0 reading List<Span> from json", "No key at
// $[0].binaryAnnotations[0].value reading List<Span> from json", or
// "<id> should be a 1 to 32 character lower-hex string with no prefix reading ...". Binary
// annotations other than strings are ignored, except boolean true "ca"/"sa"/"ma" addresses.
// Thread-safe, as ReadJsonV2List.
#pragma once

#include <string_view>

#include "cairn/trace/status.h"
#include "lib/codec/decode_options.h"

namespace cairn::codec {

Result<SpanList> ReadJsonV1List(std::string_view body, const DecodeOptions& options = {});

}  // namespace cairn::codec
