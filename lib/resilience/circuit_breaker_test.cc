#include "lib/resilience/circuit_breaker.h"

#include <gtest/gtest.h>

#include <tuple>
#include <vector>

namespace cairn::resilience {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using Admission = CircuitBreaker::Admission;

class CircuitBreakerTest : public ::testing::Test {
 protected:
  CircuitBreaker& Make(BreakerSettings settings = {}) {
    breaker_ = std::make_unique<CircuitBreaker>(
        "quotes-service", settings, clock_,
        [this](std::string_view name, BreakerState from, BreakerState to) {
          EXPECT_EQ(name, "quotes-service");
          changes_.emplace_back(from, to);
        });
    return *breaker_;
  }

  void Fail(int n) {
    for (int i = 0; i < n; ++i) {
      CircuitBreaker::Call call = breaker_->Begin();
      ASSERT_TRUE(call.allowed()) << i;
      call.Failed();
    }
  }
  void Succeed(int n) {
    for (int i = 0; i < n; ++i) {
      CircuitBreaker::Call call = breaker_->Begin();
      ASSERT_TRUE(call.allowed()) << i;
      call.Succeeded();
    }
  }
  // Opens the breaker with the default thresholds.
  void Open() {
    Fail(20);
    ASSERT_EQ(breaker_->state(), BreakerState::kOpen);
  }

