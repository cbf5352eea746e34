// Retry policy: 1 attempt + `retries` retries, waiting a fixed or exponentially growing backoff
// between them, and the rule deciding which outcomes are worth another attempt. The landscape uses
// 3 retries 100 ms apart (RetryPolicy::Fixed(3, 100ms)) on transport errors and HTTP 5xx; a 4xx is
// the downstream's considered answer and is neither retried nor a breaker failure. guarded_call.h
// runs the attempts; these are plain values and pure functions.
#pragma once

#include <chrono>
#include <string_view>

namespace cairn::resilience {

// What one attempt's outcome means.
enum class Verdict {
  kSuccess,    // done; the downstream is healthy
  kRetryable,  // transport error or 5xx: try again, and a breaker failure once retries run out
  kPermanent,  // 4xx: the answer stands; not retried and not a breaker failure
};

std::string_view VerdictName(Verdict verdict);  // "success", "retryable", "permanent"

struct RetryPolicy {
  int retries = 3;  // attempts = 1 + retries; 0 disables retrying
  std::chrono::milliseconds backoff{100};
  double multiplier = 1.0;  // 1: fixed backoff; 2: doubles every retry
  std::chrono::milliseconds max_backoff{10'000};

  static RetryPolicy Fixed(int retries, std::chrono::milliseconds backoff) {
    return {retries, backoff, 1.0, backoff};
  }
  static RetryPolicy Exponential(int retries, std::chrono::milliseconds initial,
                                 std::chrono::milliseconds max, double multiplier = 2.0) {
    return {retries, initial, multiplier, max};
  }

  // The wait before retry number `retry` (1-based): backoff * multiplier^(retry - 1), capped at
  // max_backoff (and never negative).
  std::chrono::milliseconds BackoffBefore(int retry) const;
};

// The landscape's rule for an HTTP call: a transport error (connect, read, write, timeout of the
// attempt) or a status >= 500 is retryable, 400-499 permanent, anything else success.
Verdict ClassifyHttp(bool transport_error, unsigned status);

}  // namespace cairn::resilience
