// The parent-based sampling rule, inline for the tracer's hot path (ParentBasedDecision in
// sampler.cc is the public spelling of the same function).
#pragma once

#include "cairn/trace/context.h"
#include "cairn/trace/sampler.h"

namespace cairn::trace::internal {

inline bool ParentBased(Sampler& root, SamplingDecision parent, bool debug,
                        const TraceId& trace_id) {
  if (debug || parent == SamplingDecision::kAccept) return true;
  if (parent == SamplingDecision::kDeny) return false;
  return root.IsSampled(trace_id);
}

}  // namespace cairn::trace::internal