  using Change = std::pair<BreakerState, BreakerState>;
  FakeClock clock_;
  std::unique_ptr<CircuitBreaker> breaker_;
  std::vector<Change> changes_;
};

TEST_F(CircuitBreakerTest, DefaultsAreHystrixGos) {
  const BreakerSettings settings;
  EXPECT_EQ(settings.timeout, milliseconds(1000));
  EXPECT_EQ(settings.max_concurrent_requests, 10);
  EXPECT_EQ(settings.request_volume_threshold, 20);
  EXPECT_EQ(settings.error_percent_threshold, 50);
  EXPECT_EQ(settings.sleep_window, milliseconds(5000));
}

TEST_F(CircuitBreakerTest, StaysClosedBelowTheVolumeThresholdEvenIfEverythingFails) {
  Make();
  Fail(19);
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  EXPECT_TRUE(changes_.empty());
  Fail(1);  // the 20th request reaches the volume threshold at 100 % errors
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  EXPECT_EQ(changes_, (std::vector<Change>{{BreakerState::kClosed, BreakerState::kOpen}}));
}

TEST_F(CircuitBreakerTest, OpensAtTheErrorPercentThreshold) {
  Make();
  Succeed(11);
  Fail(9);  // 45 %
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  Fail(1);  // 10 of 21 = 47.6 % -> 48
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  Fail(1);  // 11 of 22 = 50 %
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
}

TEST_F(CircuitBreakerTest, ErrorPercentIsRoundedLikeHystrix) {
  BreakerSettings settings;
  settings.request_volume_threshold = 1;
  Make(settings);
  Succeed(101);
  Fail(99);  // 99 of 200 = 49.5 % -> 50
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
}

TEST_F(CircuitBreakerTest, OpenShortCircuitsUntilTheSleepWindowThenLetsOneProbeThrough) {
  Make();
  Open();
  CircuitBreaker::Call refused = breaker_->Begin();
  EXPECT_EQ(refused.admission(), Admission::kShortCircuited);
  clock_.Advance(milliseconds(4999));
  EXPECT_EQ(breaker_->Begin().admission(), Admission::kShortCircuited);
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  clock_.Advance(milliseconds(1));

  CircuitBreaker::Call probe = breaker_->Begin();
  ASSERT_TRUE(probe.allowed());
  EXPECT_TRUE(probe.probe());
  EXPECT_EQ(breaker_->state(), BreakerState::kHalfOpen);
  EXPECT_EQ(breaker_->Begin().admission(), Admission::kShortCircuited);  // one probe only

  probe.Succeeded();
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  EXPECT_EQ(breaker_->Stats().window.Requests(), 0u);  // a closed breaker starts afresh
  EXPECT_EQ(changes_, (std::vector<Change>{{BreakerState::kClosed, BreakerState::kOpen},
                                           {BreakerState::kOpen, BreakerState::kHalfOpen},
                                           {BreakerState::kHalfOpen, BreakerState::kClosed}}));
  CircuitBreaker::Call next = breaker_->Begin();
  EXPECT_TRUE(next.allowed());
  EXPECT_FALSE(next.probe());
}

TEST_F(CircuitBreakerTest, FailedProbeReopensForAnotherSleepWindow) {
  Make();
  Open();
  clock_.Advance(seconds(5));
  CircuitBreaker::Call probe = breaker_->Begin();
  ASSERT_TRUE(probe.probe());
  clock_.Advance(milliseconds(300));
  probe.Failed();
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  clock_.Advance(milliseconds(4999));
  EXPECT_EQ(breaker_->Begin().admission(), Admission::kShortCircuited);
  clock_.Advance(milliseconds(1));
  CircuitBreaker::Call second_probe = breaker_->Begin();
  EXPECT_TRUE(second_probe.probe());
  EXPECT_EQ(breaker_->Stats().times_opened, 2u);
}

TEST_F(CircuitBreakerTest, TimedOutProbeReopens) {
  Make();
  Open();
  clock_.Advance(seconds(5));
  CircuitBreaker::Call probe = breaker_->Begin();
  probe.TimedOut();
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  EXPECT_EQ(breaker_->Stats().timeouts, 1u);
}

TEST_F(CircuitBreakerTest, AbandonedProbeReopensFromWhenItStarted) {
  Make();
  Open();
  clock_.Advance(seconds(5));
  {
    CircuitBreaker::Call probe = breaker_->Begin();
    ASSERT_TRUE(probe.probe());
    clock_.Advance(seconds(2));
  }  // no outcome reported
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  EXPECT_EQ(breaker_->Stats().in_flight, 0u);
  clock_.Advance(milliseconds(2999));
  EXPECT_EQ(breaker_->Begin().admission(), Admission::kShortCircuited);
  clock_.Advance(milliseconds(1));
  EXPECT_TRUE(breaker_->Begin().probe());
}

TEST_F(CircuitBreakerTest, LateSuccessOfAnOlderCallDoesNotCloseAnOpenBreaker) {
  Make();
  CircuitBreaker::Call slow = breaker_->Begin();
  Open();
  slow.Succeeded();
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
}

TEST_F(CircuitBreakerTest, OldBucketsRollOutOfTheTenSecondWindow) {
  Make();
  Fail(19);
  clock_.Advance(seconds(9));  // the first bucket is still inside the window
  EXPECT_EQ(breaker_->Stats().window.failures, 19u);
  clock_.Advance(seconds(1));  // now it is out
  EXPECT_EQ(breaker_->Stats().window.Requests(), 0u);
  Fail(1);
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  EXPECT_EQ(breaker_->Stats().failures, 20u);  // totals keep everything
}

TEST_F(CircuitBreakerTest, FailuresSpreadOverTheWindowStillOpenIt) {
  Make();
  for (int second = 0; second < 10; ++second) {
    Fail(2);
    if (second < 9) {
      EXPECT_EQ(breaker_->state(), BreakerState::kClosed) << second;
      clock_.Advance(seconds(1));
    }
  }
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
}

TEST_F(CircuitBreakerTest, RejectsBeyondMaxConcurrentRequests) {
  BreakerSettings settings;
  settings.max_concurrent_requests = 2;
  Make(settings);
  CircuitBreaker::Call a = breaker_->Begin();
  CircuitBreaker::Call b = breaker_->Begin();
  EXPECT_TRUE(a.allowed());
  EXPECT_TRUE(b.allowed());
  CircuitBreaker::Call c = breaker_->Begin();
  EXPECT_EQ(c.admission(), Admission::kRejected);
  c.Succeeded();  // a refused call records nothing
  EXPECT_EQ(breaker_->Stats().in_flight, 2u);
  a.Succeeded();
  EXPECT_TRUE(breaker_->Begin().allowed());
  const BreakerStats stats = breaker_->Stats();
  EXPECT_EQ(stats.rejected, 1u);
  EXPECT_EQ(stats.successes, 1u);
}

TEST_F(CircuitBreakerTest, RejectionsCountAsErrorsAndCanOpenTheBreaker) {
  BreakerSettings settings;
  settings.max_concurrent_requests = 1;
  Make(settings);
  CircuitBreaker::Call held = breaker_->Begin();
  for (int i = 0; i < 19; ++i) EXPECT_EQ(breaker_->Begin().admission(), Admission::kRejected);
  EXPECT_EQ(breaker_->state(), BreakerState::kClosed);
  EXPECT_EQ(breaker_->Begin().admission(), Admission::kRejected);
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  EXPECT_EQ(breaker_->Begin().admission(), Admission::kShortCircuited);
}

TEST_F(CircuitBreakerTest, TimeoutsCountAsFailures) {
  Make();
  for (int i = 0; i < 20; ++i) breaker_->Begin().TimedOut();
  EXPECT_EQ(breaker_->state(), BreakerState::kOpen);
  EXPECT_EQ(breaker_->Stats().timeouts, 20u);
  EXPECT_EQ(breaker_->Stats().failures, 0u);
}

TEST_F(CircuitBreakerTest, CountersForMetrics) {
  Make();
  Succeed(3);
  Fail(16);
  breaker_->Begin().TimedOut();  // 17 errors of 20: opens
  EXPECT_EQ(breaker_->Begin().admission(), Admission::kShortCircuited);
  EXPECT_EQ(breaker_->Begin().admission(), Admission::kShortCircuited);
  const BreakerStats stats = breaker_->Stats();
  EXPECT_EQ(stats.state, BreakerState::kOpen);
  EXPECT_EQ(stats.successes, 3u);
  EXPECT_EQ(stats.failures, 16u);
  EXPECT_EQ(stats.timeouts, 1u);
  EXPECT_EQ(stats.short_circuited, 2u);
  EXPECT_EQ(stats.rejected, 0u);
  EXPECT_EQ(stats.times_opened, 1u);
  EXPECT_EQ(stats.in_flight, 0u);
  EXPECT_EQ(stats.window.Requests(), 22u);
  EXPECT_EQ(stats.window.ErrorPercent(), 86);  // 19 of 22
}

TEST_F(CircuitBreakerTest, AMovedCallReportsOnce) {
  Make();
  CircuitBreaker::Call first = breaker_->Begin();
  CircuitBreaker::Call second = std::move(first);
  first.Failed();  // moved-from: no-op
  second.Succeeded();
  second.Failed();  // already reported: no-op
  const BreakerStats stats = breaker_->Stats();
  EXPECT_EQ(stats.successes, 1u);
  EXPECT_EQ(stats.failures, 0u);
  EXPECT_EQ(stats.in_flight, 0u);
}

TEST(BreakerStateNameTest, Names) {
  EXPECT_EQ(BreakerStateName(BreakerState::kClosed), "closed");
  EXPECT_EQ(BreakerStateName(BreakerState::kOpen), "open");
  EXPECT_EQ(BreakerStateName(BreakerState::kHalfOpen), "half-open");
}

}  // namespace
}  // namespace cairn::resilience
