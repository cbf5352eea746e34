// Runs one downstream call from an Asio C++20 coroutine through a circuit breaker and a retry
// policy, the way the original's hystrix.Go + retrier did:
//
//   breaker admits the call (else: fallback, path kShortCircuited / kRejected)
//     attempt 0, backoff, attempt 1, ... (retry on Verdict::kRetryable only)
//   all of it within the breaker's Timeout (else: fallback, path kTimeout; counted as a timeout)
//   the last verdict decides: kSuccess / kPermanent -> breaker success, path kSuccess;
//   kRetryable after the last retry -> breaker failure, fallback, path kFailed.
//
// Waiting (backoff, deadline) uses asio::steady_timer on the caller's executor: no thread ever
// blocks. At the deadline the running attempt is cancelled through Asio's per-operation
// cancellation (Beast and timer operations honour it); an attempt that ignores cancellation
// delays the result until it returns. An attempt that throws counts as kRetryable.
//
// Each attempt is the caller's own coroutine, so it can start one client span per attempt; the
// outcome says which path was taken and the breaker state afterwards, for span tags
// (`circuit_breaker.state`) and logs.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <functional>
#include <optional>
#include <string_view>
#include <utility>

#include "lib/resilience/circuit_breaker.h"
#include "lib/resilience/retry.h"

namespace cairn::resilience {

enum class CallPath {
  kSuccess,         // a downstream answer (2xx/3xx, or a 4xx which is not retried)
  kShortCircuited,  // fallback: breaker open (or half-open with its probe out)
  kRejected,        // fallback: MaxConcurrentRequests calls already in flight
  kTimeout,         // fallback: the breaker Timeout passed before an answer
  kFailed,          // fallback: every attempt failed (or the caller was cancelled)
};

// "success", "short-circuited", "rejected", "timeout", "failed".
std::string_view CallPathName(CallPath path);

struct GuardedOutcome {
  CallPath path = CallPath::kFailed;
  int attempts = 0;                    // attempts started (0 when refused by the breaker)
  Verdict last = Verdict::kRetryable;  // verdict of the last attempt that finished
  BreakerState state_after = BreakerState::kClosed;  // for the `circuit_breaker.state` tag
  bool cancelled = false;  // the calling coroutine was cancelled; nothing counted

  bool fallback() const { return path != CallPath::kSuccess; }
};

// One attempt, numbered from 0. Runs on the caller's executor.
using AttemptFn = std::function<boost::asio::awaitable<Verdict>(int attempt)>;

// `breaker` must outlive the call. Never throws.
boost::asio::awaitable<GuardedOutcome> RunGuarded(CircuitBreaker& breaker, RetryPolicy retry,
                                                  AttemptFn attempt);

// The same for an attempt that produces a value (e.g. an HTTP response): `classify` judges each
// value, `fallback` makes the value returned on every path but kSuccess.
template <typename T>
struct Guarded {
  GuardedOutcome outcome;
  T value;
};

template <typename T>
boost::asio::awaitable<Guarded<T>> CallGuarded(
    CircuitBreaker& breaker, RetryPolicy retry,
    std::function<boost::asio::awaitable<T>(int attempt)> attempt,
    std::function<Verdict(const T&)> classify, std::function<T(const GuardedOutcome&)> fallback) {
  std::optional<T> last;
  GuardedOutcome outcome =
      co_await RunGuarded(breaker, retry, [&](int n) -> boost::asio::awaitable<Verdict> {
        T value = co_await attempt(n);
        const Verdict verdict = classify(value);
        last = std::move(value);
        co_return verdict;
      });
  if (outcome.path == CallPath::kSuccess && last) co_return Guarded<T>{outcome, std::move(*last)};
  co_return Guarded<T>{outcome, fallback(outcome)};
}

}  // namespace cairn::resilience
