// Cost of routing one request through a Zipkin-sized route table, with and without middleware.
#include <benchmark/benchmark.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>

#include "lib/net/cors.h"
#include "lib/net/router.h"

namespace cairn::net {
namespace {

Router ZipkinRoutes() {
  Router router;
  auto ok = [](RequestContext&) { return MakeResponse(http::status::ok); };
  for (const char* path :
       {"/health", "/info", "/metrics", "/prometheus", "/api/v2/services", "/api/v2/spans",
        "/api/v2/remoteServices", "/api/v2/traces", "/api/v2/trace/{traceId}", "/api/v2/traceMany",
        "/api/v2/dependencies", "/api/v2/autocompleteKeys", "/api/v2/autocompleteValues",
        "/zipkin/{path...}"}) {
    router.Get(path, ok);
  }
  router.Post("/api/v2/spans", ok).Post("/api/v1/spans", ok);
  return router;
}

void RunRoute(benchmark::State& state, const Router& router, std::string_view target) {
  asio::io_context ioc;
  Request req(http::verb::get, target, 11);
  req.set(http::field::origin, "http://ui.example");
  RequestContext ctx;
  for (auto _ : state) {
    asio::co_spawn(
        ioc,
        [&]() -> asio::awaitable<void> {
          ctx.Reset(req, {});
          Response res = co_await router.Handle(ctx);
          benchmark::DoNotOptimize(res);
        },
        asio::detached);
    ioc.run();
    ioc.restart();
  }
}

void BM_RouteTraceById(benchmark::State& state) {
  Router router = ZipkinRoutes();
  RunRoute(state, router, "/api/v2/trace/463ac35c9f6413ad48485a3953bb6124");
}
BENCHMARK(BM_RouteTraceById);

void BM_RouteTracesQuery(benchmark::State& state) {
  Router router = ZipkinRoutes();
  RunRoute(state, router, "/api/v2/traces?serviceName=frontend&limit=10&lookback=3600000");
}
BENCHMARK(BM_RouteTracesQuery);

void BM_RouteNotFound(benchmark::State& state) {
  Router router = ZipkinRoutes();
  RunRoute(state, router, "/api/v3/nothing/here");
}
BENCHMARK(BM_RouteNotFound);

void BM_RouteWithCors(benchmark::State& state) {
  Router router = ZipkinRoutes();
  router.Use(CorsMiddleware(CorsOptions()));
  RunRoute(state, router, "/api/v2/trace/463ac35c9f6413ad48485a3953bb6124");
}
BENCHMARK(BM_RouteWithCors);

}  // namespace
}  // namespace cairn::net

BENCHMARK_MAIN();
