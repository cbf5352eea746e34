#include "apps/landscape/common/span_middleware.h"

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>

#include "lib/net/request_context.h"
#include "lib/trace_asio/asio_context.h"
#include "lib/trace_http/server_tracing.h"

namespace cairn::landscape {

net::Middleware ServerSpanMiddleware(trace::Tracer& tracer,
                                     std::shared_ptr<const RouteTracingTable> routes) {
  return [&tracer, routes = std::move(routes)](
             net::RequestContext& ctx,
             const net::Handler& next) -> net::asio::awaitable<net::Response> {
    const RouteTracing* route = nullptr;
    if (auto it = routes->find(ctx.route()); it != routes->end()) route = &it->second;
    if (route != nullptr && !route->traced) co_return co_await next(ctx);

    trace_http::ServerTracingOptions options;
    options.route = ctx.route();
    options.remote = &ctx.remote_endpoint();
    // The connection's coroutine shares its thread's slot with other connections; the handler
    // gets a slot of its own below instead.
    options.scope = false;
    options.http.tag_all_status_codes = true;
    trace_http::ServerSpanGuard guard(tracer, ctx.request(), options);
    if (ctx.route().empty()) guard.SetRoute({});
    if (route != nullptr && !route->span_name.empty()) guard.span().SetName(route->span_name);

    auto executor = co_await net::asio::this_coro::executor;
    net::Response res =
        co_await net::asio::co_spawn(trace_asio::make_context_executor(executor, guard.context()),
                                     next(ctx), net::asio::use_awaitable);
    guard.Finish(res);
    co_return res;
  };
}

}  // namespace cairn::landscape
