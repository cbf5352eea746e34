// Router: maps (method, path) to a Handler, runs middleware around every request, and answers the
// requests no handler takes.
//
// Path patterns are "/"-separated segments: a literal ("api"), a parameter ("{traceId}", one whole
// non-empty segment) or, as the last segment only, a rest parameter ("{path...}", the remainder of
// the path including '/', possibly empty). Literal segments and parameter values are compared and
// returned percent-decoded. When several patterns match, the most specific wins, segment by
// segment: literal over parameter over rest. Patterns are matched exactly (no trailing-slash
// folding).
//
// Answers the router gives by itself (with route() set when a path matched):
//   - 400 when the request target is not a valid origin-form or absolute-form URI,
//   - 405 for TRACE on every path (as Zipkin does),
//   - 404 when no pattern matches the path,
//   - 405 with an Allow header when the path matches but the method does not,
//   - HEAD is served by the GET handler when no HEAD handler exists (the server sends no body),
//   - OPTIONS without an OPTIONS handler gets 204 with Allow.
// All of these pass through the middleware chain like handler responses do.
//
// Set-up (Add/Use) is not thread-safe and must finish before the router serves; Handle is const and
// may run on many threads at once. Registration errors (bad pattern, duplicate route, too many
// parameters) are collected: status() returns the first one, and HttpServer::Start refuses to start
// with a router whose status() is not OK.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/status.h"
#include "lib/net/handler.h"
#include "lib/net/http.h"
#include "lib/net/request_context.h"

namespace cairn::net {

class Router {
 public:
  Router();
  ~Router();
  Router(Router&&) noexcept;
  Router& operator=(Router&&) noexcept;

  Router& Add(http::verb method, std::string_view pattern, Handler handler);
  Router& Add(http::verb method, std::string_view pattern, SyncHandler handler);

  template <typename F>
  Router& Get(std::string_view pattern, F&& handler) {
    return Add(http::verb::get, pattern, std::forward<F>(handler));
  }
  template <typename F>
  Router& Post(std::string_view pattern, F&& handler) {
    return Add(http::verb::post, pattern, std::forward<F>(handler));
  }
  template <typename F>
  Router& Put(std::string_view pattern, F&& handler) {
    return Add(http::verb::put, pattern, std::forward<F>(handler));
  }
  template <typename F>
  Router& Delete(std::string_view pattern, F&& handler) {
    return Add(http::verb::delete_, pattern, std::forward<F>(handler));
  }

  // Wraps every request, including the router's own 400/404/405 answers. The first middleware added
  // is the outermost one (it sees the request first and the response last).
  Router& Use(Middleware middleware);

  // OK, or the first registration error.
  const Status& status() const { return status_; }

  // Resolves the route of ctx.request() into `ctx` and returns the middleware chain's response.
  // The returned awaitable refers to the router and to `ctx`; both must outlive it.
  asio::awaitable<Response> Handle(RequestContext& ctx) const;

 private:
  struct Route;

  void Resolve(RequestContext& ctx) const;
  static asio::awaitable<Response> Answer(RequestContext& ctx);
  void Fail(std::string message);

  std::vector<std::unique_ptr<Route>> routes_;  // sorted most specific first
  std::vector<Middleware> middleware_;
  Handler chain_;  // middleware_ folded around the dispatcher
  Status status_;
};

}  // namespace cairn::net
