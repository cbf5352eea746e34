#include "lib/resilience/guarded_call.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/experimental/awaitable_operators.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <exception>
#include <variant>

namespace cairn::resilience {
namespace {

namespace asio = boost::asio;
using namespace boost::asio::experimental::awaitable_operators;

// The attempts and backoffs; races the deadline in RunGuarded. Cancellation (the deadline) ends
// it at its next wait.
asio::awaitable<Verdict> Attempts(const RetryPolicy& retry, const AttemptFn& attempt,
                                  GuardedOutcome& outcome) {
  asio::steady_timer backoff(co_await asio::this_coro::executor);
  for (int n = 0;; ++n) {
    Verdict verdict = Verdict::kRetryable;
    ++outcome.attempts;
    try {
      verdict = co_await attempt(n);
    } catch (const std::exception&) {
      verdict = Verdict::kRetryable;
    }
    outcome.last = verdict;
    if (verdict != Verdict::kRetryable || n >= retry.retries) co_return verdict;
    backoff.expires_after(retry.BackoffBefore(n + 1));
    auto [ec] = co_await backoff.async_wait(asio::as_tuple(asio::use_awaitable));
    if (ec) co_return Verdict::kRetryable;
  }
}

}  // namespace

std::string_view CallPathName(CallPath path) {
  switch (path) {
    case CallPath::kSuccess:
      return "success";
    case CallPath::kShortCircuited:
      return "short-circuited";
    case CallPath::kRejected:
      return "rejected";
    case CallPath::kTimeout:
      return "timeout";
    case CallPath::kFailed:
      return "failed";
  }
  return "unknown";
}

asio::awaitable<GuardedOutcome> RunGuarded(CircuitBreaker& breaker, RetryPolicy retry,
                                           AttemptFn attempt) {
  GuardedOutcome outcome;
  CircuitBreaker::Call call = breaker.Begin();
  if (!call.allowed()) {
    outcome.path = call.admission() == CircuitBreaker::Admission::kRejected
                       ? CallPath::kRejected
                       : CallPath::kShortCircuited;
    outcome.state_after = breaker.state();
    co_return outcome;
  }
  asio::steady_timer deadline(co_await asio::this_coro::executor, breaker.settings().timeout);
  try {
    std::variant<Verdict, std::monostate> raced =
        co_await (Attempts(retry, attempt, outcome) || deadline.async_wait(asio::use_awaitable));
    if (raced.index() == 1) {
      call.TimedOut();
      outcome.path = CallPath::kTimeout;
    } else if (std::get<0>(raced) == Verdict::kRetryable) {
      call.Failed();
      outcome.path = CallPath::kFailed;
    } else {
      call.Succeeded();
      outcome.path = CallPath::kSuccess;
    }
  } catch (const std::exception&) {
    // Only when the calling coroutine itself is cancelled: the call is abandoned, not counted.
    outcome.path = CallPath::kFailed;
    outcome.cancelled = true;
  }
  outcome.state_after = breaker.state();
  co_return outcome;
}

}  // namespace cairn::resilience
