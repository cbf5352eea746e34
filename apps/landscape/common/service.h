// Service: the runtime every landscape process is built on. It owns the tracer and its reporter,
// the metrics registry, the blocking pool and the HTTP server, and wires them together:
//
//   - every request is timed into /metrics (http_server_requests_seconds{method,route,status});
//   - every request except /health and /metrics gets a SERVER span (span_middleware.h), named per
//     route, current for the handler's whole coroutine;
//   - GET /health answers 200 {"status":"UP"}, or 503 {"status":"<message>"} when the health
//     callback returns an error; GET /metrics answers the Prometheus text format with request,
//     server, pool, reporter and process metrics.
//
//   auto service = Service::Create({.name = "quotes-service", .config = config});
//   (*service)->Get("/api/quote", handler, {.span_name = "getquote"});
//   CAIRN_RETURN_IF_ERROR((*service)->Start());
//   ...
//   (*service)->Stop();   // drain requests, stop the pool, flush and close the reporter
//
// Routes and middleware are added before Start (not thread-safe); everything else is thread-safe.
// Handlers run on I/O threads: blocking or CPU-heavy work goes to blocking_pool() through
// net::RunBlocking. Objects handlers refer to can be handed to Keep() so they outlive the server.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "apps/landscape/common/local_endpoint.h"
#include "apps/landscape/common/service_config.h"
#include "apps/landscape/common/span_middleware.h"
#include "apps/landscape/common/tracing.h"
#include "cairn/trace/tracer.h"
#include "lib/base/status.h"
#include "lib/metrics/registry.h"
#include "lib/net/blocking_pool.h"
#include "lib/net/http_server.h"
#include "lib/net/router.h"

namespace cairn::landscape {

struct ServiceOptions {
  // Service name: the tracer's local service, the log prefix. Required.
  std::string name;
  ServiceConfig config;
  // Replaces the HTTP span reporter (tests).
  std::shared_ptr<trace::Reporter> reporter;
  // Called by GET /health on an I/O thread: must be quick and must not block. OK means UP; an
  // error's message becomes the 503 body's status. Default: always UP.
  std::function<Status()> health;
};

class Service {
 public:
  // InvalidArgument for a missing name or a bad zipkin URL / sample rate.
  static Result<std::unique_ptr<Service>> Create(ServiceOptions options);
  ~Service();  // Stop()
  Service(const Service&) = delete;
  Service& operator=(const Service&) = delete;

  const std::string& name() const { return options_.name; }
  const ServiceConfig& config() const { return options_.config; }
  const LocalEndpoint& local() const { return local_; }
  trace::Tracer& tracer() { return *tracing_.tracer; }
  metrics::Registry& metrics() { return registry_; }
  net::BlockingPool& blocking_pool() { return *pool_; }

  // Routes (before Start). `handler` is a net::Handler (coroutine) or net::SyncHandler.
  template <typename F>
  Service& Get(std::string_view pattern, F&& handler, RouteTracing tracing = {}) {
    return Add(net::http::verb::get, pattern, std::forward<F>(handler), std::move(tracing));
  }
  template <typename F>
  Service& Post(std::string_view pattern, F&& handler, RouteTracing tracing = {}) {
    return Add(net::http::verb::post, pattern, std::forward<F>(handler), std::move(tracing));
  }
  template <typename F>
  Service& Add(net::http::verb method, std::string_view pattern, F&& handler,
               RouteTracing tracing = {}) {
    NoteRoute(pattern, std::move(tracing));
    router_.Add(method, pattern, std::forward<F>(handler));
    return *this;
  }
  // Extra middleware inside the built-in ones (it sees requests after metrics and tracing).
  Service& Use(net::Middleware middleware);

  // Replaces ServiceOptions::health (before Start).
  void SetHealthCheck(std::function<Status()> health) { options_.health = std::move(health); }

  // Keeps `object` alive until the server and pool are gone (state shared by handlers).
  void Keep(std::shared_ptr<void> object) { kept_.push_back(std::move(object)); }

  // Binds and serves. Fails on route or metric registration errors and when the address cannot be
  // bound. Once: a second call is kFailedPrecondition.
  Status Start();
  // The bound port (after Start).
  std::uint16_t port() const;
  // "http://127.0.0.1:<port>" (tests, logs).
  std::string LocalUrl() const;

  // Sends the spans finished so far (tests; Stop does it too).
  Status FlushSpans(std::chrono::milliseconds timeout);

  // Graceful stop: stop accepting, let requests in flight finish within shutdown_timeout, stop
  // the blocking pool, flush and close the span reporter. Idempotent; not from a handler.
  void Stop();

  net::ServerStats server_stats() const;

 private:
  explicit Service(ServiceOptions options);
  void NoteRoute(std::string_view pattern, RouteTracing tracing);
  Status Init();

  ServiceOptions options_;
  LocalEndpoint local_;
  std::vector<std::shared_ptr<void>> kept_;  // destroyed last
  Tracing tracing_;
  metrics::Registry registry_;
  std::shared_ptr<RouteTracingTable> route_tracing_;
  net::Router router_;
  std::unique_ptr<net::HttpServer> http_;
  std::unique_ptr<net::BlockingPool> pool_;  // after http_: destroyed first
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace cairn::landscape
