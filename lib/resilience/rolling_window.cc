#include "lib/resilience/rolling_window.h"

namespace cairn::resilience {

int WindowCounts::ErrorPercent() const {
  const std::uint64_t requests = Requests();
  if (requests == 0) return 0;
  // hystrix-go: int(errors / requests * 100 + 0.5).
  return static_cast<int>(static_cast<double>(Errors()) / static_cast<double>(requests) * 100.0 +
                          0.5);
}

std::int64_t RollingWindow::SecondOf(Clock::TimePoint now) {
  return std::chrono::duration_cast<std::chrono::seconds>(now.time_since_epoch()).count() /
         kBucketWidth.count();
}

void RollingWindow::Record(Event event, Clock::TimePoint now) {
  const std::int64_t second = SecondOf(now);
  Bucket& bucket = buckets_[static_cast<std::size_t>(second % kBuckets)];
  if (bucket.second != second) bucket = Bucket{second, {}};
  switch (event) {
    case Event::kSuccess:
      ++bucket.counts.successes;
      break;
    case Event::kFailure:
      ++bucket.counts.failures;
      break;
    case Event::kTimeout:
      ++bucket.counts.timeouts;
      break;
    case Event::kShortCircuited:
      ++bucket.counts.short_circuited;
      break;
    case Event::kRejected:
      ++bucket.counts.rejected;
      break;
  }
}

WindowCounts RollingWindow::Sum(Clock::TimePoint now) const {
  const std::int64_t second = SecondOf(now);
  WindowCounts sum;
  for (const Bucket& bucket : buckets_) {
    if (bucket.second < 0 || bucket.second > second || bucket.second <= second - kBuckets) continue;
    sum.successes += bucket.counts.successes;
    sum.failures += bucket.counts.failures;
    sum.timeouts += bucket.counts.timeouts;
    sum.short_circuited += bucket.counts.short_circuited;
    sum.rejected += bucket.counts.rejected;
  }
  return sum;
}

void RollingWindow::Reset() { buckets_ = {}; }

}  // namespace cairn::resilience
