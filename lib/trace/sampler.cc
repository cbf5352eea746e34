// Samplers. Each decision is a few instructions (the rate limiter adds a clock read and a CAS), so
// the unsampled path of the tracer stays in the ~10 ns range.
#include "cairn/trace/sampler.h"

#include <charconv>
#include <cmath>
#include <string>

#include "lib/trace/rate_limiting_sampler.h"
#include "lib/trace/sampling_internal.h"

namespace cairn::trace {
namespace {

constexpr std::int64_t kNanosPerSecond = 1'000'000'000;
constexpr std::int64_t kNanosPerDecisecond = kNanosPerSecond / 10;

class ConstantSampler final : public Sampler {
 public:
  explicit ConstantSampler(bool decision) : decision_(decision) {}
  bool IsSampled(const TraceId&) override { return decision_; }

 private:
  const bool decision_;
};

class ProbabilitySamplerImpl final : public Sampler {
 public:
  explicit ProbabilitySamplerImpl(std::uint64_t threshold) : threshold_(threshold) {}
  // Only the id decides, so every process given the same rate agrees on the same trace.
  bool IsSampled(const TraceId& trace_id) override { return trace_id.low < threshold_; }

 private:
  const std::uint64_t threshold_;
};

// Shortest round-trip text, so the message shows exactly the rejected value (1.0000001, nan).
std::string FormatDouble(double value) {
  char buffer[32];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  return ec == std::errc() ? std::string(buffer, end) : std::string("?");
}

}  // namespace

namespace internal {

RateLimitingSamplerImpl::RateLimitingSamplerImpl(int traces_per_second, Clock& clock)
    : clock_(clock),
      spread_(traces_per_second >= 10),
      next_reset_ns_(clock.MonotonicNanos() + kNanosPerSecond) {
  if (spread_) {
    int per_decisecond = traces_per_second / 10;
    cumulative_max_[0] = per_decisecond + traces_per_second % 10;
    for (int i = 1; i < 10; ++i) cumulative_max_[i] = cumulative_max_[i - 1] + per_decisecond;
  } else {
    for (int& max : cumulative_max_) max = traces_per_second;
  }
}

int RateLimitingSamplerImpl::MaxUsage(std::int64_t nanos_until_reset) const {
  if (!spread_) return cumulative_max_[9];
  std::int64_t index = (kNanosPerSecond - nanos_until_reset) / kNanosPerDecisecond;
  if (index < 0) index = 0;  // a thread that read the clock long before a reset
  if (index > 9) index = 9;
  return cumulative_max_[index];
}

bool RateLimitingSamplerImpl::IsSampled(const TraceId&) {
  const std::int64_t now = clock_.MonotonicNanos();
  for (;;) {
    std::int64_t reset_at = next_reset_ns_.load(std::memory_order_acquire);
    const std::int64_t nanos_until_reset = reset_at - now;
    if (nanos_until_reset <= 0) {
      // The window is over: whoever moves the reset time also clears the usage; losers retry
      // against the window the winner opened.
      if (next_reset_ns_.compare_exchange_strong(reset_at, now + kNanosPerSecond,
                                                 std::memory_order_acq_rel)) {
        usage_.store(0, std::memory_order_release);
      }
      continue;
    }
    const int max = MaxUsage(nanos_until_reset);
    int usage = usage_.load(std::memory_order_relaxed);
    do {
      if (usage >= max) return false;
    } while (!usage_.compare_exchange_weak(usage, usage + 1, std::memory_order_relaxed));
    return true;
  }
}

}  // namespace internal

std::shared_ptr<Sampler> AlwaysSample() {
  static const std::shared_ptr<Sampler> sampler = std::make_shared<ConstantSampler>(true);
  return sampler;
}

std::shared_ptr<Sampler> NeverSample() {
  static const std::shared_ptr<Sampler> sampler = std::make_shared<ConstantSampler>(false);
  return sampler;
}

Result<std::shared_ptr<Sampler>> ProbabilitySampler(double rate) {
  // Written so that NaN fails too.
  if (!(rate >= 0.0 && rate <= 1.0)) {
    return InvalidArgument("sampling rate must be in [0, 1], got " + FormatDouble(rate));
  }
  if (rate == 0.0) return NeverSample();
  if (rate == 1.0) return AlwaysSample();
  // rate < 1 is at most 1 - 2^-53, so rate * 2^64 <= 2^64 - 2^11 fits in 64 bits exactly.
  const double threshold = std::ldexp(rate, 64);
  return std::shared_ptr<Sampler>(
      std::make_shared<ProbabilitySamplerImpl>(static_cast<std::uint64_t>(threshold)));
}

Result<std::shared_ptr<Sampler>> RateLimitingSampler(int traces_per_second) {
  if (traces_per_second < 0) {
    return InvalidArgument("traces_per_second must be >= 0, got " +
                           std::to_string(traces_per_second));
  }
  if (traces_per_second == 0) return NeverSample();
  return std::shared_ptr<Sampler>(
      std::make_shared<internal::RateLimitingSamplerImpl>(traces_per_second, SystemClock()));
}

bool ParentBasedDecision(Sampler& root, SamplingDecision parent, bool debug,
                         const TraceId& trace_id) {
  return internal::ParentBased(root, parent, debug, trace_id);
}

}  // namespace cairn::trace
