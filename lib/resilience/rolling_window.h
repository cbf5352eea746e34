// The breaker's health statistics over the last 10 seconds, in 1-second buckets (hystrix-go's
// rolling.Number): a bucket is reused, zeroed, once its second has passed out of the window.
// Not thread-safe; CircuitBreaker guards it with its mutex.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>

#include "lib/resilience/clock.h"

namespace cairn::resilience {

enum class Event { kSuccess, kFailure, kTimeout, kShortCircuited, kRejected };

struct WindowCounts {
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t short_circuited = 0;
  std::uint64_t rejected = 0;

  // As hystrix-go counts them: every event is a request; all but successes are errors.
  std::uint64_t Requests() const { return successes + Errors(); }
  std::uint64_t Errors() const { return failures + timeouts + short_circuited + rejected; }
  // Errors as a rounded percentage of requests (0 when there are none).
  int ErrorPercent() const;
};

class RollingWindow {
 public:
  static constexpr int kBuckets = 10;
  static constexpr std::chrono::seconds kBucketWidth{1};

  void Record(Event event, Clock::TimePoint now);
  // Sum of the buckets of the last kBuckets seconds, the current one included.
  WindowCounts Sum(Clock::TimePoint now) const;
  void Reset();

 private:
  struct Bucket {
    std::int64_t second = -1;  // which second the counts belong to; -1: unused
    WindowCounts counts;
  };
  static std::int64_t SecondOf(Clock::TimePoint now);

  std::array<Bucket, kBuckets> buckets_{};
};

}  // namespace cairn::resilience
