#include "cairn/trace/clock.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <thread>

namespace cairn::trace {
namespace {

std::int64_t SystemMicros() {
  return std::chrono::duration_cast<std::chrono::microseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST(SystemClockTest, NowMicrosIsEpochMicroseconds) {
  const std::int64_t before = SystemMicros();
  const std::int64_t now = SystemClock().NowMicros();
  const std::int64_t after = SystemMicros();
  EXPECT_GE(now, before);
  EXPECT_LE(now, after);
  EXPECT_GT(now, 1'600'000'000'000'000);  // after 2020: really microseconds, not ms or ns
}

TEST(SystemClockTest, MonotonicNanosNeverGoesBack) {
  std::int64_t previous = SystemClock().MonotonicNanos();
  for (int i = 0; i < 10000; ++i) {
    const std::int64_t now = SystemClock().MonotonicNanos();
    ASSERT_GE(now, previous);
    previous = now;
  }
  const std::int64_t start = SystemClock().MonotonicNanos();
  std::this_thread::sleep_for(std::chrono::milliseconds(2));
  EXPECT_GE(SystemClock().MonotonicNanos() - start, 2'000'000);
}

TEST(SystemClockTest, ReadAgreesWithTheWallClock) {
  // Read() derives wall time from the monotonic clock plus a cached offset; it must stay within
  // a millisecond of system_clock (the offset is re-measured every 100 ms), also across refreshes.
  for (int i = 0; i < 5; ++i) {
    const std::int64_t before = SystemMicros();
    const ClockReading reading = SystemClock().Read();
    const std::int64_t after = SystemMicros();
    EXPECT_GE(reading.epoch_micros, before - 1000);
    EXPECT_LE(reading.epoch_micros, after + 1000);
    EXPECT_GT(reading.monotonic_nanos, 0);
    std::this_thread::sleep_for(std::chrono::milliseconds(60));
  }
}

TEST(SystemClockTest, ReadsOfOneThreadAdvanceTogether) {
  const ClockReading first = SystemClock().Read();
  std::this_thread::sleep_for(std::chrono::milliseconds(3));
  const ClockReading second = SystemClock().Read();
  const std::int64_t monotonic_us = (second.monotonic_nanos - first.monotonic_nanos) / 1000;
  EXPECT_GE(monotonic_us, 3000);
  EXPECT_LE(std::llabs((second.epoch_micros - first.epoch_micros) - monotonic_us), 1000);
}

TEST(ClockTest, DefaultReadCallsBothClocks) {
  class Fixed final : public Clock {
   public:
    std::int64_t NowMicros() override { return 111; }
    std::int64_t MonotonicNanos() override { return 222; }
  } clock;
  const ClockReading reading = clock.Read();
  EXPECT_EQ(reading.epoch_micros, 111);
  EXPECT_EQ(reading.monotonic_nanos, 222);
}

}  // namespace
}  // namespace cairn::trace
