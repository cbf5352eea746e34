// The real clock. clock_gettime through the vDSO costs ~20 ns with a TSC clock source, so the
// tracer reads it at most three times per sampled span and never for unsampled ones.
#include "cairn/trace/clock.h"

#include <chrono>

namespace cairn::trace {
namespace {

class SystemClockImpl final : public Clock {
 public:
  std::int64_t NowMicros() override {
    return std::chrono::duration_cast<std::chrono::microseconds>(
               std::chrono::system_clock::now().time_since_epoch())
        .count();
  }
  std::int64_t MonotonicNanos() override {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
  }
};

}  // namespace

Clock& SystemClock() {
  static SystemClockImpl clock;
  return clock;
}

}  // namespace cairn::trace
