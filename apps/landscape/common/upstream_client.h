// UpstreamClient: calls another service over HTTP/1.1 from a handler coroutine, traced.
//
//   UpstreamRequest call;
//   call.url = JoinUrl(config.quotes_service_url, "/api/quote?strength=4");
//   call.span_name = "getQuote";
//   call.remote_service = "quotes-service";
//   Result<net::Response> res = co_await client.Call(std::move(call));
//
// Each call starts a CLIENT span (child of the current span: inside a ServerSpanMiddleware handler,
// the server span), injects its context as B3 and W3C headers, and finishes it with
// http.status_code (every status) and error for 4xx/5xx or a transport failure. It opens one
// connection per call and closes it afterwards (the original disabled keep-alive on purpose so a
// load-balanced service name spreads calls over its instances).
//
// Results: any HTTP response, whatever its status, is a value (the caller decides what a 503
// means). Errors: InvalidArgument for a URL that is not an absolute http:// URL; DeadlineExceeded
// when connecting (resolve + connect) or answering (write + read) takes longer than its timeout;
// Unavailable for every other transport failure (refused, reset, malformed or oversized response).
// Messages name the upstream ("quotes-service at 127.0.0.1:8080: connection refused").
//
// Thread-safety: Call may run on many coroutines at once; the client and its tracer must outlive
// them. The coroutine runs on the caller's executor; nothing blocks an I/O thread except name
// resolution of non-literal hosts, which Asio does on its resolver thread.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <chrono>
#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/trace/tracer.h"
#include "lib/base/status.h"
#include "lib/net/http.h"

namespace cairn::landscape {

struct UpstreamOptions {
  std::chrono::milliseconds connect_timeout{1000};
  std::chrono::milliseconds response_timeout{5000};
  std::size_t max_response_header_bytes = 16 * 1024;
  std::size_t max_response_body_bytes = 10 * 1024 * 1024;
  std::string user_agent = "cairn-landscape";
};

struct UpstreamRequest {
  net::http::verb method = net::http::verb::get;
  std::string url;  // absolute http:// URL
  std::string body;
  std::string content_type;  // set when the body is not empty
  std::vector<std::pair<std::string, std::string>> headers;
  // Span name (default: the lower-case method) and the service called (the span's remote
  // service name, and the name used in error messages).
  std::string span_name;
  std::string remote_service;
  // Extra tags of the CLIENT span (e.g. the circuit breaker's state), set when it starts.
  std::vector<std::pair<std::string, std::string>> span_tags;
};

// `base` + `path` with exactly one '/' between them ("http://q:8080/" + "/api" -> ".../api").
std::string JoinUrl(std::string_view base, std::string_view path);

class UpstreamClient {
 public:
  explicit UpstreamClient(trace::Tracer& tracer, UpstreamOptions options = {});

  boost::asio::awaitable<Result<net::Response>> Call(UpstreamRequest request) const;

  const UpstreamOptions& options() const { return options_; }

 private:
  trace::Tracer& tracer_;
  const UpstreamOptions options_;
};

}  // namespace cairn::landscape
