// Internal to lib/codec: zipkin2.v1.V1SpanConverter, which turns one v1 span into one or more v2
// spans. Core annotations (cs, sr, ss, cr, ms, mr, ws, wr) become kind, timestamp and duration;
// "ca", "sa" and "ma" address annotations become remote endpoints; "lc" with an empty value only
// marks the local endpoint; a span holding both client and server annotations from different
// services splits into a CLIENT span and a shared SERVER span (also on loopback, when both sides
// have the same service name). Data is allocated to the span of the endpoint that logged it.
//
// Output spans are normalised (normalize.h) and appended to `out` in Zipkin's order: the first
// span, then one per further endpoint.
#pragma once

#include "cairn/trace/status.h"
#include "lib/codec/decode_options.h"
#include "lib/codec/v1_span.h"

namespace cairn::codec::internal {

// `source` must have passed V1Span::Finish().
Status ConvertV1Span(const V1Span& source, SpanList& out);

}  // namespace cairn::codec::internal
