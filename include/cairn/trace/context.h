// TraceContext: the identity of one span as it travels between processes, and the sampling state.
#pragma once

#include <cstdint>

#include "cairn/trace/ids.h"

namespace cairn::trace {

// B3 sampling state (openzipkin/b3-propagation "Sampling State"). Debug is kept separately in
// TraceContext::debug and implies kAccept for recording decisions.
enum class SamplingDecision : std::uint8_t { kDefer = 0, kDeny = 1, kAccept = 2 };

struct TraceContext {
  TraceId trace_id;
  SpanId span_id = 0;
  SpanId parent_id = 0;  // 0: root span
  SamplingDecision sampled = SamplingDecision::kDefer;
  bool debug = false;
  bool shared = false;  // this span reuses the caller's span id (server side of a joined RPC)

  bool IsValid() const { return trace_id.IsValid() && span_id != 0; }
  // True when spans of this trace are recorded and reported.
  bool IsSampled() const { return debug || sampled == SamplingDecision::kAccept; }

  friend bool operator==(const TraceContext&, const TraceContext&) = default;
};

}  // namespace cairn::trace
