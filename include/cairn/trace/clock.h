// Clock: where span timestamps come from. Behind an interface so tests can use a fake.
#pragma once

#include <cstdint>

namespace cairn::trace {

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in epoch microseconds.
  virtual std::int64_t NowMicros() = 0;
  // Monotonic time in nanoseconds (arbitrary origin), used for durations.
  virtual std::int64_t MonotonicNanos() = 0;
};

// The real clock: system_clock for epoch time, steady_clock for durations. Thread-safe.
Clock& SystemClock();

}  // namespace cairn::trace
