// Server instrumentation for Beast request handlers.
//
// A ServerSpanGuard covers the handling of one request: it extracts the caller's context from the
// request headers (B3 single or multi, W3C traceparent, per the tracer's PropagationOptions),
// starts a SERVER span that joins the caller's span (or starts a new trace), tags it with Brave's
// HTTP data policy (see http_tags.h), makes it the current span (a trace::Scope) for as long as the
// guard lives, and finishes it with the response status:
//
//   http::response<http::string_body> Handle(const http::request<http::string_body>& req,
//                                            const tcp::endpoint& peer) {
//     auto guard = TraceServerRequest(tracer, req, "/accounts/{id}", &peer);
//     http::response<http::string_body> res = ...;  // child spans parent on the server span
//     guard.Finish(res);
//     return res;
//   }
//
// Coroutine handlers: the Scope lives in the current trace::ContextSlot. Spawn each session with
// trace_asio::co_spawn_with_context (lib/trace_asio/asio_context.h) so that every task has its own
// slot across co_await; with plain asio::co_spawn, coroutines interleaving on one thread would see
// each other's server spans as current. Without it, construct the guard with `scope = false` and
// pass guard.context() explicitly as the parent of child spans.
//
// Contract: one guard per request, used on one task at a time; the tracer must outlive it.
// Finish is idempotent (the first call wins). A guard destroyed without Finish (the handler threw,
// the coroutine was cancelled, the client went away) finishes the span tagged
// error="no response". Nothing here throws or blocks.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/system/error_code.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/trace/current_span.h"
#include "cairn/trace/span.h"
#include "cairn/trace/tracer.h"
#include "lib/trace_http/http_tags.h"

namespace cairn::trace_http {

struct ServerTracingOptions {
  // The route template that matched ("/accounts/{id}"), when known before the handler runs; empty
  // when unknown (the span is named after the method alone unless SetRoute is called later).
  std::string_view route;
  // The peer of the connection, for the span's remote endpoint.
  const boost::asio::ip::tcp::endpoint* remote = nullptr;
  // Make the span current while the guard lives.
  bool scope = true;
  HttpTracingOptions http;
};

class ServerSpanGuard {
 public:
  ServerSpanGuard(trace::Tracer& tracer, const boost::beast::http::request_header<>& request,
                  const ServerTracingOptions& options = {});
  ~ServerSpanGuard();
  ServerSpanGuard(const ServerSpanGuard&) = delete;
  ServerSpanGuard& operator=(const ServerSpanGuard&) = delete;

  // The server span, to add tags or annotations (a no-op span when unsampled).
  trace::Span& span() { return span_; }
  // Its context: valid even when unsampled, for propagation and log correlation.
  const trace::TraceContext& context() const { return span_.context(); }
  bool finished() const { return finished_; }

  // Records the route once routing is done: a non-empty template renames the span
  // ("get /accounts/{id}"); an empty one means routing found no match, and the span is named
  // "get not_found" / "get redirected" on Finish for 404 / redirect statuses.
  void SetRoute(std::string_view route);

  // Tags the status (and error for 4xx/5xx), then finishes the span.
  void Finish(const boost::beast::http::response_header<>& response);
  void Finish(unsigned status);
  // The handler failed without a normal response: tags error=`message` (and the status when
  // non-zero), then finishes the span.
  void FinishWithError(std::string_view message, unsigned status = 0);

 private:
  void Complete(unsigned status);

  trace::Span span_;
  std::optional<trace::Scope> scope_;
  std::string method_;
  bool route_unmatched_ = false;
  bool finished_ = false;
  HttpTracingOptions http_options_;
};

// The same as constructing a ServerSpanGuard: `auto guard = TraceServerRequest(...);`.
inline ServerSpanGuard TraceServerRequest(trace::Tracer& tracer,
                                          const boost::beast::http::request_header<>& request,
                                          std::string_view route = {},
                                          const boost::asio::ip::tcp::endpoint* remote = nullptr) {
  ServerTracingOptions options;
  options.route = route;
  options.remote = remote;
  return ServerSpanGuard(tracer, request, options);
}

}  // namespace cairn::trace_http
