// B3 single header `b3`: parsing and writing, a port of Brave's B3SingleFormat
// (openzipkin/brave brave/src/main/java/brave/propagation/B3SingleFormat.java). The branch
// structure deliberately mirrors Brave's parseB3SingleFormat so that every input Brave accepts or
// rejects is accepted or rejected here too. The one difference (docs/propagation.md): Brave reads a
// 16-char half of a trace id holding a non-hex char as zero, cairn rejects the value.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cairn/trace/propagation.h"
#include "lib/trace/propagation_hex.h"

namespace cairn::trace {
namespace {

using propagation_internal::IsLowerHex;
using propagation_internal::ParseLowerHex16;
using propagation_internal::WriteLowerHex64;

// 32 (128-bit trace id) + 1 + 16 (span id) + 2 (-1) + 17 (-parent id), Brave's FORMAT_MAX_LENGTH.
constexpr std::size_t kMaxLength = 68;
// Shortest value carrying ids: a 64-bit trace id, a hyphen and a span id.
constexpr std::size_t kMinIdsLength = 16 + 1 + 16;

// Exactly 16 lower-hex chars at `pos`. Unlike Brave's tryParse16HexCharacters, an invalid char is
// a failure even where Brave would read it as zero (the high half of a 128-bit trace id).
bool Parse16(std::string_view value, std::size_t pos, std::uint64_t& out) {
  if (pos + 16 > value.size()) return false;
  return ParseLowerHex16(value.data() + pos, out);
}

// The sampling field: `1` accept, `0` deny, `d` debug (which implies accept).
bool ParseSamplingChar(char c, TraceContext& context) {
  switch (c) {
    case '1':
      context.sampled = SamplingDecision::kAccept;
      return true;
    case '0':
      context.sampled = SamplingDecision::kDeny;
      return true;
    case 'd':
      context.sampled = SamplingDecision::kAccept;
      context.debug = true;
      return true;
    default:
      return false;
  }
}

// The sampling char of a context, or 0 when the decision is deferred.
char SamplingChar(const TraceContext& context) {
  if (context.debug) return 'd';
  switch (context.sampled) {
    case SamplingDecision::kAccept:
      return '1';
    case SamplingDecision::kDeny:
      return '0';
    case SamplingDecision::kDefer:
      break;
  }
  return 0;
}

Extracted Malformed() {
  Extracted result;
  result.outcome = ExtractOutcome::kMalformed;
  return result;
}

}  // namespace

Extracted ExtractB3Single(std::string_view value) {
  const std::size_t end = value.size();
  if (end == 0) return Malformed();

  if (end == 1) {  // sampling state only: `b3: 0`, `b3: 1`, `b3: d`
    Extracted result;
    if (!ParseSamplingChar(value[0], result.context)) return Malformed();
    result.outcome = ExtractOutcome::kFlagsOnly;
    return result;
  }
  if (end < kMinIdsLength || end > kMaxLength) return Malformed();

  TraceContext context;
  std::size_t pos = 0;
  if (value[32] == '-') {  // 128-bit trace id
    if (!Parse16(value, pos, context.trace_id.high)) return Malformed();
    pos += 16;
  }
  if (!Parse16(value, pos, context.trace_id.low)) return Malformed();
  pos += 16;
  if (!context.trace_id.IsValid()) return Malformed();
  // A hex char here means the trace id is longer than 16 or 32 chars.
  if (value[pos] != '-') return Malformed();
  ++pos;

  if (!Parse16(value, pos, context.span_id) || context.span_id == 0) return Malformed();
  pos += 16;

  if (end > pos) {
    if (value[pos] != '-') return Malformed();  // span id too long or a bad delimiter
    ++pos;
    if (pos == end) return Malformed();  // truncated: `{tid}-{sid}-`

    // The sampling field is one char, so it is present when it ends the value or is followed by a
    // non-hex char (which must then be the hyphen before the parent id).
    const bool delimiter_follows = end >= pos + 2 && !IsLowerHex(value[pos + 1]);
    if (end == pos + 1 || delimiter_follows) {
      if (!ParseSamplingChar(value[pos], context)) return Malformed();
      ++pos;
      if (delimiter_follows) {
        if (value[pos] != '-') return Malformed();
        ++pos;
      }
    }
    // What remains must be exactly one parent id. Like Brave, this accepts `{tid}-{sid}-{parent}`
    // (a child whose sampling is deferred), which Brave's writer emits in that state.
    if (end > pos || delimiter_follows) {
      if (end - pos != 16) return Malformed();
      if (!Parse16(value, pos, context.parent_id) || context.parent_id == 0) return Malformed();
    }
  }

  Extracted result;
  result.outcome = ExtractOutcome::kContext;
  result.context = context;
  return result;
}

std::size_t WriteB3Single(const TraceContext& context, bool with_parent, char* out) {
  const char sampling = SamplingChar(context);
  if (!context.IsValid()) {
    // Without ids only a decision can travel (`b3: 0` on span-upload requests, B3 README).
    if (sampling == 0) return 0;
    out[0] = sampling;
    return 1;
  }
  std::size_t pos = 0;
  if (context.trace_id.high != 0) {
    WriteLowerHex64(context.trace_id.high, out);
    pos += 16;
  }
  WriteLowerHex64(context.trace_id.low, out + pos);
  pos += 16;
  out[pos++] = '-';
  WriteLowerHex64(context.span_id, out + pos);
  pos += 16;
  if (sampling != 0) {
    out[pos++] = '-';
    out[pos++] = sampling;
  }
  // Brave writes the parent even when the decision is deferred (`{tid}-{sid}-{parent}`).
  if (with_parent && context.parent_id != 0) {
    out[pos++] = '-';
    WriteLowerHex64(context.parent_id, out + pos);
    pos += 16;
  }
  return pos;
}

void InjectB3Single(const TraceContext& context, bool with_parent, HeaderWriter& headers) {
  char buffer[kMaxLength];
  const std::size_t length = WriteB3Single(context, with_parent, buffer);
  if (length != 0) headers.Set("b3", std::string_view(buffer, length));
}

}  // namespace cairn::trace
