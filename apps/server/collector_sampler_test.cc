#include "apps/server/collector_sampler.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <random>

namespace cairn::server {
namespace {

constexpr std::uint64_t kLongMin = 0x8000000000000000ULL;
constexpr std::int64_t kLongMax = std::numeric_limits<std::int64_t>::max();

TEST(CollectorSamplerTest, RateOneKeepsEverything) {
  CollectorSampler sampler(1.0f);
  EXPECT_EQ(sampler.boundary(), kLongMax);
  for (std::uint64_t id : {std::uint64_t{0}, std::uint64_t{1}, kLongMin, ~std::uint64_t{0},
                           std::uint64_t{0x7fffffffffffffff}}) {
    EXPECT_TRUE(sampler.IsSampled(id, false)) << id;
  }
}

TEST(CollectorSamplerTest, RateZeroKeepsOnlyDebugAndZero) {
  CollectorSampler sampler(0.0f);
  EXPECT_EQ(sampler.boundary(), 0);
  EXPECT_FALSE(sampler.IsSampled(1, false));
  EXPECT_FALSE(sampler.IsSampled(kLongMin, false));
  EXPECT_TRUE(sampler.IsSampled(1, true));
  EXPECT_TRUE(sampler.IsSampled(0, false));  // abs(0) <= 0, as in Zipkin
}

TEST(CollectorSamplerTest, UsesAbsoluteValueOfSignedLowBits) {
  CollectorSampler sampler(0.5f);
  // (long) (Long.MAX_VALUE * 0.5f) computed in float is exactly 2^62.
  EXPECT_EQ(sampler.boundary(), std::int64_t{1} << 62);
  EXPECT_TRUE(sampler.IsSampled(std::uint64_t{1} << 62, false));
  EXPECT_FALSE(sampler.IsSampled((std::uint64_t{1} << 62) + 1, false));
  // -2^62 has the same magnitude: kept. -(2^62 + 1): dropped.
  EXPECT_TRUE(sampler.IsSampled(static_cast<std::uint64_t>(-(std::int64_t{1} << 62)), false));
  EXPECT_FALSE(sampler.IsSampled(static_cast<std::uint64_t>(-(std::int64_t{1} << 62) - 1), false));
  // Long.MIN_VALUE counts as Long.MAX_VALUE: dropped below rate 1.
  EXPECT_FALSE(sampler.IsSampled(kLongMin, false));
}

TEST(CollectorSamplerTest, DecisionDependsOnLowerBitsOnly) {
  CollectorSampler sampler(0.3f);
  trace::SpanRecord a;
  a.trace_id = {0x1111, 0x4000000000000000};
  trace::SpanRecord b;
  b.trace_id = {0, 0x4000000000000000};
  EXPECT_EQ(sampler.IsSampled(a), sampler.IsSampled(b));
}

TEST(CollectorSamplerTest, RateIsRoughlyHonoured) {
  CollectorSampler sampler(0.1f);
  std::mt19937_64 rng(42);
  int kept = 0;
  constexpr int kIds = 100'000;
  for (int i = 0; i < kIds; ++i) kept += sampler.IsSampled(rng(), false) ? 1 : 0;
  EXPECT_NEAR(kept, kIds / 10, kIds / 100);  // Zipkin documents ~3% error
}

}  // namespace
}  // namespace cairn::server
