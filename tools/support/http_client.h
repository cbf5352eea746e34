// HttpClient: a blocking HTTP/1.1 keep-alive client for cairn's tools, benchmarks and integration
// tests (load generator, demo traffic checks, server tests). Not for production paths: services
// report spans through lib/trace_http.
//
// One TCP (or TLS, without certificate verification: the demo's certificate is self-signed)
// connection to host:port, opened on first use and re-opened after the server closed it
// or after any error. Every connect, write and read is bounded by `timeout`. It runs its own
// single-threaded io_context, so it never shares threads with anything else.
//
// Errors never throw: a failed exchange returns status 0 with `error` set (and drops the
// connection, so the next call reconnects). No automatic retry: callers decide, because a retried
// POST could store spans twice.
//
// Not thread-safe: one client per thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::tools {

struct HttpResponse {
  unsigned status = 0;  // 0 when the exchange failed
  std::string body;
  std::string content_type;
  std::string error;  // transport error ("connect: Connection refused"), empty on success

  bool transport_ok() const { return error.empty(); }
};

// Extra request headers, name and value.
using HttpHeaders = std::vector<std::pair<std::string, std::string>>;

class HttpClient {
 public:
  HttpClient(std::string host, std::uint16_t port,
             std::chrono::milliseconds timeout = std::chrono::seconds(10), bool tls = false);
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  HttpResponse Get(std::string_view target, const HttpHeaders& headers = {});
  // POSTs `body` with the given Content-Type. The body is copied into a request buffer that keeps
  // its capacity between calls, so repeated posts of similar size do not allocate.
  HttpResponse Post(std::string_view target, std::string_view body,
                    std::string_view content_type = "application/json");

  // Closes the connection (the next call reconnects).
  void Close();
  // Connections opened so far.
  std::uint64_t connects() const { return connects_; }
  const std::string& host() const { return host_; }
  std::uint16_t port() const { return port_; }

 private:
  class Impl;
  std::string host_;
  std::uint16_t port_;
  std::uint64_t connects_ = 0;
  std::unique_ptr<Impl> impl_;
};

// Splits "http://host:port[/...]" into host and port (path ignored). False when malformed.
bool ParseHttpUrl(std::string_view url, std::string& host, std::uint16_t& port);

// The same for "http://" or "https://" URLs; `tls` says which. `path` gets what follows the
// authority ("" or "/api").
bool ParseUrl(std::string_view url, std::string& host, std::uint16_t& port, bool& tls,
              std::string& path);

// Percent-encodes a query parameter value (RFC 3986 unreserved characters stay as they are).
std::string UrlEncode(std::string_view value);

}  // namespace cairn::tools
