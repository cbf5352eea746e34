#include "apps/server/metrics.h"

#include <algorithm>

#include "lib/net/request_context.h"

namespace cairn::server {

CollectorMetrics::Snapshot CollectorMetrics::Read() const {
  Snapshot s;
  s.messages = messages_.load(std::memory_order_relaxed);
  s.messages_dropped = messages_dropped_.load(std::memory_order_relaxed);
  s.bytes = bytes_.load(std::memory_order_relaxed);
  s.spans = spans_.load(std::memory_order_relaxed);
  s.spans_dropped = spans_dropped_.load(std::memory_order_relaxed);
  s.message_spans = message_spans_.load(std::memory_order_relaxed);
  s.message_bytes = message_bytes_.load(std::memory_order_relaxed);
  return s;
}

void HttpRequestMetrics::Record(std::string_view method, unsigned status, std::string_view uri,
                                std::chrono::nanoseconds duration) {
  const double seconds = std::chrono::duration<double>(duration).count();
  Key key{std::string(method), status, std::string(uri)};
  std::lock_guard lock(mu_);
  Timing& timing = timings_[std::move(key)];
  ++timing.count;
  timing.sum_seconds += seconds;
  timing.max_seconds = std::max(timing.max_seconds, seconds);
}

std::vector<std::pair<HttpRequestMetrics::Key, HttpRequestMetrics::Timing>>
HttpRequestMetrics::Read() const {
  std::lock_guard lock(mu_);
  return {timings_.begin(), timings_.end()};
}

std::string UriLabel(std::string_view route, unsigned status) {
  // Operational and UI requests are not measured (they would drown the API's figures).
  if (route == "/health" || route == "/info" || route == "/metrics" || route == "/prometheus" ||
      route.starts_with("/actuator/") || route == "/" || route == "/favicon.ico" ||
      route == "/zipkin" || (route.starts_with("/zipkin/") && !route.starts_with("/zipkin/api/"))) {
    return {};
  }
  if (status >= 300 && status < 400) return "REDIRECTION";
  if (status == 404 || route.empty()) return "NOT_FOUND";
  // The UI's mount of the API is reported as the API itself.
  if (route.starts_with("/zipkin/api/")) route.remove_prefix(std::string_view("/zipkin").size());
  return std::string(route);
}

net::Middleware RequestMetricsMiddleware(HttpRequestMetrics& metrics) {
  return [&metrics](net::RequestContext& ctx,
                    const net::Handler& next) -> net::asio::awaitable<net::Response> {
    const auto start = std::chrono::steady_clock::now();
    net::Response res = co_await next(ctx);
    const std::string uri = UriLabel(ctx.route(), res.result_int());
    if (!uri.empty()) {
      metrics.Record(ctx.request().method_string(), res.result_int(), uri,
                     std::chrono::steady_clock::now() - start);
    }
    co_return res;
  };
}

}  // namespace cairn::server
