// B3 extraction (`b3` first, then the X-B3-* multi-header form) and multi-header injection, a port
// of Brave's B3Propagation.B3Extractor / B3Injector and TraceContext.Builder.parse*Id
// (openzipkin/brave). Where cairn differs from Brave it says so here and in docs/propagation.md.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cairn/trace/propagation.h"
#include "lib/trace/propagation_hex.h"

namespace cairn::trace {
namespace {

using propagation_internal::EqualsIgnoreCase;
using propagation_internal::ParseLowerHex64;
using propagation_internal::WriteLowerHex64;

// Lower case on the wire: HTTP is case-insensitive and the B3 README recommends lower case for
// case-sensitive transports (gRPC metadata, AMQP tables).
constexpr std::string_view kB3 = "b3";
constexpr std::string_view kTraceId = "x-b3-traceid";
constexpr std::string_view kSpanId = "x-b3-spanid";
constexpr std::string_view kParentSpanId = "x-b3-parentspanid";
constexpr std::string_view kSampled = "x-b3-sampled";
constexpr std::string_view kFlags = "x-b3-flags";

// "When extracting state headers, the first value wins" (B3 README).
bool First(const HeaderReader& headers, std::string_view name, std::string_view& value) {
  return headers.Get(name, &value, 1) > 0;
}

// Brave's TraceContext.Builder.parseTraceId: 1..32 lower-hex chars, the right-most 16 are the low
// bits, any left of them the high bits; not all zeros. (Brave's code also rejects a 1-char id,
// contrary to its own documentation; cairn accepts it as the README's left-padding implies.)
bool ParseLenientTraceId(std::string_view hex, TraceId& out) {
  if (hex.empty() || hex.size() > 32) return false;
  TraceId id;
  const std::size_t low_start = hex.size() > 16 ? hex.size() - 16 : 0;
  if (low_start > 0 && !ParseLowerHex64(hex.substr(0, low_start), id.high)) return false;
  if (!ParseLowerHex64(hex.substr(low_start), id.low)) return false;
  if (!id.IsValid()) return false;
  out = id;
  return true;
}

// Brave's parseSpanId / parseParentId: 1..16 lower-hex chars, not zero.
bool ParseLenientSpanId(std::string_view hex, SpanId& out) {
  std::uint64_t value = 0;
  if (!ParseLowerHex64(hex, value) || value == 0) return false;
  out = value;
  return true;
}

Extracted WithOutcome(ExtractOutcome outcome) {
  Extracted result;
  result.outcome = outcome;
  return result;
}

}  // namespace

Extracted ExtractB3(const HeaderReader& headers) {
  // The single header takes precedence; when it does not parse, Brave falls back to multi-header.
  std::string_view value;
  bool single_malformed = false;
  if (First(headers, kB3, value)) {
    Extracted single = ExtractB3Single(value);
    if (single.outcome != ExtractOutcome::kMalformed) return single;
    single_malformed = true;
  }

  TraceContext context;
  bool has_sampled = false;
  if (First(headers, kSampled, value)) {
    has_sampled = true;
    if (value == "1" || EqualsIgnoreCase(value, "true")) {  // `true`/`false`: old clients
      context.sampled = SamplingDecision::kAccept;
    } else if (value == "0" || EqualsIgnoreCase(value, "false")) {
      context.sampled = SamplingDecision::kDeny;
    } else {
      // Brave: "Restart trace instead of propagating false".
      return WithOutcome(ExtractOutcome::kMalformed);
    }
  }
  // Only `1` means debug; "absent or any other value can be ignored" (B3 README).
  if (First(headers, kFlags, value) && value == "1") {
    context.debug = true;
    context.sampled = SamplingDecision::kAccept;  // debug implies accept
  }

  std::string_view trace_id, span_id, parent_id;
  const bool has_trace_id = First(headers, kTraceId, trace_id);
  const bool has_span_id = First(headers, kSpanId, span_id);
  const bool has_parent_id = First(headers, kParentSpanId, parent_id);

  if (!has_trace_id) {
    // Brave ignores a span or parent id without a trace id; cairn treats it as malformed like
    // zipkin-go (ErrInvalidScope: "require either both TraceID and SpanID or none").
    if (has_span_id || has_parent_id) return WithOutcome(ExtractOutcome::kMalformed);
    if (has_sampled || context.debug) {
      Extracted result;
      result.outcome = ExtractOutcome::kFlagsOnly;
      result.context = context;
      return result;
    }
    return WithOutcome(single_malformed ? ExtractOutcome::kMalformed : ExtractOutcome::kAbsent);
  }

  if (!ParseLenientTraceId(trace_id, context.trace_id) || !has_span_id ||
      !ParseLenientSpanId(span_id, context.span_id) ||
      (has_parent_id && !ParseLenientSpanId(parent_id, context.parent_id))) {
    return WithOutcome(ExtractOutcome::kMalformed);
  }
  Extracted result;
  result.outcome = ExtractOutcome::kContext;
  result.context = context;
  return result;
}

void InjectB3Multi(const TraceContext& context, HeaderWriter& headers) {
  if (context.IsValid()) {
    char trace_id[32];
    std::size_t trace_id_length = 16;
    if (context.trace_id.high != 0) {
      WriteLowerHex64(context.trace_id.high, trace_id);
      trace_id_length = 32;
    }
    WriteLowerHex64(context.trace_id.low, trace_id + trace_id_length - 16);
    headers.Set(kTraceId, std::string_view(trace_id, trace_id_length));

    char id[16];
    WriteLowerHex64(context.span_id, id);
    headers.Set(kSpanId, std::string_view(id, sizeof id));
    if (context.parent_id != 0) {  // must be absent on a root span
      WriteLowerHex64(context.parent_id, id);
      headers.Set(kParentSpanId, std::string_view(id, sizeof id));
    }
  }
  // "Debug implies an accept decision, so don't also send the X-B3-Sampled header."
  if (context.debug) {
    headers.Set(kFlags, "1");
  } else if (context.sampled == SamplingDecision::kAccept) {
    headers.Set(kSampled, "1");
  } else if (context.sampled == SamplingDecision::kDeny) {
    headers.Set(kSampled, "0");
  }
}

}  // namespace cairn::trace
