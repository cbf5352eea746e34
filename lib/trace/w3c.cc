// W3C Trace Context `traceparent` / `tracestate` extraction and injection
// (w3c/trace-context spec/20-http_request_header_format.md and test/test.py).
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/trace/propagation.h"
#include "lib/trace/propagation_hex.h"
#include "lib/trace/w3c_tracestate.h"

namespace cairn::trace {
namespace {

using propagation_internal::LowerHexValue;
using propagation_internal::ParseLowerHex16;
using propagation_internal::TrimOws;
using propagation_internal::WriteLowerHex64;

constexpr std::string_view kTraceparent = "traceparent";
constexpr std::string_view kTracestate = "tracestate";

// `{version:2}-{trace-id:32}-{parent-id:16}-{flags:2}`
constexpr std::size_t kTraceparentLength = 55;
constexpr std::uint8_t kFlagSampled = 0x01;
constexpr std::uint8_t kFlagRandomTraceId = 0x02;
// More tracestate header lines than this are read through a heap buffer (never seen in practice).
constexpr std::size_t kInlineTracestateHeaders = 8;

// Two lower-hex chars at `pos` as a byte, or -1.
int ParseHexByte(std::string_view value, std::size_t pos) {
  const int high = LowerHexValue(value[pos]);
  const int low = LowerHexValue(value[pos + 1]);
  if (high < 0 || low < 0) return -1;
  return (high << 4) | low;
}

struct Traceparent {
  TraceId trace_id;
  SpanId parent_id = 0;
  std::uint8_t flags = 0;
};

// The spec's parsing rules, including those for versions above 00: parse the first four fields
// and require the flags to end the value or be followed by `-`.
bool ParseTraceparent(std::string_view value, Traceparent& out) {
  value = TrimOws(value);  // test_traceparent_ows_handling
  if (value.size() < kTraceparentLength) return false;
  const int version = ParseHexByte(value, 0);
  if (version < 0 || version == 0xff || value[2] != '-') return false;
  if (version == 0 && value.size() != kTraceparentLength) return false;
  if (value.size() > kTraceparentLength && value[kTraceparentLength] != '-') return false;

  if (!ParseLowerHex16(value.data() + 3, out.trace_id.high) ||
      !ParseLowerHex16(value.data() + 19, out.trace_id.low) || value[35] != '-' ||
      !ParseLowerHex16(value.data() + 36, out.parent_id) || value[52] != '-') {
    return false;
  }
  const int flags = ParseHexByte(value, 53);
  if (flags < 0 || !out.trace_id.IsValid() || out.parent_id == 0) return false;
  out.flags = static_cast<std::uint8_t>(flags);
  return true;
}

// Reads every tracestate header line and combines them; an invalid tracestate is dropped.
std::string ReadTracestate(const HeaderReader& headers) {
  std::string combined;
  std::array<std::string_view, kInlineTracestateHeaders> inline_values;
  const std::size_t count = headers.Get(kTracestate, inline_values.data(), inline_values.size());
  if (count == 0) return combined;
  if (count <= inline_values.size()) {
    w3c_internal::CombineTracestate(inline_values.data(), count, combined);
  } else {
    std::vector<std::string_view> values(count);
    const std::size_t read = headers.Get(kTracestate, values.data(), values.size());
    w3c_internal::CombineTracestate(values.data(), read < count ? read : count, combined);
  }
  return combined;
}

}  // namespace

Extracted ExtractW3C(const HeaderReader& headers) {
  Extracted result;
  std::array<std::string_view, 2> values;
  const std::size_t count = headers.Get(kTraceparent, values.data(), values.size());
  if (count == 0) return result;  // a tracestate without traceparent is ignored
  Traceparent parsed;
  // Two traceparent headers make the context ambiguous: restart (test_traceparent_duplicated).
  if (count > 1 || !ParseTraceparent(values[0], parsed)) {
    result.outcome = ExtractOutcome::kMalformed;
    return result;  // and tracestate MUST NOT be parsed
  }
  result.outcome = ExtractOutcome::kContext;
  result.context.trace_id = parsed.trace_id;
  result.context.span_id = parsed.parent_id;
  // W3C has no deferred state: an unset sampled flag means the caller did not record.
  result.context.sampled =
      (parsed.flags & kFlagSampled) ? SamplingDecision::kAccept : SamplingDecision::kDeny;
  result.w3c_random_trace_id = (parsed.flags & kFlagRandomTraceId) != 0;
  result.tracestate = ReadTracestate(headers);
  return result;
}

void InjectW3C(const TraceContext& context, std::string_view tracestate, HeaderWriter& headers,
               bool random_trace_id) {
  if (!context.IsValid()) return;  // traceparent cannot carry a decision without ids
  char buffer[kTraceparentLength];
  buffer[0] = '0';
  buffer[1] = '0';
  buffer[2] = '-';
  WriteLowerHex64(context.trace_id.high, buffer + 3);  // a 64-bit id is left-padded with zeros
  WriteLowerHex64(context.trace_id.low, buffer + 19);
  buffer[35] = '-';
  WriteLowerHex64(context.span_id, buffer + 36);
  buffer[52] = '-';
  buffer[53] = '0';
  // bit 0: sampled (debug included). bit 1: random-trace-id, only when the caller vouches for it;
  // Trace Context Level 1 requires unknown bits to be zero and Level 2 requires a received flag to
  // be preserved, which guessing from the id (e.g. "128-bit means random") would break.
  const int flags =
      (context.IsSampled() ? kFlagSampled : 0) | (random_trace_id ? kFlagRandomTraceId : 0);
  buffer[54] = propagation_internal::kLowerHexDigits[flags];
  headers.Set(kTraceparent, std::string_view(buffer, sizeof buffer));
  if (!tracestate.empty()) headers.Set(kTracestate, tracestate);
}

}  // namespace cairn::trace
