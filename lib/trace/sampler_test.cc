#include "cairn/trace/sampler.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "lib/trace/rate_limiting_sampler.h"
#include "lib/trace/tracer_test_util.h"

namespace cairn::trace {
namespace {

using testing::CountingSampler;
using testing::FakeClock;

constexpr std::int64_t kMillis = 1'000'000;

TEST(ConstantSamplerTest, AlwaysAndNever) {
  EXPECT_TRUE(AlwaysSample()->IsSampled(TraceId{0, 1}));
  EXPECT_TRUE(AlwaysSample()->IsSampled(TraceId{0, ~0ULL}));
  EXPECT_FALSE(NeverSample()->IsSampled(TraceId{0, 1}));
  EXPECT_FALSE(NeverSample()->IsSampled(TraceId{0, ~0ULL}));
}

TEST(ProbabilitySamplerTest, RejectsRatesOutsideZeroToOne) {
  for (double bad : {-0.1, 1.5, 1.0000001, -std::numeric_limits<double>::infinity(),
                     std::numeric_limits<double>::quiet_NaN()}) {
    auto sampler = ProbabilitySampler(bad);
    ASSERT_FALSE(sampler.ok()) << bad;
    EXPECT_EQ(sampler.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(sampler.status().message().find("sampling rate must be in [0, 1]"),
              std::string::npos);
  }
  EXPECT_EQ(ProbabilitySampler(1.5).status().message(), "sampling rate must be in [0, 1], got 1.5");
  EXPECT_EQ(ProbabilitySampler(1.0000001).status().message(),
            "sampling rate must be in [0, 1], got 1.0000001");
  EXPECT_EQ(ProbabilitySampler(std::nan("")).status().message(),
            "sampling rate must be in [0, 1], got nan");
}

TEST(ProbabilitySamplerTest, ZeroAndOne) {
  auto never = ProbabilitySampler(0.0);
  auto always = ProbabilitySampler(1.0);
  ASSERT_TRUE(never.ok());
  ASSERT_TRUE(always.ok());
  for (std::uint64_t low : {1ULL, 1ULL << 63, ~0ULL}) {
    EXPECT_FALSE((*never)->IsSampled(TraceId{0, low}));
    EXPECT_TRUE((*always)->IsSampled(TraceId{0, low}));
  }
}

TEST(ProbabilitySamplerTest, ThresholdIsRateTimesTwoToThe64OnTheLowBits) {
  auto half = ProbabilitySampler(0.5);
  ASSERT_TRUE(half.ok());
  EXPECT_TRUE((*half)->IsSampled(TraceId{0, (1ULL << 63) - 1}));
  EXPECT_FALSE((*half)->IsSampled(TraceId{0, 1ULL << 63}));
  // The high bits never matter.
  EXPECT_TRUE((*half)->IsSampled(TraceId{~0ULL, 5}));
  EXPECT_FALSE((*half)->IsSampled(TraceId{1, ~0ULL}));

  auto quarter = ProbabilitySampler(0.25);
  ASSERT_TRUE(quarter.ok());
  EXPECT_TRUE((*quarter)->IsSampled(TraceId{0, (1ULL << 62) - 1}));
  EXPECT_FALSE((*quarter)->IsSampled(TraceId{0, 1ULL << 62}));
}

TEST(ProbabilitySamplerTest, DeterministicAcrossInstances) {
  // Two samplers (as in two processes) agree on every trace id.
  auto a = ProbabilitySampler(0.3);
  auto b = ProbabilitySampler(0.3);
  ASSERT_TRUE(a.ok());
  ASSERT_TRUE(b.ok());
  IdGenerator& ids = DefaultIdGenerator();
  for (int i = 0; i < 10000; ++i) {
    TraceId id{ids.NextId(), ids.NextId()};
    ASSERT_EQ((*a)->IsSampled(id), (*b)->IsSampled(id));
    ASSERT_EQ((*a)->IsSampled(id), (*a)->IsSampled(id));
  }
}

TEST(ProbabilitySamplerTest, KeepsAboutTheRateOfRandomIds) {
  for (double rate : {0.01, 0.1, 0.5, 0.9}) {
    auto sampler = ProbabilitySampler(rate);
    ASSERT_TRUE(sampler.ok());
    IdGenerator& ids = DefaultIdGenerator();
    constexpr int kDraws = 100000;
    int kept = 0;
    for (int i = 0; i < kDraws; ++i) kept += (*sampler)->IsSampled(TraceId{0, ids.NextId()});
    // Binomial: 6 standard deviations stay well inside these bounds.
    const double sigma = std::sqrt(kDraws * rate * (1 - rate));
    EXPECT_NEAR(kept, kDraws * rate, 6 * sigma) << "rate " << rate;
  }
}

TEST(RateLimitingSamplerTest, ValidatesAndZeroMeansNever) {
  auto negative = RateLimitingSampler(-1);
  ASSERT_FALSE(negative.ok());
  EXPECT_EQ(negative.status().message(), "traces_per_second must be >= 0, got -1");
  auto zero = RateLimitingSampler(0);
  ASSERT_TRUE(zero.ok());
  EXPECT_FALSE((*zero)->IsSampled(TraceId{0, 1}));
  auto real = RateLimitingSampler(1);
  ASSERT_TRUE(real.ok());
  EXPECT_TRUE((*real)->IsSampled(TraceId{0, 1}));
  EXPECT_FALSE((*real)->IsSampled(TraceId{0, 2}));
}

int CountAccepted(Sampler& sampler, int attempts) {
  int accepted = 0;
  for (int i = 0; i < attempts; ++i) accepted += sampler.IsSampled(TraceId{0, 1});
  return accepted;
}

TEST(RateLimitingSamplerTest, BelowTenTheWholeBudgetIsAvailableAtOnce) {
  FakeClock clock;
  internal::RateLimitingSamplerImpl sampler(5, clock);
  EXPECT_EQ(CountAccepted(sampler, 100), 5);
  clock.AdvanceNanos(900 * kMillis);
  EXPECT_EQ(CountAccepted(sampler, 100), 0);
  clock.AdvanceNanos(100 * kMillis);  // the window is over
  EXPECT_EQ(CountAccepted(sampler, 100), 5);
}

TEST(RateLimitingSamplerTest, FromTenTheBudgetIsSpreadPerDecisecond) {
  FakeClock clock;
  internal::RateLimitingSamplerImpl sampler(103, clock);
  // Decisecond 0: 10 + the remainder 3.
  EXPECT_EQ(CountAccepted(sampler, 1000), 13);
  clock.AdvanceNanos(100 * kMillis);
  EXPECT_EQ(CountAccepted(sampler, 1000), 10);
  // Deciseconds 2-4 skipped: their budget accumulates.
  clock.AdvanceNanos(400 * kMillis);
  EXPECT_EQ(CountAccepted(sampler, 1000), 40);
  clock.AdvanceNanos(450 * kMillis);  // 950 ms: the last decisecond allows up to 103 in total
  EXPECT_EQ(CountAccepted(sampler, 1000), 40);
  clock.AdvanceNanos(50 * kMillis);  // a new second
  EXPECT_EQ(CountAccepted(sampler, 1000), 13);
}

TEST(RateLimitingSamplerTest, ExactlyTenPerSecondIsOnePerDecisecond) {
  FakeClock clock;
  internal::RateLimitingSamplerImpl sampler(10, clock);
  int total = 0;
  for (int decisecond = 0; decisecond < 10; ++decisecond) {
    EXPECT_EQ(CountAccepted(sampler, 5), 1) << "decisecond " << decisecond;
    total += 1;
    clock.AdvanceNanos(100 * kMillis);
  }
  EXPECT_EQ(total, 10);
}

TEST(RateLimitingSamplerTest, ANewWindowStartsAtTheFirstDecisionAfterTheLastOne) {
  FakeClock clock;
  internal::RateLimitingSamplerImpl sampler(2, clock);
  EXPECT_EQ(CountAccepted(sampler, 10), 2);
  clock.AdvanceNanos(5000 * kMillis);  // idle for 5 s
  EXPECT_EQ(CountAccepted(sampler, 10), 2);
  clock.AdvanceNanos(999 * kMillis);
  EXPECT_EQ(CountAccepted(sampler, 10), 0);
  clock.AdvanceNanos(1 * kMillis);
  EXPECT_EQ(CountAccepted(sampler, 10), 2);
}

TEST(ParentBasedDecisionTest, DebugAndParentDecisionsWinOverTheRoot) {
  CountingSampler yes(true);
  CountingSampler no(false);
  TraceId id{0, 42};
  EXPECT_TRUE(ParentBasedDecision(no, SamplingDecision::kDefer, /*debug=*/true, id));
  EXPECT_TRUE(ParentBasedDecision(no, SamplingDecision::kDeny, /*debug=*/true, id));
  EXPECT_TRUE(ParentBasedDecision(no, SamplingDecision::kAccept, false, id));
  EXPECT_FALSE(ParentBasedDecision(yes, SamplingDecision::kDeny, false, id));
  EXPECT_EQ(yes.calls(), 0);
  EXPECT_EQ(no.calls(), 0);
  EXPECT_TRUE(ParentBasedDecision(yes, SamplingDecision::kDefer, false, id));
  EXPECT_FALSE(ParentBasedDecision(no, SamplingDecision::kDefer, false, id));
  EXPECT_EQ(yes.calls(), 1);
  EXPECT_EQ(no.calls(), 1);
}

}  // namespace
}  // namespace cairn::trace
