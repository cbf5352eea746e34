// RateLimitingSampler's implementation, exposed inside the library so tests can drive it with a
// fake clock. Users call cairn::trace::RateLimitingSampler().
#pragma once

#include <atomic>
#include <cstdint>

#include "cairn/trace/clock.h"
#include "cairn/trace/sampler.h"

namespace cairn::trace::internal {

// Brave's RateLimitingSampler: a one-second window that starts at the first decision after the
// previous window ended. Below 10 traces/s the whole budget may be used at any time; from 10 up,
// decisecond i of the window may use at most (i + 1) * (N / 10) + N % 10 decisions, so accepts are
// spread over the second instead of being spent in the first burst. Lock-free: two atomics, no
// allocation. Like Brave's, a decision racing with the window reset may be admitted on top of the
// budget (at most one per racing thread).
class RateLimitingSamplerImpl final : public Sampler {
 public:
  // traces_per_second > 0; `clock` must outlive the sampler (only MonotonicNanos is used).
  RateLimitingSamplerImpl(int traces_per_second, Clock& clock);

  bool IsSampled(const TraceId& trace_id) override;

 private:
  int MaxUsage(std::int64_t nanos_until_reset) const;

  Clock& clock_;
  const bool spread_;
  int cumulative_max_[10];  // spread_: budget usable up to the end of each decisecond
  std::atomic<std::int64_t> next_reset_ns_;
  std::atomic<int> usage_{0};
};

}  // namespace cairn::trace::internal
