// Decoder of Zipkin's proto3 span list (zipkin.proto3.ListOfSpans; POST /api/v2/spans with
// application/x-protobuf, and the gRPC SpanService/Report body), equivalent to
// zipkin2.codec.SpanBytesDecoder.PROTO3.decodeList (Proto3Codec + Proto3ZipkinFields).
//
// Hand-written varint/length-delimited parsing of the one fixed message (no libprotobuf): ids are
// 8 or 16 big-endian bytes read as hex and then checked like JSON ids; an unknown kind number is
// ignored; annotations without timestamp or value and tags without key are dropped; unknown
// fields are skipped. Errors are Zipkin's: "Truncated: length 66 > bytes available 8 reading
// List<Span> from proto3", "Malformed reading List<Span> from proto3" (bad wire type or boolean),
// "Greater than 32-bit varint at position 5 reading ...". A zero-length span ends decoding with
// no spans at all, as in Zipkin.
//
// Every read is bounds-checked and a nested message is read only within its own length (stricter
// than Zipkin, which may read past a malformed endpoint). Thread-safe; no global state.
#pragma once

#include <string_view>

#include "cairn/trace/status.h"
#include "lib/codec/decode_options.h"

namespace cairn::codec {

Result<SpanList> ReadProto3List(std::string_view body, const DecodeOptions& options = {});

}  // namespace cairn::codec
