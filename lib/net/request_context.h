// RequestContext: what a handler or middleware knows about the request it serves.
//
// The session owns one RequestContext per connection and reuses it for every request on that
// connection; the Router fills it (parsed target, matched route template, path parameters) before
// any middleware runs. A handler may read and modify the request (e.g. move the body out) but must
// not keep references into the context after its coroutine returns. Not thread-safe: it belongs to
// the connection's strand.
#pragma once

#include <array>
#include <boost/asio/ip/tcp.hpp>
#include <boost/url/url_view.hpp>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "lib/net/handler.h"
#include "lib/net/http.h"

namespace cairn::net {

class RequestContext {
 public:
  // Routes may declare at most this many {param} segments.
  static constexpr std::size_t kMaxPathParams = 8;

  RequestContext() = default;
  RequestContext(const RequestContext&) = delete;
  RequestContext& operator=(const RequestContext&) = delete;

  // Points the context at a new request and forgets everything about the previous one.
  // `request` must outlive every use of the context for this request.
  void Reset(Request& request, const asio::ip::tcp::endpoint& remote);

  Request& request() { return *request_; }
  const Request& request() const { return *request_; }
  http::verb method() const { return request_->method(); }
  const asio::ip::tcp::endpoint& remote_endpoint() const { return remote_; }

  // The parsed request target; empty when the target could not be parsed (the answer is 400).
  const boost::urls::url_view& url() const { return url_; }
  // The path part of the target, still percent-encoded.
  std::string_view encoded_path() const;

  // Template of the route whose path matched, e.g. "/api/v2/trace/{traceId}", also when the method
  // did not (405); empty when no path matched (404) or the target was malformed (400). Meant for
  // low-cardinality metric and span names.
  std::string_view route() const { return route_; }

  // Percent-decoded value of the path parameter `name` (as spelled in the route template without
  // braces), or nullopt if the matched route has no such parameter. Valid until the next Reset.
  std::optional<std::string_view> PathParam(std::string_view name) const;

  // Percent-decoded value ('+' read as space) of the first query parameter called `name`; "" when
  // it is present without a value ("?flag"), nullopt when absent.
  std::optional<std::string> QueryParam(std::string_view name) const;
  bool HasQueryParam(std::string_view name) const;

 private:
  friend class Router;

  struct Param {
    std::string_view name;
    std::string_view value;
  };

  // Records a path parameter; `encoded` points into the request target and is decoded into
  // per-slot storage only when it contains escapes. Returns false when all slots are used.
  bool AddParam(std::string_view name, std::string_view encoded);

  Request* request_ = nullptr;
  asio::ip::tcp::endpoint remote_;
  boost::urls::url_view url_;
  std::string_view route_;
  std::size_t num_params_ = 0;
  std::array<Param, kMaxPathParams> params_{};
  std::array<std::string, kMaxPathParams> decoded_{};

  // Routing outcome, read by the router's innermost handler.
  const Handler* handler_ = nullptr;  // of the matched route and method, if any
  http::status outcome_ = http::status::ok;
  std::string_view allow_;    // Allow header value for 405 / OPTIONS
  std::string_view problem_;  // precise reason for a 400
};

}  // namespace cairn::net
