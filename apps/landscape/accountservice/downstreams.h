// Downstreams: the accountservice's calls to quotes-service and imageservice, each through its
// own circuit breaker ("quotes-service", "imageservice") with retries, answering a fallback
// whenever the downstream cannot give a usable answer:
//
//   GET <quotes_service_url>/api/quote?strength=<N>   client span "getquote"
//   GET <imageservice_url>/accounts/<id>              client span "getimageurl"
//
// Inside the breaker: 1 attempt + `retries` retries `retry_backoff` apart on transport errors and
// 5xx, all within the breaker's Timeout (lib/resilience guarded_call.h); a 4xx is not retried and
// not a breaker failure, but its body is no quote, so the fallback is used. Each attempt is one
// CLIENT span (landscape UpstreamClient: B3 headers, http.* tags, error on failure). A call the
// breaker refuses (open, or too many in flight) makes no request; it is recorded as a CLIENT span
// of the same name, tagged circuit_breaker.name/state and error, so the trace shows why the
// fallback was used.
//
// Outcomes are counted in /metrics as downstream_calls_total{downstream,result} with result one
// of success, short-circuited, rejected, timeout, failed, client-error, bad-response; fallbacks
// are logged (warning, or debug for calls the breaker refused, which can be many).
//
// Thread-safe: the calls may run concurrently on any executor; the tracer and registry must
// outlive this object, and the coroutines it returns must finish before it is destroyed.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <memory>
#include <string>
#include <string_view>

#include "apps/landscape/accountservice/account_json.h"
#include "apps/landscape/accountservice/breaker_metrics.h"
#include "apps/landscape/common/upstream_client.h"
#include "cairn/trace/tracer.h"
#include "lib/metrics/registry.h"
#include "lib/resilience/breaker_settings.h"
#include "lib/resilience/circuit_breaker.h"
#include "lib/resilience/clock.h"
#include "lib/resilience/guarded_call.h"
#include "lib/resilience/retry.h"

namespace cairn::accountservice {

// Breaker and remote service names.
inline constexpr std::string_view kQuotesBreakerName = "quotes-service";
inline constexpr std::string_view kImageBreakerName = "imageservice";

struct DownstreamOptions {
  std::string quotes_service_url = "http://127.0.0.1:8080";
  std::string imageservice_url = "http://127.0.0.1:7777";
  int quote_strength = 4;
  resilience::RetryPolicy retry = resilience::RetryPolicy::Fixed(3, std::chrono::milliseconds(100));
  resilience::BreakerSettings quotes_breaker;
  resilience::BreakerSettings image_breaker;
  landscape::UpstreamOptions upstream;
  // The breakers' clock (tests); must outlive the Downstreams.
  const resilience::Clock* clock = nullptr;
};

// How one guarded call ended, for tests and logs.
struct CallReport {
  std::string result;  // "success" or why the fallback was used (see above)
  resilience::GuardedOutcome outcome;
  std::string detail;  // the last error, for logs
  bool fallback() const { return result != "success"; }
};

class Downstreams {
 public:
  Downstreams(trace::Tracer& tracer, metrics::Registry& registry, DownstreamOptions options);

  // The quote for an account answer: quotes-service's, or FallbackQuote().
  boost::asio::awaitable<Quote> GetQuote(CallReport* report = nullptr) const;
  // The image data of an account: imageservice's, or FallbackImageData().
  boost::asio::awaitable<ImageData> GetImageData(std::string account_id,
                                                 CallReport* report = nullptr) const;

  resilience::CircuitBreaker& quotes_breaker() const { return *quotes_.breaker; }
  resilience::CircuitBreaker& image_breaker() const { return *image_.breaker; }

 private:
  struct Target {
    std::string name;       // breaker and remote service name
    std::string span_name;  // client span name
    std::shared_ptr<resilience::CircuitBreaker> breaker;
  };
  struct Fetched {
    CallReport report;
    std::string body;  // the 2xx body when report.result is "success"
  };

  boost::asio::awaitable<Fetched> Fetch(const Target& target, std::string url) const;
  void RecordRefusal(const Target& target, const resilience::GuardedOutcome& outcome) const;
  void Count(const Target& target, const CallReport& report) const;

  trace::Tracer& tracer_;
  DownstreamOptions options_;
  landscape::UpstreamClient client_;
  BreakerMetrics breaker_metrics_;
  metrics::Family<metrics::Counter>& calls_;
  Target quotes_;
  Target image_;
};

// Percent-encodes everything but RFC 3986 unreserved characters, for a path segment.
std::string EncodePathSegment(std::string_view segment);

}  // namespace cairn::accountservice
