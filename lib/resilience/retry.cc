#include "lib/resilience/retry.h"

#include <algorithm>
#include <cmath>

namespace cairn::resilience {

std::string_view VerdictName(Verdict verdict) {
  switch (verdict) {
    case Verdict::kSuccess:
      return "success";
    case Verdict::kRetryable:
      return "retryable";
    case Verdict::kPermanent:
      return "permanent";
  }
  return "unknown";
}

std::chrono::milliseconds RetryPolicy::BackoffBefore(int retry) const {
  if (backoff.count() <= 0) return std::chrono::milliseconds(0);
  const double factor = std::pow(std::max(multiplier, 0.0), std::max(retry - 1, 0));
  const double ms = static_cast<double>(backoff.count()) * factor;
  const double cap = static_cast<double>(std::max(max_backoff, backoff).count());
  if (!std::isfinite(ms) || ms >= cap) return std::max(max_backoff, backoff);
  return std::chrono::milliseconds(static_cast<std::int64_t>(ms));
}

Verdict ClassifyHttp(bool transport_error, unsigned status) {
  if (transport_error || status >= 500) return Verdict::kRetryable;
  if (status >= 400) return Verdict::kPermanent;
  return Verdict::kSuccess;
}

}  // namespace cairn::resilience
