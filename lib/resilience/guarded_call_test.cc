#include "lib/resilience/guarded_call.h"

#include <gtest/gtest.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <stdexcept>
#include <vector>

namespace cairn::resilience {
namespace {

namespace asio = boost::asio;
using std::chrono::milliseconds;
using Steady = std::chrono::steady_clock;

TEST(RetryPolicyTest, FixedAndExponentialBackoff) {
  const RetryPolicy fixed = RetryPolicy::Fixed(3, milliseconds(100));
  EXPECT_EQ(fixed.retries, 3);
  for (int retry = 1; retry <= 3; ++retry) EXPECT_EQ(fixed.BackoffBefore(retry), milliseconds(100));
  const RetryPolicy exponential = RetryPolicy::Exponential(6, milliseconds(10), milliseconds(100));
  EXPECT_EQ(exponential.BackoffBefore(1), milliseconds(10));
  EXPECT_EQ(exponential.BackoffBefore(2), milliseconds(20));
  EXPECT_EQ(exponential.BackoffBefore(4), milliseconds(80));
  EXPECT_EQ(exponential.BackoffBefore(5), milliseconds(100));  // capped
  EXPECT_EQ(exponential.BackoffBefore(1000), milliseconds(100));
  EXPECT_EQ(RetryPolicy::Fixed(1, milliseconds(0)).BackoffBefore(1), milliseconds(0));
  const RetryPolicy defaults;
  EXPECT_EQ(defaults.retries, 3);
  EXPECT_EQ(defaults.BackoffBefore(3), milliseconds(100));
}

TEST(RetryPolicyTest, HttpClassification) {
  EXPECT_EQ(ClassifyHttp(true, 0), Verdict::kRetryable);
  EXPECT_EQ(ClassifyHttp(true, 200), Verdict::kRetryable);
  EXPECT_EQ(ClassifyHttp(false, 500), Verdict::kRetryable);
  EXPECT_EQ(ClassifyHttp(false, 503), Verdict::kRetryable);
  EXPECT_EQ(ClassifyHttp(false, 404), Verdict::kPermanent);
  EXPECT_EQ(ClassifyHttp(false, 400), Verdict::kPermanent);
  EXPECT_EQ(ClassifyHttp(false, 299), Verdict::kSuccess);
  EXPECT_EQ(ClassifyHttp(false, 304), Verdict::kSuccess);
  EXPECT_EQ(VerdictName(Verdict::kPermanent), "permanent");
  EXPECT_EQ(CallPathName(CallPath::kShortCircuited), "short-circuited");
}

class GuardedCallTest : public ::testing::Test {
 protected:
  CircuitBreaker& Make(BreakerSettings settings = {}) {
    breaker_ = std::make_unique<CircuitBreaker>("quotes-service", settings, clock_);
    return *breaker_;
  }

  GuardedOutcome Run(RetryPolicy retry, AttemptFn attempt) {
    std::optional<GuardedOutcome> result;
    asio::co_spawn(io_, RunGuarded(*breaker_, retry, std::move(attempt)),
                   [&](std::exception_ptr error, GuardedOutcome outcome) {
                     EXPECT_FALSE(error);
                     result = outcome;
                   });
    io_.run();
    io_.restart();
    EXPECT_TRUE(result.has_value());
    return result.value_or(GuardedOutcome{});
  }

  // An attempt that answers the scripted verdicts in turn and records when each started.
  AttemptFn Script(std::vector<Verdict> verdicts) {
    return [this, verdicts](int n) -> asio::awaitable<Verdict> {
      starts_.push_back(Steady::now());
      EXPECT_LT(n, static_cast<int>(verdicts.size()));
      co_return verdicts.at(static_cast<std::size_t>(n));
    };
  }

  // An attempt that waits 10 s (unless cancelled) and records how its wait ended.
  AttemptFn Hang() {
    return [this](int) -> asio::awaitable<Verdict> {
      starts_.push_back(Steady::now());
      asio::steady_timer timer(co_await asio::this_coro::executor, std::chrono::seconds(10));
      auto [ec] = co_await timer.async_wait(asio::as_tuple(asio::use_awaitable));
      hang_errors_.push_back(ec);
      co_return Verdict::kRetryable;
    };
  }

  milliseconds Gap(std::size_t i) const {
    return std::chrono::duration_cast<milliseconds>(starts_.at(i) - starts_.at(i - 1));
  }

