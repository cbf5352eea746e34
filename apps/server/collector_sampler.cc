#include "apps/server/collector_sampler.h"

#include <limits>

namespace cairn::server {

namespace {

constexpr std::int64_t kLongMax = std::numeric_limits<std::int64_t>::max();
constexpr std::int64_t kLongMin = std::numeric_limits<std::int64_t>::min();

// Java's (long) (Long.MAX_VALUE * rate): long * float is computed in float, and the narrowing
// cast saturates (2^63 as a float becomes Long.MAX_VALUE).
std::int64_t BoundaryOf(float rate) {
  if (!(rate > 0.0f)) return 0;
  const float product = static_cast<float>(kLongMax) * rate;
  if (product >= static_cast<float>(kLongMax)) return kLongMax;
  return static_cast<std::int64_t>(product);
}

}  // namespace

CollectorSampler::CollectorSampler(float rate) : boundary_(BoundaryOf(rate)) {}

bool CollectorSampler::IsSampled(std::uint64_t trace_id_low, bool debug) const {
  if (debug) return true;
  const auto signed_id = static_cast<std::int64_t>(trace_id_low);
  const std::int64_t magnitude =
      signed_id == kLongMin ? kLongMax : (signed_id < 0 ? -signed_id : signed_id);
  return magnitude <= boundary_;
}

}  // namespace cairn::server
