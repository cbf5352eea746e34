// Brave's HTTP data policy (brave/instrumentation/http: HttpRequestParser.Default,
// HttpResponseParser.Default, HttpTags), shared by the server and client instrumentation:
// - span name: lower-case method, or "<method> <route>" when the route template is known
//   ("get /accounts/{id}"); a route that matched nothing gives "<method> not_found" for 404 and
//   "<method> redirected" for redirects, keeping span names low-cardinality;
// - tags `http.method` (as sent, e.g. "GET") and `http.path` (path only, never the query);
// - after the response: `http.status_code` when the status is not 2xx (Brave's default; set
//   tag_all_status_codes to tag every status), and `error` = the status code when it is not in
//   100-399 (so 4xx and 5xx mark the span failed);
// - remote endpoint IP and port from the socket (IPv4-mapped IPv6 reported as IPv4).
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <string>
#include <string_view>

#include "cairn/trace/span.h"

namespace cairn::trace_http {

struct HttpTracingOptions {
  // Tag `http.status_code` for every response, not only for non-2xx ones.
  bool tag_all_status_codes = false;
  // Server side: take the remote IP from the first X-Forwarded-For entry when it is a valid
  // address (Brave's parseClientIpFromXForwardedFor). Only for servers behind a trusted proxy:
  // the header is client-controlled otherwise.
  bool trust_x_forwarded_for = false;
};

// "get", "post", ...; unknown methods are lower-cased as sent.
std::string LowerCaseMethod(std::string_view method);

// "get /accounts/{id}" for a non-empty route, else the lower-case method.
std::string HttpSpanName(std::string_view method, std::string_view route);

// Brave's catch-all name for a route that matched nothing: "<method> not_found" (404),
// "<method> redirected" (301, 302, 303, 305, 306, 307), else the lower-case method.
std::string UnmatchedRouteSpanName(std::string_view method, unsigned status);

// The path of a request target without query or fragment: "/a/b?x=1" -> "/a/b"; absolute-form
// targets ("http://host/a?x") give their path; other forms ("*", authority-form) give "".
std::string_view PathOfTarget(std::string_view target);

// Tags `http.status_code` and `error` for a response status as described above. 0 means "no
// status" and tags nothing.
void TagResponseStatus(trace::Span& span, unsigned status, const HttpTracingOptions& options = {});

// Sets the remote IP and port from a socket endpoint.
void SetRemoteEndpoint(trace::Span& span, const boost::asio::ip::tcp::endpoint& endpoint);

}  // namespace cairn::trace_http
