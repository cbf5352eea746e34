#include "apps/landscape/accountservice/downstreams.h"

#include <spdlog/spdlog.h>

#include <functional>
#include <utility>

namespace cairn::accountservice {
namespace {

namespace asio = boost::asio;
using resilience::CallPath;
using resilience::GuardedOutcome;

using Answer = Result<net::Response>;

constexpr std::string_view kTagBreakerName = "circuit_breaker.name";
constexpr std::string_view kTagBreakerState = "circuit_breaker.state";
constexpr std::string_view kTagAttempt = "retry.attempt";

bool IsUnreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
         c == '.' || c == '_' || c == '~';
}

}  // namespace

std::string EncodePathSegment(std::string_view segment) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(segment.size());
  for (char c : segment) {
    if (IsUnreserved(c)) {
      out += c;
    } else {
      const auto byte = static_cast<unsigned char>(c);
      out += '%';
      out += kHex[byte >> 4];
      out += kHex[byte & 0xF];
    }
  }
  return out;
}

Downstreams::Downstreams(trace::Tracer& tracer, metrics::Registry& registry,
                         DownstreamOptions options)
    : tracer_(tracer),
      options_(std::move(options)),
      client_(tracer, options_.upstream),
      breaker_metrics_(registry),
      calls_(registry.AddCounterFamily("downstream_calls_total",
                                       "Calls to downstream services, by result (anything but "
                                       "success means the fallback was used)",
                                       {"downstream", "result"})) {
  const resilience::Clock& clock =
      options_.clock != nullptr ? *options_.clock : resilience::SteadyClock();
  quotes_ = Target{
      std::string(kQuotesBreakerName), "getquote",
      breaker_metrics_.Make(std::string(kQuotesBreakerName), options_.quotes_breaker, clock)};
  image_ =
      Target{std::string(kImageBreakerName), "getimageurl",
             breaker_metrics_.Make(std::string(kImageBreakerName), options_.image_breaker, clock)};
}

asio::awaitable<Downstreams::Fetched> Downstreams::Fetch(const Target& target,
                                                         std::string url) const {
  std::string last_error;
  std::function<asio::awaitable<Answer>(int)> attempt = [&](int number) -> asio::awaitable<Answer> {
    landscape::UpstreamRequest request;
    request.url = url;
    request.span_name = target.span_name;
    request.remote_service = target.name;
    // Every attempt's CLIENT span says which breaker guarded it, in what state, and which try it
    // was.
    request.span_tags = {{std::string(kTagBreakerName), target.name},
                         {std::string(kTagBreakerState),
                          std::string(resilience::BreakerStateName(target.breaker->state()))},
                         {std::string(kTagAttempt), std::to_string(number)}};
    Answer answer = co_await client_.Call(std::move(request));
    if (!answer.ok()) {
      last_error = answer.status().message();
    } else if (answer->result_int() >= 400) {
      last_error = target.name + " answered " + std::to_string(answer->result_int());
    }
    co_return answer;
  };
  std::function<resilience::Verdict(const Answer&)> classify = [](const Answer& answer) {
    return answer.ok() ? resilience::ClassifyHttp(false, answer->result_int())
                       : resilience::ClassifyHttp(true, 0);
  };
  std::function<Answer(const GuardedOutcome&)> fallback = [](const GuardedOutcome& outcome) {
    return Answer(Unavailable(std::string(resilience::CallPathName(outcome.path))));
  };
  resilience::Guarded<Answer> guarded =
      co_await resilience::CallGuarded<Answer>(*target.breaker, options_.retry, std::move(attempt),
                                               std::move(classify), std::move(fallback));

  Fetched fetched;
  fetched.report.outcome = guarded.outcome;
  fetched.report.detail = std::move(last_error);
  const CallPath path = guarded.outcome.path;
  if (path == CallPath::kShortCircuited || path == CallPath::kRejected) {
    RecordRefusal(target, guarded.outcome);
  }
  if (path != CallPath::kSuccess) {
    fetched.report.result = std::string(resilience::CallPathName(path));
  } else if (!guarded.value.ok() || guarded.value->result_int() >= 300) {
    // A 4xx is the downstream's answer, so the breaker counts a success, but it is no quote.
    fetched.report.result = "client-error";
  } else {
    fetched.report.result = "success";
    fetched.body = std::move(guarded.value->body());
  }
  co_return fetched;
}

void Downstreams::RecordRefusal(const Target& target, const GuardedOutcome& outcome) const {
  trace::SpanOptions span_options;
  span_options.kind = trace::SpanKind::kClient;
  trace::Span span = tracer_.StartSpan(target.span_name, span_options);
  span.SetRemoteServiceName(target.name);
  span.Tag(kTagBreakerName, target.name);
  span.Tag(kTagBreakerState, resilience::BreakerStateName(outcome.state_after));
  span.SetError(outcome.path == CallPath::kRejected
                    ? "circuit breaker " + target.name + " rejected the call: too many in flight"
                    : "circuit breaker " + target.name + " is open: call short-circuited");
  span.Finish();
}

void Downstreams::Count(const Target& target, const CallReport& report) const {
  calls_.With({target.name, report.result}).Increment();
  if (!report.fallback()) return;
  const CallPath path = report.outcome.path;
  if (path == CallPath::kShortCircuited || path == CallPath::kRejected) {
    spdlog::debug("{} call {}, breaker {}: using the fallback", target.name, report.result,
                  resilience::BreakerStateName(report.outcome.state_after));
  } else {
    spdlog::warn("{} call {} after {} attempt(s){}{}, breaker {}: using the fallback", target.name,
                 report.result, report.outcome.attempts, report.detail.empty() ? "" : ": ",
                 report.detail, resilience::BreakerStateName(report.outcome.state_after));
  }
}

asio::awaitable<Quote> Downstreams::GetQuote(CallReport* report) const {
  Fetched fetched = co_await Fetch(
      quotes_,
      landscape::JoinUrl(options_.quotes_service_url,
                         "/api/quote?strength=" + std::to_string(options_.quote_strength)));
  Quote quote = FallbackQuote();
  if (!fetched.report.fallback()) {
    Result<Quote> decoded = DecodeQuote(fetched.body);
    if (decoded.ok()) {
      quote = std::move(decoded).value();
    } else {
      fetched.report.result = "bad-response";
      fetched.report.detail = decoded.status().message();
    }
  }
  Count(quotes_, fetched.report);
  if (report != nullptr) *report = std::move(fetched.report);
  co_return quote;
}

asio::awaitable<ImageData> Downstreams::GetImageData(std::string account_id,
                                                     CallReport* report) const {
  Fetched fetched = co_await Fetch(
      image_,
      landscape::JoinUrl(options_.imageservice_url, "/accounts/" + EncodePathSegment(account_id)));
  ImageData image = FallbackImageData();
  if (!fetched.report.fallback()) {
    Result<ImageData> decoded = DecodeImageData(fetched.body);
    if (decoded.ok()) {
      image = std::move(decoded).value();
    } else {
      fetched.report.result = "bad-response";
      fetched.report.detail = decoded.status().message();
    }
  }
  Count(image_, fetched.report);
  if (report != nullptr) *report = std::move(fetched.report);
  co_return image;
}

}  // namespace cairn::accountservice
