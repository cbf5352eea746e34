// Client instrumentation for Beast requests.
//
// StartClientSpan starts a CLIENT span (a child of the current span unless a parent is given),
// tags it with Brave's HTTP data policy (http_tags.h) and injects its context into the request's
// headers with the tracer's propagation formats (B3 multi-header and W3C traceparent by default),
// so the server can join it. FinishClientSpan records the outcome and finishes the span:
//
//   http::request<http::string_body> req{http::verb::get, "/quotes/7", 11};
//   trace::Span span = StartClientSpan(tracer, req, "quotes-service");
//   ... connect; SetRemoteEndpoint(span, stream.socket().remote_endpoint(ec)); write; read ...
//   ec ? FinishClientSpan(span, ec) : FinishClientSpan(span, response);
//
// Headers are injected even when the trace is not sampled, so the decision travels downstream.
// Nothing here throws or blocks; the span follows trace::Span's contract.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/system/error_code.hpp>
#include <string_view>

#include "cairn/trace/span.h"
#include "cairn/trace/tracer.h"
#include "lib/trace_http/http_tags.h"

namespace cairn::trace_http {

struct ClientSpanOptions {
  // Span name; default: the lower-case method (Brave's client default).
  std::string_view name;
  // The service being called, e.g. "quotes-service"; empty when unknown.
  std::string_view remote_service_name;
  // The peer's address when already connected (else call SetRemoteEndpoint later).
  const boost::asio::ip::tcp::endpoint* remote = nullptr;
  // Explicit parent; default: the current span (a new trace when there is none).
  const trace::TraceContext* parent = nullptr;
};

trace::Span StartClientSpan(trace::Tracer& tracer, boost::beast::http::request_header<>& request,
                            const ClientSpanOptions& options);
inline trace::Span StartClientSpan(trace::Tracer& tracer,
                                   boost::beast::http::request_header<>& request,
                                   std::string_view remote_service_name = {}) {
  ClientSpanOptions options;
  options.remote_service_name = remote_service_name;
  return StartClientSpan(tracer, request, options);
}

// Tags the response status (`http.status_code` when not 2xx, `error` for 4xx/5xx) and finishes.
void FinishClientSpan(trace::Span& span, const boost::beast::http::response_header<>& response,
                      const HttpTracingOptions& options = {});
// The request failed without a response (connect, write, read error or timeout): tags
// error=<error message> and finishes. A zero error code finishes without an error tag.
void FinishClientSpan(trace::Span& span, const boost::system::error_code& error);

}  // namespace cairn::trace_http
