// Zipkin's rules for span and trace ids in text form, with Zipkin's exact error messages.
//
// These mirror zipkin2.Span.normalizeTraceId, Span.Builder.id/parentId (v2 model: strict lower
// hex, short ids left-padded) and zipkin2.internal.HexCodec.lowerHexToUnsignedLong (v1 model:
// 1..32 chars, bits above 64 dropped). The query API uses ParseTraceId for
// GET /api/v2/trace/{traceId} too, so its 400 texts match Zipkin's.
//
// All functions are pure and thread-safe. Errors are kInvalidArgument; a message quotes the input
// only after its length was checked (at most 32 bytes).
#pragma once

#include <cstdint>
#include <string_view>

#include "cairn/trace/ids.h"
#include "cairn/trace/status.h"

namespace cairn::codec {

// 1..32 lower-hex chars, left-padded to 16 or 32; a 32-char id whose first 16 chars are zeros is
// a 64-bit id. Errors: "traceId is empty", "traceId.length > 32",
// "<id> should be lower-hex encoded with no prefix", "traceId is all zeros".
Result<trace::TraceId> ParseTraceId(std::string_view hex);

// 1..16 lower-hex chars, left-padded. Errors: "id is empty", "id.length > 16",
// "<id> should be lower-hex encoded with no prefix", "id is all zeros".
// (Zipkin only rejects the 16-char all-zero id and would pad "0" to a zero id; cairn rejects every
// all-zero id, as span id 0 means "absent" in SpanRecord.)
Result<trace::SpanId> ParseSpanId(std::string_view hex);

// Like ParseSpanId but an all-zero id means "no parent" and yields 0. Errors: "parentId is empty",
// "parentId.length > 16", "<id> should be lower-hex encoded with no prefix".
Result<trace::SpanId> ParseParentId(std::string_view hex);

// v1 ids (HexCodec.lowerHexToUnsignedLong): 1..32 lower-hex chars; for longer than 16 chars only
// the last 16 count. Zero is allowed here (the v1 span checks it). Error:
// "<id> should be a 1 to 32 character lower-hex string with no prefix".
Result<std::uint64_t> ParseV1Id(std::string_view hex);

// The high 64 bits of a v1 trace id: the first 16 chars when the id has exactly 32, else 0.
// Call only after ParseV1Id(hex) succeeded.
std::uint64_t V1TraceIdHigh(std::string_view hex);

}  // namespace cairn::codec
