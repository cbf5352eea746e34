// CircuitBreaker: stops calling a failing downstream for a while, with hystrix-go's semantics.
//
// Closed: calls pass. Every outcome lands in a rolling window of the last 10 s (1 s buckets);
// once the window holds at least RequestVolumeThreshold requests and its error percentage
// (failures, timeouts, rejections and short-circuits over all requests, rounded) reaches
// ErrorPercentThreshold, the breaker opens.
// Open: calls are short-circuited (the caller takes its fallback) until SleepWindow has passed
// since it opened; then the next call is let through as the single probe and the state becomes
// half-open.
// Half-open: other calls are short-circuited; the probe's success closes the breaker (with an
// empty window), its failure or timeout re-opens it for another SleepWindow.
// In every state a call beyond MaxConcurrentRequests in flight is rejected (counted as an error).
// A timeout is a failure reported as such; the breaker itself does not time calls (guarded_call.h
// applies Timeout).
//
// Thread-safe: one mutex, held for a few counter updates. The observer is called without the
// mutex held, from whichever thread caused the change, possibly concurrently for two changes.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

#include "lib/resilience/breaker_settings.h"
#include "lib/resilience/clock.h"
#include "lib/resilience/rolling_window.h"

namespace cairn::resilience {

enum class BreakerState { kClosed, kOpen, kHalfOpen };

// "closed", "open", "half-open" (for logs, span tags and /metrics labels).
std::string_view BreakerStateName(BreakerState state);

// Totals since the breaker was made (for /metrics), plus the current window.
struct BreakerStats {
  BreakerState state = BreakerState::kClosed;
  std::uint64_t successes = 0;
  std::uint64_t failures = 0;
  std::uint64_t timeouts = 0;
  std::uint64_t short_circuited = 0;
  std::uint64_t rejected = 0;
  std::uint64_t times_opened = 0;  // closed/half-open -> open transitions
  std::uint64_t in_flight = 0;
  WindowCounts window;
};

class CircuitBreaker {
 public:
  using StateObserver =
      std::function<void(std::string_view name, BreakerState from, BreakerState to)>;

  enum class Admission { kAllowed, kShortCircuited, kRejected };

  // One admitted (or refused) call. Move-only; report the outcome once with Succeeded, Failed or
  // TimedOut. Destroying an allowed call without an outcome counts as abandoned: nothing is
  // recorded, its concurrency slot is freed, and if it was the half-open probe the breaker goes
  // back to open for another sleep window. Must not outlive its breaker.
  class Call {
   public:
    Call(Call&& other) noexcept;
    Call& operator=(Call&&) = delete;
    Call(const Call&) = delete;
    ~Call();

    Admission admission() const { return admission_; }
    bool allowed() const { return admission_ == Admission::kAllowed; }
    // True for the single call let through by a half-open breaker.
    bool probe() const { return probe_; }

    // Each records the outcome for allowed calls; refused calls and repeated reports are no-ops.
    void Succeeded();
    void Failed();
    void TimedOut();

   private:
    friend class CircuitBreaker;
    Call(CircuitBreaker* breaker, Admission admission, bool probe)
        : breaker_(breaker), admission_(admission), probe_(probe) {}
    void Finish(std::optional<Event> event);

    CircuitBreaker* breaker_;  // null once the outcome is reported (or for refused calls)
    Admission admission_;
    bool probe_;
  };

  explicit CircuitBreaker(std::string name, BreakerSettings settings = {},
                          const Clock& clock = SteadyClock(), StateObserver observer = nullptr);
  CircuitBreaker(const CircuitBreaker&) = delete;
  CircuitBreaker& operator=(const CircuitBreaker&) = delete;

  // Asks to make one call. A refused call is already counted (short-circuited or rejected).
  [[nodiscard]] Call Begin();

  const std::string& name() const { return name_; }
  const BreakerSettings& settings() const { return settings_; }
  // The state now; an open breaker whose sleep window has passed still reads kOpen until a call
  // becomes the probe.
  BreakerState state() const;
  BreakerStats Stats() const;

 private:
  struct Transition {
    bool happened = false;
    BreakerState from = BreakerState::kClosed;
    BreakerState to = BreakerState::kClosed;
  };
  Transition SetStateLocked(BreakerState to, Clock::TimePoint now);
  // Closed -> open when the window holds enough requests with too many errors.
  Transition TripIfUnhealthyLocked(Clock::TimePoint now);
  void Notify(const Transition& transition) const;
  void End(std::optional<Event> event, bool probe);

  const std::string name_;
  const BreakerSettings settings_;
  const Clock& clock_;
  const StateObserver observer_;

  mutable std::mutex mutex_;
  BreakerState state_ = BreakerState::kClosed;
  Clock::TimePoint opened_at_{};  // when it last opened (or the last probe was let through)
  std::uint64_t in_flight_ = 0;
  RollingWindow window_;
  BreakerStats totals_;
};

}  // namespace cairn::resilience
