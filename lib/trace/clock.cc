// The real clock. clock_gettime through the vDSO costs ~20 ns even with a TSC clock source, a
// large share of a span's budget, so Read() (used at span start) derives wall time from the
// monotonic reading plus a per-thread offset: a sampled span reads the clock twice (start and
// finish) instead of three times, and an unsampled span never.
#include "cairn/trace/clock.h"

#include <chrono>

namespace cairn::trace {
namespace {

constexpr std::int64_t kOffsetRefreshNanos = 100'000'000;

std::int64_t SteadyNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

std::int64_t SystemNanos() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// Wall time minus monotonic time, as last measured on this thread. Constant-initialised; the
// refresh deadline of 0 makes the first Read() measure it.
struct WallOffset {
  std::int64_t offset_nanos;
  std::int64_t refresh_at_nanos;
};
thread_local WallOffset t_wall_offset{0, 0};

class SystemClockImpl final : public Clock {
 public:
  std::int64_t NowMicros() override { return SystemNanos() / 1000; }
  std::int64_t MonotonicNanos() override { return SteadyNanos(); }

  ClockReading Read() override {
    const std::int64_t monotonic = SteadyNanos();
    WallOffset& cache = t_wall_offset;
    if (monotonic >= cache.refresh_at_nanos) [[unlikely]] {
      cache.offset_nanos = SystemNanos() - monotonic;
      cache.refresh_at_nanos = monotonic + kOffsetRefreshNanos;
    }
    return {(monotonic + cache.offset_nanos) / 1000, monotonic};
  }
};

}  // namespace

Clock& SystemClock() {
  static SystemClockImpl clock;
  return clock;
}

}  // namespace cairn::trace
