// HttpSender: the Sender that POSTs encoded span batches to a Zipkin-compatible collector
// (e.g. http://127.0.0.1:9411/api/v2/spans), as zipkin-go's HTTP reporter and Brave's
// URLConnectionSender do.
//
// One persistent HTTP/1.1 keep-alive connection, opened on first use and re-opened whenever the
// collector closed it. Each Send is synchronous and bounded by `timeout` (resolve + connect + write
// + read of one attempt). A request that fails on a reused connection before any response byte
// arrived (the collector closed an idle connection) is retried once on a fresh connection.
// Every upload carries `b3: 0` so that proxies and instrumented collectors do not trace the
// tracing traffic (openzipkin/b3-propagation README), and the Content-Type of the encoding.
//
// Status of Send:
//   2xx                                   -> Ok
//   408, 429, 5xx, any connection error,
//   timeout, malformed response           -> Unavailable (transient: the AsyncReporter retries)
//   other 4xx, 1xx, 3xx (not followed)    -> InvalidArgument (the collector rejected the message)
//
// Only http:// is supported; an https:// URL is refused by Create with a message saying so (put a
// TLS-terminating proxy or a local collector in front instead).
//
// Name resolution runs in Asio's resolver thread: a hung system resolver can hold one Send past
// `timeout` (IP literals and /etc/hosts names resolve at once).
//
// Thread-safety: Send may be called from any thread; calls are serialised (the AsyncReporter calls
// it from its single thread).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/trace/reporter.h"
#include "cairn/trace/status.h"

namespace cairn::trace_http {

struct HttpSenderOptions {
  // http://host[:port][/path][?query]; host may be a name, an IPv4 address or [IPv6].
  std::string url;
  // Bound of one attempt: resolve + connect + write + read. Must be positive.
  std::chrono::milliseconds timeout{5000};
  // Larger collector responses are treated as malformed (Unavailable).
  std::size_t max_response_body_bytes = 64 * 1024;
  std::string user_agent = "cairn-trace";
  // Extra request headers (e.g. an Authorization header for a collector behind a gateway).
  std::vector<std::pair<std::string, std::string>> headers;

  Status Validate() const;
};

class HttpSender final : public trace::Sender {
 public:
  // InvalidArgument naming the problem for a bad URL (unparsable, not http, no host, bad port,
  // user info, fragment) or bad options.
  static Result<std::unique_ptr<HttpSender>> Create(HttpSenderOptions options);
  ~HttpSender() override;

  Status Send(std::string_view body, trace::Encoding encoding) override;

  // TCP connections opened so far (1 for any number of sends over a healthy keep-alive link).
  std::uint64_t connections_opened() const;
  const HttpSenderOptions& options() const;

  class Impl;

 private:
  explicit HttpSender(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// An AsyncReporter that sends to `url` through an HttpSender with default options.
Result<std::shared_ptr<trace::AsyncReporter>> MakeHttpReporter(
    std::string_view url, trace::AsyncReporterOptions reporter_options = {});
Result<std::shared_ptr<trace::AsyncReporter>> MakeHttpReporter(
    HttpSenderOptions sender_options, trace::AsyncReporterOptions reporter_options = {});

}  // namespace cairn::trace_http
