#include "apps/landscape/common/request_metrics.h"

#include <chrono>
#include <string>

#include "lib/net/request_context.h"

namespace cairn::landscape {

std::string_view MethodLabel(net::http::verb method) {
  using net::http::verb;
  switch (method) {
    case verb::get:
    case verb::head:
    case verb::post:
    case verb::put:
    case verb::delete_:
    case verb::options:
    case verb::patch:
    case verb::trace:
    case verb::connect: {
      const auto name = net::http::to_string(method);
      return std::string_view(name.data(), name.size());
    }
    default:
      return "OTHER";
  }
}

net::Middleware RequestMetricsMiddleware(metrics::Registry& registry) {
  auto& family = registry.AddHistogramFamily(
      "http_server_requests_seconds", "Time to handle HTTP requests, by route and status",
      metrics::DefaultLatencyBuckets(), {"method", "route", "status"});
  return [&family](net::RequestContext& ctx,
                   const net::Handler& next) -> net::asio::awaitable<net::Response> {
    const auto start = std::chrono::steady_clock::now();
    net::Response res = co_await next(ctx);
    const double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const std::string status = std::to_string(res.result_int());
    const std::string_view route = ctx.route().empty() ? "none" : ctx.route();
    family.With({MethodLabel(ctx.method()), route, status}).Observe(seconds);
    co_return res;
  };
}

void RegisterServerMetrics(metrics::Registry& registry, std::function<net::ServerStats()> stats) {
  using metrics::MetricType;
  registry.AddCollector([stats = std::move(stats)](metrics::TextWriter& w) {
    const net::ServerStats s = stats();
    w.Single("cairn_http_connections_active", MetricType::kGauge, "Open HTTP connections",
             s.connections_active);
    w.Single("cairn_http_connections_total", MetricType::kCounter, "HTTP connections accepted",
             s.connections_accepted);
    w.Family("cairn_http_rejected_total", MetricType::kCounter,
             "Requests or connections refused by a server limit, by reason");
    w.Sample("cairn_http_rejected_total", {{"reason", "connections"}}, s.connections_rejected);
    w.Sample("cairn_http_rejected_total", {{"reason", "malformed"}}, s.rejected_malformed);
    w.Sample("cairn_http_rejected_total", {{"reason", "header_too_large"}},
             s.rejected_header_too_large);
    w.Sample("cairn_http_rejected_total", {{"reason", "body_too_large"}},
             s.rejected_body_too_large);
    w.Sample("cairn_http_rejected_total", {{"reason", "header_timeout"}}, s.header_timeouts);
    w.Sample("cairn_http_rejected_total", {{"reason", "body_timeout"}}, s.body_timeouts);
    w.Single("cairn_http_handler_errors_total", MetricType::kCounter,
             "Handlers that threw (answered 500)", s.handler_errors);
  });
}

void RegisterPoolMetrics(metrics::Registry& registry, const net::BlockingPool& pool) {
  registry.AddCallback("cairn_blocking_pool_pending", "Blocking tasks queued or running",
                       metrics::MetricType::kGauge,
                       [&pool] { return static_cast<double>(pool.pending()); });
  registry.AddCallback("cairn_blocking_pool_rejected_total",
                       "Blocking tasks refused because the pool was full or stopped",
                       metrics::MetricType::kCounter,
                       [&pool] { return static_cast<double>(pool.rejected()); });
}

}  // namespace cairn::landscape
