// Clock: where span timestamps come from. Behind an interface so tests can use a fake.
#pragma once

#include <cstdint>

namespace cairn::trace {

struct ClockReading {
  std::int64_t epoch_micros = 0;
  std::int64_t monotonic_nanos = 0;
};

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall-clock time in epoch microseconds.
  virtual std::int64_t NowMicros() = 0;
  // Monotonic time in nanoseconds (arbitrary origin), used for durations.
  virtual std::int64_t MonotonicNanos() = 0;
  // Both at one instant; the tracer reads this when a span starts. The default calls the two
  // methods above. SystemClock reads only the monotonic clock and adds a per-thread offset to wall
  // time that it re-reads every 100 ms, saving one clock read per span: a wall-clock step shows
  // up within 100 ms, and slewing adds at most 50 us of error (at NTP's 500 ppm maximum).
  virtual ClockReading Read() { return {NowMicros(), MonotonicNanos()}; }
};

// The real clock: system_clock for epoch time, steady_clock for durations. Thread-safe.
Clock& SystemClock();

}  // namespace cairn::trace
