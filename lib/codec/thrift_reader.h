// Decoder of Zipkin's legacy Thrift span list (POST /api/v1/spans, application/x-thrift): a
// TBinaryProtocol list<zipkinCore.Span>, equivalent to zipkin2.codec.SpanBytesDecoder.THRIFT.
// decodeList (ThriftCodec + V1ThriftSpanReader), then V1SpanConverter (v1_span_converter.h).
//
// Hand-written for the small, fixed zipkinCore schema (libthrift would pull in Boost 1.74). As in
// Zipkin: annotations without a timestamp or value are dropped; binary annotations keep only
// STRING values as tags and BOOL true "ca"/"sa"/"ma" as addresses (BYTES, I16, I32, I64 and
// DOUBLE values are ignored, as Zipkin ignores them); endpoint ipv4 is an i32 (0 = absent), port
// an i16 read unsigned, ipv6 16 bytes. Strings that are not UTF-8 get U+FFFD replacements, as
// Java's decoder does.
//
// Hostile input: every read is bounds-checked ("Truncated: length 8 > bytes available 3 reading
// List<Span> from TBinary"), skipping unknown fields is depth-limited (64) and never loops over
// elements that take no bytes, and list lengths are never trusted for allocation. A negative list
// length reads as an empty list, as in Zipkin. Thread-safe; no global state.
#pragma once

#include <string_view>

#include "cairn/trace/status.h"
#include "lib/codec/decode_options.h"

namespace cairn::codec {

Result<SpanList> ReadThriftList(std::string_view body, const DecodeOptions& options = {});

}  // namespace cairn::codec
