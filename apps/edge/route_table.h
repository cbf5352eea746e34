// RouteTable: the routes of one configuration generation, matched in file order (first match
// wins), and how a matched request's path becomes the upstream path.
//
// With `prefix: /api` (stripped) and a route `path: /accounts/**` (strip-prefix true) to
// `url: http://host:6767/accounts`, a request for /api/accounts/10000?x=1 matches the pattern
// /api/accounts/**, loses "/api" and the route's literal part "/accounts", and is sent to
// /accounts/10000?x=1 with X-Forwarded-Prefix "/api/accounts". The route's literal part is its
// path up to the first wildcard or {parameter}.
//
// Immutable after Build; shared by every worker through the Snapshot.
#pragma once

#include <boost/beast/http/verb.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "apps/edge/edge_config.h"
#include "apps/edge/edge_metrics.h"
#include "apps/edge/path_pattern.h"
#include "apps/edge/service.h"
#include "lib/base/status.h"

namespace cairn::edge {

struct Route {
  const RouteConfig* config = nullptr;
  PathPattern pattern;
  Service* service = nullptr;
  // Bytes at the start of a matching path that are cut (global prefix and/or the route's literal
  // part), and the part kept after them ("" when the route keeps its literal part).
  std::size_t strip_global = 0;  // length of the global prefix when it is stripped
  std::string kept_global;       // the global prefix when it is not stripped
  std::size_t literal_len = 0;   // length of the route's literal part
  bool strip_literal = true;
  std::vector<std::string> sensitive;  // lower-case header names
  RouteMetrics* metrics = nullptr;
  // Span-name suffix: " " + pattern, so a span is "<method> <pattern>".
  std::string template_text;
};

class RouteTable {
 public:
  // `services` must outlive the table; every route's service must be among them.
  static Result<std::unique_ptr<RouteTable>> Build(const EdgeConfig& config,
                                                   std::vector<std::unique_ptr<Service>>& services,
                                                   EdgeMetrics& metrics);

  // The first route whose pattern matches `path` (and whose method list, if any, has `method`).
  const Route* Match(std::string_view method, std::string_view path) const;

  // Appends the upstream request target for `path` and `query` ("" or "?a=b") matched by `route`.
  static void UpstreamTarget(const Route& route, std::string_view path, std::string_view query,
                             std::string& out);
  // The part of `path` that was cut, for X-Forwarded-Prefix ("" when nothing was).
  static std::string_view StrippedPrefix(const Route& route, std::string_view path);

  const std::vector<Route>& routes() const { return routes_; }

 private:
  std::vector<Route> routes_;
};

// True for paths that hold dot segments ("/a/../b", "/./", encoded as %2e too), which the edge
// refuses (400) instead of letting an upstream resolve them past the route.
bool HasDotSegment(std::string_view path);

}  // namespace cairn::edge
