// Samplers decide whether a new trace is recorded. They are consulted only when no upstream
// decision exists (parent-based sampling: an accept or deny from the caller is always honoured),
// and never for debug traces, which are always recorded.
//
// Every sampler is thread-safe and cheap (no allocation, no lock on the hot path).
#pragma once

#include <cstdint>
#include <memory>

#include "cairn/trace/context.h"
#include "cairn/trace/ids.h"
#include "cairn/trace/status.h"

namespace cairn::trace {

class Sampler {
 public:
  virtual ~Sampler() = default;
  virtual bool IsSampled(const TraceId& trace_id) = 0;
};

std::shared_ptr<Sampler> AlwaysSample();
std::shared_ptr<Sampler> NeverSample();
// Keeps a trace when the lower 64 bits of its id fall under rate * 2^64, so every service given the
// same rate makes the same decision for the same trace. rate must be in [0, 1].
Result<std::shared_ptr<Sampler>> ProbabilitySampler(double rate);
// At most `traces_per_second` new traces per second, spread over the second (Brave's
// RateLimitingSampler: budget refilled per decisecond when the rate is 10 or more).
Result<std::shared_ptr<Sampler>> RateLimitingSampler(int traces_per_second);

// Parent-based sampling, as the tracer applies it to every new span: debug always records, an
// accept or deny from the parent wins, and only a deferred (or absent) decision asks `root`.
bool ParentBasedDecision(Sampler& root, SamplingDecision parent, bool debug, const TraceId& trace_id);

}  // namespace cairn::trace
