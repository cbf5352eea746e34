#include "lib/resilience/circuit_breaker.h"

#include <utility>

namespace cairn::resilience {

std::string_view BreakerStateName(BreakerState state) {
  switch (state) {
    case BreakerState::kClosed:
      return "closed";
    case BreakerState::kOpen:
      return "open";
    case BreakerState::kHalfOpen:
      return "half-open";
  }
  return "unknown";
}

CircuitBreaker::Call::Call(Call&& other) noexcept
    : breaker_(std::exchange(other.breaker_, nullptr)),
      admission_(other.admission_),
      probe_(other.probe_) {}

CircuitBreaker::Call::~Call() { Finish(std::nullopt); }

void CircuitBreaker::Call::Succeeded() { Finish(Event::kSuccess); }
void CircuitBreaker::Call::Failed() { Finish(Event::kFailure); }
void CircuitBreaker::Call::TimedOut() { Finish(Event::kTimeout); }

void CircuitBreaker::Call::Finish(std::optional<Event> event) {
  if (CircuitBreaker* breaker = std::exchange(breaker_, nullptr)) breaker->End(event, probe_);
}

CircuitBreaker::CircuitBreaker(std::string name, BreakerSettings settings, const Clock& clock,
                               StateObserver observer)
    : name_(std::move(name)), settings_(settings), clock_(clock), observer_(std::move(observer)) {}

CircuitBreaker::Transition CircuitBreaker::SetStateLocked(BreakerState to, Clock::TimePoint now) {
  Transition transition{state_ != to, state_, to};
  if (!transition.happened) return transition;
  state_ = to;
  if (to == BreakerState::kOpen) {
    opened_at_ = now;
    ++totals_.times_opened;
  }
  if (to == BreakerState::kClosed) window_.Reset();  // a fresh start, as hystrix-go's setClose
  return transition;
}

CircuitBreaker::Transition CircuitBreaker::TripIfUnhealthyLocked(Clock::TimePoint now) {
  if (state_ != BreakerState::kClosed) return {};
  const WindowCounts counts = window_.Sum(now);
  if (counts.Requests() < static_cast<std::uint64_t>(settings_.request_volume_threshold) ||
      counts.ErrorPercent() < settings_.error_percent_threshold) {
    return {};
  }
  return SetStateLocked(BreakerState::kOpen, now);
}

void CircuitBreaker::Notify(const Transition& transition) const {
  if (transition.happened && observer_) observer_(name_, transition.from, transition.to);
}

CircuitBreaker::Call CircuitBreaker::Begin() {
  Transition transition;
  Admission admission = Admission::kAllowed;
  bool probe = false;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const Clock::TimePoint now = clock_.Now();
    const bool sleep_over = now >= opened_at_ + settings_.sleep_window;
    if (state_ == BreakerState::kHalfOpen || (state_ == BreakerState::kOpen && !sleep_over)) {
      admission = Admission::kShortCircuited;
      ++totals_.short_circuited;
      window_.Record(Event::kShortCircuited, now);
    } else if (in_flight_ >= static_cast<std::uint64_t>(settings_.max_concurrent_requests)) {
      admission = Admission::kRejected;
      ++totals_.rejected;
      window_.Record(Event::kRejected, now);
      transition = TripIfUnhealthyLocked(now);
    } else {
      if (state_ == BreakerState::kOpen) {
        probe = true;
        transition = SetStateLocked(BreakerState::kHalfOpen, now);
        opened_at_ = now;  // an abandoned probe waits a whole window before the next
      }
      ++in_flight_;
    }
  }
  Notify(transition);
  return Call(admission == Admission::kAllowed ? this : nullptr, admission, probe);
}

void CircuitBreaker::End(std::optional<Event> event, bool probe) {
  Transition transition;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const Clock::TimePoint now = clock_.Now();
    --in_flight_;
    const bool probing = probe && state_ == BreakerState::kHalfOpen;
    if (!event) {
      if (probing) {
        const Clock::TimePoint probe_started = opened_at_;
        transition = SetStateLocked(BreakerState::kOpen, now);
        opened_at_ = probe_started;
      }
    } else {
      window_.Record(*event, now);
      if (*event == Event::kSuccess) {
        ++totals_.successes;
        if (probing) transition = SetStateLocked(BreakerState::kClosed, now);
      } else {
        ++(*event == Event::kTimeout ? totals_.timeouts : totals_.failures);
        if (probing) {
          transition = SetStateLocked(BreakerState::kOpen, now);
        } else {
          transition = TripIfUnhealthyLocked(now);
        }
      }
    }
  }
  Notify(transition);
}

BreakerState CircuitBreaker::state() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return state_;
}

BreakerStats CircuitBreaker::Stats() const {
  std::lock_guard<std::mutex> lock(mutex_);
  BreakerStats stats = totals_;
  stats.state = state_;
  stats.in_flight = in_flight_;
  stats.window = window_.Sum(clock_.Now());
  return stats;
}

}  // namespace cairn::resilience
