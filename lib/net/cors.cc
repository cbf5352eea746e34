#include "lib/net/cors.h"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <memory>
#include <string_view>

#include "lib/net/request_context.h"

namespace cairn::net {
namespace {

struct CorsConfig {
  CorsOptions options;
  bool any_origin = false;
  std::string methods;  // joined for Access-Control-Allow-Methods
  std::string headers;  // joined for Access-Control-Allow-Headers
  std::string max_age;

  bool Covers(std::string_view path) const {
    if (options.path_prefixes.empty()) return true;
    return std::any_of(options.path_prefixes.begin(), options.path_prefixes.end(),
                       [&](const std::string& prefix) { return path.starts_with(prefix); });
  }
  bool OriginAllowed(std::string_view origin) const {
    return any_origin || std::find(options.allowed_origins.begin(), options.allowed_origins.end(),
                                   origin) != options.allowed_origins.end();
  }
  bool MethodAllowed(std::string_view method) const {
    return std::find(options.allowed_methods.begin(), options.allowed_methods.end(), method) !=
           options.allowed_methods.end();
  }
  // Every name in the comma-separated `requested` list must be allowed.
  bool HeadersAllowed(std::string_view requested) const {
    while (!requested.empty()) {
      std::size_t comma = requested.find(',');
      std::string_view name = requested.substr(0, comma);
      requested =
          comma == std::string_view::npos ? std::string_view() : requested.substr(comma + 1);
      while (!name.empty() && (name.front() == ' ' || name.front() == '\t')) name.remove_prefix(1);
      while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.remove_suffix(1);
      if (name.empty()) continue;
      bool ok = std::any_of(options.allowed_headers.begin(), options.allowed_headers.end(),
                            [&](const std::string& h) { return beast::iequals(h, name); });
      if (!ok) return false;
    }
    return true;
  }
};

std::string Join(const std::vector<std::string>& items) {
  std::string out;
  for (const std::string& item : items) {
    if (!out.empty()) out += ", ";
    out += item;
  }
  return out;
}

void AddVaryOrigin(Response& res) {
  auto existing = res.find(http::field::vary);
  if (existing == res.end()) {
    res.set(http::field::vary, "Origin");
  } else if (existing->value().find("Origin") == std::string_view::npos &&
             existing->value().find("origin") == std::string_view::npos) {
    std::string value(existing->value());
    value += ", Origin";
    res.set(http::field::vary, value);
  }
}

Response Forbidden(std::string body) {
  Response res = MakeResponse(http::status::forbidden, std::move(body));
  res.set(http::field::vary, "Origin");
  return res;
}

}  // namespace

Middleware CorsMiddleware(CorsOptions options) {
  auto config = std::make_shared<CorsConfig>();
  config->any_origin = std::find(options.allowed_origins.begin(), options.allowed_origins.end(),
                                 "*") != options.allowed_origins.end();
  config->methods = Join(options.allowed_methods);
  config->headers = Join(options.allowed_headers);
  if (options.max_age_seconds) config->max_age = std::to_string(*options.max_age_seconds);
  config->options = std::move(options);

  return [config = std::shared_ptr<const CorsConfig>(std::move(config))](
             RequestContext& ctx, const Handler& next) -> asio::awaitable<Response> {
    const Request& req = ctx.request();
    auto origin_it = req.find(http::field::origin);
    if (origin_it == req.end() || !config->Covers(ctx.encoded_path())) {
      co_return co_await next(ctx);
    }
    const std::string_view origin = origin_it->value();
    if (!config->OriginAllowed(origin)) {
      co_return Forbidden("origin not allowed: " + std::string(origin));
    }
    const std::string_view allow_origin = config->any_origin ? std::string_view("*") : origin;

    // A preflight only makes sense for a path that exists; unknown paths fall through to 404.
    if (req.method() == http::verb::options && !ctx.route().empty()) {
      auto method = req.find(http::field::access_control_request_method);
      if (method != req.end() && !config->MethodAllowed(method->value())) {
        co_return Forbidden("method not allowed by CORS: " + std::string(method->value()));
      }
      auto headers = req.find(http::field::access_control_request_headers);
      if (headers != req.end() && !config->HeadersAllowed(headers->value())) {
        co_return Forbidden("request headers not allowed by CORS: " +
                            std::string(headers->value()));
      }
      Response res = MakeResponse(http::status::ok);
      res.set(http::field::access_control_allow_origin, allow_origin);
      res.set(http::field::access_control_allow_methods, config->methods);
      res.set(http::field::access_control_allow_headers, config->headers);
      if (!config->max_age.empty()) res.set(http::field::access_control_max_age, config->max_age);
      res.set(http::field::vary, "Origin");
      co_return res;
    }

    // `origin` points into the request, which the handler may change: copy what we need first.
    std::string allow_origin_value(allow_origin);
    Response res = co_await next(ctx);
    res.set(http::field::access_control_allow_origin, allow_origin_value);
    AddVaryOrigin(res);
    co_return res;
  };
}

}  // namespace cairn::net
