// Test-only helpers for the propagation tests: readable failure output for contexts and outcomes,
// and a compact way to build expected contexts.
#pragma once

#include <cstdint>
#include <ostream>
#include <string>

#include "cairn/trace/propagation.h"

namespace cairn::trace {

inline const char* OutcomeName(ExtractOutcome outcome) {
  switch (outcome) {
    case ExtractOutcome::kAbsent:
      return "kAbsent";
    case ExtractOutcome::kContext:
      return "kContext";
    case ExtractOutcome::kFlagsOnly:
      return "kFlagsOnly";
    case ExtractOutcome::kMalformed:
      return "kMalformed";
  }
  return "?";
}

inline void PrintTo(ExtractOutcome outcome, std::ostream* os) { *os << OutcomeName(outcome); }

inline void PrintTo(const TraceContext& c, std::ostream* os) {
  static constexpr const char* kSampled[] = {"defer", "deny", "accept"};
  *os << std::hex << "{trace=" << c.trace_id.high << ":" << c.trace_id.low << " span=" << c.span_id
      << " parent=" << c.parent_id << std::dec << " " << kSampled[static_cast<int>(c.sampled)]
      << (c.debug ? " debug" : "") << (c.shared ? " shared" : "") << "}";
}

namespace test {

// Ctx(high, low, span, parent, decision, debug)
inline TraceContext Ctx(std::uint64_t high, std::uint64_t low, SpanId span, SpanId parent = 0,
                        SamplingDecision sampled = SamplingDecision::kDefer, bool debug = false) {
  TraceContext context;
  context.trace_id = TraceId{high, low};
  context.span_id = span;
  context.parent_id = parent;
  context.sampled = sampled;
  context.debug = debug;
  return context;
}

// A context without ids carrying only a decision.
inline TraceContext Flags(SamplingDecision sampled, bool debug = false) {
  TraceContext context;
  context.sampled = sampled;
  context.debug = debug;
  return context;
}

inline constexpr SamplingDecision kDefer = SamplingDecision::kDefer;
inline constexpr SamplingDecision kDeny = SamplingDecision::kDeny;
inline constexpr SamplingDecision kAccept = SamplingDecision::kAccept;

}  // namespace test
}  // namespace cairn::trace
