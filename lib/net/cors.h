// CORS (Cross-Origin Resource Sharing) as a Router middleware, with Zipkin's defaults: any origin,
// methods GET and POST, request header content-type, no credentials.
//
// For a request with an Origin header on a covered path:
//   - an origin not in allowed_origins gets 403 with "Vary: Origin" and no CORS headers (this is
//     what Zipkin does, for preflights and ordinary requests alike);
//   - a preflight (OPTIONS on a routed path) is answered here with 200,
//   Access-Control-Allow-Origin,
//     -Methods, -Headers (and -Max-Age when set), unless it asks for a method or header outside the
//     allowed lists, which gets 403;
//   - any other request runs the next handler and gets Access-Control-Allow-Origin and
//     "Vary: Origin" added to its response.
// Requests without Origin, and paths outside `path_prefixes` (when set), pass through untouched.
// Header names compare case-insensitively, origins and methods exactly.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "lib/net/handler.h"

namespace cairn::net {

struct CorsOptions {
  // "*" allows every origin (the response then says "*").
  std::vector<std::string> allowed_origins = {"*"};
  std::vector<std::string> allowed_methods = {"GET", "POST"};
  std::vector<std::string> allowed_headers = {"content-type"};
  // Access-Control-Max-Age on preflight answers; omitted when unset.
  std::optional<int> max_age_seconds;
  // Paths CORS applies to, by prefix ("/api/"); empty means every path.
  std::vector<std::string> path_prefixes;
};

Middleware CorsMiddleware(CorsOptions options);

}  // namespace cairn::net