  asio::io_context io_;
  FakeClock clock_;
  std::unique_ptr<CircuitBreaker> breaker_;
  std::vector<Steady::time_point> starts_;
  std::vector<boost::system::error_code> hang_errors_;
};

constexpr Verdict kOk = Verdict::kSuccess;
constexpr Verdict kRetry = Verdict::kRetryable;
constexpr Verdict k4xx = Verdict::kPermanent;

TEST_F(GuardedCallTest, SuccessOnTheFirstAttempt) {
  Make();
  const GuardedOutcome outcome = Run(RetryPolicy::Fixed(3, milliseconds(10)), Script({kOk}));
  EXPECT_EQ(outcome.path, CallPath::kSuccess);
  EXPECT_FALSE(outcome.fallback());
  EXPECT_EQ(outcome.attempts, 1);
  EXPECT_EQ(outcome.state_after, BreakerState::kClosed);
  EXPECT_EQ(breaker_->Stats().successes, 1u);
}

TEST_F(GuardedCallTest, RetriesWithFixedBackoffUntilSuccess) {
  Make();
  const GuardedOutcome outcome =
      Run(RetryPolicy::Fixed(3, milliseconds(20)), Script({kRetry, kRetry, kOk}));
  EXPECT_EQ(outcome.path, CallPath::kSuccess);
  EXPECT_EQ(outcome.attempts, 3);
  ASSERT_EQ(starts_.size(), 3u);
  EXPECT_GE(Gap(1), milliseconds(20));
  EXPECT_GE(Gap(2), milliseconds(20));
  const BreakerStats stats = breaker_->Stats();
  EXPECT_EQ(stats.successes, 1u);  // the breaker sees the call, not the attempts
  EXPECT_EQ(stats.failures, 0u);
}

TEST_F(GuardedCallTest, OneAttemptPlusThreeRetriesThenOneBreakerFailure) {
  Make();
  const GuardedOutcome outcome =
      Run(RetryPolicy::Fixed(3, milliseconds(1)), Script({kRetry, kRetry, kRetry, kRetry}));
  EXPECT_EQ(outcome.path, CallPath::kFailed);
  EXPECT_TRUE(outcome.fallback());
  EXPECT_EQ(outcome.attempts, 4);
  EXPECT_EQ(outcome.last, kRetry);
  EXPECT_EQ(breaker_->Stats().failures, 1u);
}

TEST_F(GuardedCallTest, FourHundredsAreNotRetriedAndNotBreakerFailures) {
  Make();
  const GuardedOutcome outcome = Run(RetryPolicy::Fixed(3, milliseconds(1)), Script({k4xx}));
  EXPECT_EQ(outcome.path, CallPath::kSuccess);
  EXPECT_EQ(outcome.last, k4xx);
  EXPECT_EQ(outcome.attempts, 1);
  EXPECT_EQ(breaker_->Stats().successes, 1u);
}

TEST_F(GuardedCallTest, ExponentialBackoffDoubles) {
  Make();
  const GuardedOutcome outcome =
      Run(RetryPolicy::Exponential(3, milliseconds(10), milliseconds(500)),
          Script({kRetry, kRetry, kRetry, kOk}));
  EXPECT_EQ(outcome.attempts, 4);
  ASSERT_EQ(starts_.size(), 4u);
  EXPECT_GE(Gap(1), milliseconds(10));
  EXPECT_GE(Gap(2), milliseconds(20));
  EXPECT_GE(Gap(3), milliseconds(40));
}

TEST_F(GuardedCallTest, TheBreakerTimeoutCoversAllRetries) {
  BreakerSettings settings;
  settings.timeout = milliseconds(100);
  Make(settings);
  const Steady::time_point start = Steady::now();
  // Attempts at 0, 40 and 80 ms; the one due at 120 ms never starts.
  const GuardedOutcome outcome =
      Run(RetryPolicy::Fixed(3, milliseconds(40)), Script({kRetry, kRetry, kRetry, kRetry}));
  const Steady::duration elapsed = Steady::now() - start;
  EXPECT_EQ(outcome.path, CallPath::kTimeout);
  EXPECT_EQ(outcome.attempts, 3);
  EXPECT_GE(elapsed, milliseconds(100));
  EXPECT_LT(elapsed, std::chrono::seconds(5));
  const BreakerStats stats = breaker_->Stats();
  EXPECT_EQ(stats.timeouts, 1u);
  EXPECT_EQ(stats.failures, 0u);
}

TEST_F(GuardedCallTest, AHangingAttemptIsCancelledAtTheDeadline) {
  BreakerSettings settings;
  settings.timeout = milliseconds(50);
  Make(settings);
  const Steady::time_point start = Steady::now();
  const GuardedOutcome outcome = Run(RetryPolicy::Fixed(3, milliseconds(1)), Hang());
  EXPECT_EQ(outcome.path, CallPath::kTimeout);
  EXPECT_EQ(outcome.attempts, 1);
  EXPECT_LT(Steady::now() - start, std::chrono::seconds(5));  // not the attempt's 10 s
  ASSERT_EQ(hang_errors_.size(), 1u);
  EXPECT_EQ(hang_errors_[0], asio::error::operation_aborted);
}

TEST_F(GuardedCallTest, OpenBreakerShortCircuitsWithoutAttempting) {
  BreakerSettings settings;
  settings.request_volume_threshold = 1;
  Make(settings);
  EXPECT_EQ(Run(RetryPolicy::Fixed(0, milliseconds(0)), Script({kRetry})).state_after,
            BreakerState::kOpen);
  starts_.clear();
  const GuardedOutcome outcome = Run(RetryPolicy::Fixed(3, milliseconds(1)), Script({kOk}));
  EXPECT_EQ(outcome.path, CallPath::kShortCircuited);
  EXPECT_EQ(outcome.attempts, 0);
  EXPECT_EQ(outcome.state_after, BreakerState::kOpen);
  EXPECT_TRUE(starts_.empty());

  clock_.Advance(settings.sleep_window);  // the probe closes it again
  const GuardedOutcome probe = Run(RetryPolicy::Fixed(3, milliseconds(1)), Script({kOk}));
  EXPECT_EQ(probe.path, CallPath::kSuccess);
  EXPECT_EQ(probe.state_after, BreakerState::kClosed);
}

TEST_F(GuardedCallTest, RejectedBeyondMaxConcurrentRequests) {
  BreakerSettings settings;
  settings.max_concurrent_requests = 1;
  settings.timeout = milliseconds(100);
  Make(settings);
  std::vector<GuardedOutcome> outcomes;
  auto record = [&](std::exception_ptr error, GuardedOutcome outcome) {
    EXPECT_FALSE(error);
    outcomes.push_back(outcome);
  };
  asio::co_spawn(io_, RunGuarded(*breaker_, RetryPolicy::Fixed(0, milliseconds(0)), Hang()),
                 record);
  asio::co_spawn(io_, RunGuarded(*breaker_, RetryPolicy::Fixed(0, milliseconds(0)), Hang()),
                 record);
  io_.run();
  ASSERT_EQ(outcomes.size(), 2u);
  EXPECT_EQ(outcomes[0].path, CallPath::kRejected);  // the second finishes first
  EXPECT_EQ(outcomes[1].path, CallPath::kTimeout);
  EXPECT_EQ(breaker_->Stats().rejected, 1u);
}

TEST_F(GuardedCallTest, AThrowingAttemptIsRetried) {
  Make();
  const GuardedOutcome outcome =
      Run(RetryPolicy::Fixed(3, milliseconds(1)), [](int n) -> asio::awaitable<Verdict> {
        if (n == 0) throw std::runtime_error("connection reset");
        co_return Verdict::kSuccess;
      });
  EXPECT_EQ(outcome.path, CallPath::kSuccess);
  EXPECT_EQ(outcome.attempts, 2);
}

TEST_F(GuardedCallTest, CallGuardedReturnsTheValueOrTheFallback) {
  BreakerSettings settings;
  settings.request_volume_threshold = 1;
  settings.error_percent_threshold = 30;  // the failure below is 1 of 3 calls
  Make(settings);
  auto call = [this](std::vector<int> statuses) {
    std::optional<Guarded<int>> result;
    asio::co_spawn(
        io_,
        CallGuarded<int>(
            *breaker_, RetryPolicy::Fixed(1, milliseconds(1)),
            [statuses](int n) -> asio::awaitable<int> {
              co_return statuses.at(static_cast<std::size_t>(n));
            },
            [](const int& status) { return ClassifyHttp(false, static_cast<unsigned>(status)); },
            [](const GuardedOutcome& outcome) {
              return outcome.path == CallPath::kShortCircuited ? -2 : -1;
            }),
        [&](std::exception_ptr error, Guarded<int> guarded) {
          EXPECT_FALSE(error);
          result = guarded;
        });
    io_.run();
    io_.restart();
    return result.value();
  };
  Guarded<int> ok = call({503, 200});
  EXPECT_EQ(ok.value, 200);
  EXPECT_EQ(ok.outcome.attempts, 2);
  EXPECT_EQ(call({404}).value, 404);  // a 4xx is the answer, not a fallback
  Guarded<int> failed = call({500, 502});
  EXPECT_EQ(failed.value, -1);
  EXPECT_EQ(failed.outcome.path, CallPath::kFailed);
  Guarded<int> open = call({200});
  EXPECT_EQ(open.value, -2);
  EXPECT_EQ(open.outcome.path, CallPath::kShortCircuited);
}

}  // namespace
}  // namespace cairn::resilience
