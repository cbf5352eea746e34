#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "lib/resilience/circuit_breaker.h"

namespace cairn::resilience {
namespace {

// Many threads through one breaker: every call is accounted for exactly once and the observer
// sees as many openings as the counters.
TEST(CircuitBreakerConcurrentTest, CountsStayConsistentUnderContention) {
  FakeClock clock;
  std::atomic<int> openings{0};
  BreakerSettings settings;
  settings.max_concurrent_requests = 3;
  settings.error_percent_threshold = 40;
  settings.sleep_window = std::chrono::milliseconds(1);
  CircuitBreaker breaker("db", settings, clock,
                         [&](std::string_view, BreakerState, BreakerState to) {
                           if (to == BreakerState::kOpen) openings.fetch_add(1);
                         });
  constexpr int kThreads = 4;
  constexpr int kCalls = 5000;
  std::atomic<std::uint64_t> allowed{0};
  std::atomic<std::uint64_t> refused{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        if (t == 0 && i % 50 == 0) clock.Advance(std::chrono::milliseconds(2));
        CircuitBreaker::Call call = breaker.Begin();
        if (!call.allowed()) {
          refused.fetch_add(1);
          continue;
        }
        allowed.fetch_add(1);
        if ((i + t) % 2 == 0) {
          call.Failed();
        } else if ((i + t) % 7 == 0) {
          call.TimedOut();
        } else {
          call.Succeeded();
        }
        (void)breaker.Stats();
      }
    });
  }
  for (std::thread& thread : threads) thread.join();
  const BreakerStats stats = breaker.Stats();
  EXPECT_EQ(stats.in_flight, 0u);
  EXPECT_EQ(stats.successes + stats.failures + stats.timeouts, allowed.load());
  EXPECT_EQ(stats.short_circuited + stats.rejected, refused.load());
  EXPECT_EQ(allowed.load() + refused.load(), std::uint64_t{kThreads} * kCalls);
  EXPECT_EQ(stats.times_opened, static_cast<std::uint64_t>(openings.load()));
  EXPECT_GT(stats.times_opened, 0u);
}

}  // namespace
}  // namespace cairn::resilience
