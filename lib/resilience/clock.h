// The monotonic clock the circuit breaker reads, behind an interface so tests (here and in the
// services that use a breaker) can move time by hand.
#pragma once

#include <atomic>
#include <chrono>

namespace cairn::resilience {

class Clock {
 public:
  using TimePoint = std::chrono::steady_clock::time_point;
  virtual ~Clock() = default;
  // Monotonic; thread-safe.
  virtual TimePoint Now() const = 0;
};

// std::chrono::steady_clock. The returned object lives forever.
const Clock& SteadyClock();

// A clock that moves only when told. Thread-safe.
class FakeClock final : public Clock {
 public:
  FakeClock() : now_(TimePoint(std::chrono::hours(1000)).time_since_epoch().count()) {}

  TimePoint Now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void Advance(std::chrono::steady_clock::duration by) { now_.fetch_add(by.count()); }

 private:
  std::atomic<TimePoint::rep> now_;
};

}  // namespace cairn::resilience
