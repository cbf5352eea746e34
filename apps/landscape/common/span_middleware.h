// The server-span middleware of landscape services: one SERVER span per request, joined to the
// caller's trace (B3 or W3C headers), named per route, tagged http.method, http.path,
// http.status_code (every status) and error (4xx/5xx, or a handler that failed), with the peer as
// remote endpoint.
//
// The handler runs as a child coroutine on a trace_asio ContextExecutor whose slot has the server
// span as its base, so trace::CurrentContext() inside the handler (and after every co_await) is the
// server span: child spans (lib/trace_http StartClientSpan, tracer.StartSpan) parent on it and log
// lines carry its ids, while other connections' coroutines interleaving on the same I/O thread
// never see it.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "cairn/trace/tracer.h"
#include "lib/net/handler.h"

namespace cairn::landscape {

// How one route is traced.
struct RouteTracing {
  // Span name; empty: Brave's default "<method> <route template>".
  std::string span_name;
  // False: no span (health checks, /metrics).
  bool traced = true;
};

// Keyed by route template, exactly as registered with the router.
using RouteTracingTable = std::map<std::string, RouteTracing, std::less<>>;

// `tracer` must outlive the router; `routes` is read concurrently and must not change once the
// server serves. Requests no route matched are traced under Brave's "<method> not_found" name.
net::Middleware ServerSpanMiddleware(trace::Tracer& tracer,
                                     std::shared_ptr<const RouteTracingTable> routes);

}  // namespace cairn::landscape
