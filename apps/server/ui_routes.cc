#include "apps/server/ui_routes.h"

#include <charconv>
#include <cstdint>
#include <memory>

#include "apps/server/response_gzip.h"
#include "apps/server/ui_assets.h"
#include "lib/model/json_escape.h"
#include "lib/net/request_context.h"

namespace cairn::server {
namespace {

namespace http = net::http;

constexpr std::string_view kHtml = "text/html; charset=utf-8";
constexpr std::string_view kJsonUtf8 = "application/json; charset=utf-8";

// Jackson's double text: shortest round-trip digits with at least one fractional digit.
std::string JacksonDouble(double value) {
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), value);
  std::string text(buf, end);
  if (text.find_first_of(".e") == std::string::npos) text += ".0";
  return text;
}

void AppendNullableString(const std::optional<std::string>& value, std::string& out) {
  if (value) {
    model::AppendJsonString(*value, out);
  } else {
    out += "null";
  }
}

net::Response Redirect(std::string location) {
  net::Response res = net::MakeResponse(http::status::found);
  res.set(http::field::location, std::move(location));
  return res;
}

std::string HtmlEscape(std::string_view text) {
  std::string out;
  for (char c : text) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string PlaceholderIndex(const UiConfig& ui, std::string_view reason) {
  std::string base = ui.base_path == "/" ? "/" : ui.base_path + "/";
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<base href=\"";
  html += base;
  html +=
      "\">\n<title>cairn</title>\n</head>\n<body>\n<h1>cairn</h1>\n"
      "<p>The cairn web UI is not built into this server: ";
  html += HtmlEscape(reason);
  html +=
      "</p>\n<p>The Zipkin API is available: try <a href=\"/api/v2/services\">/api/v2/services</a> "
      "or point a Zipkin UI at this server.</p>\n</body>\n</html>\n";
  return html;
}

// True when an If-None-Match header lists `etag` (or is "*").
bool EtagMatches(const net::Request& request, std::string_view etag) {
  auto match = request.find(http::field::if_none_match);
  if (match == request.end()) return false;
  std::string_view value = match->value();
  return value.find(etag) != std::string_view::npos || value == "*";
}

net::Response ServeAsset(const net::Request& request, const UiAsset& asset, bool is_index) {
  net::Response res;
  if (EtagMatches(request, asset.etag)) {
    res = net::MakeResponse(http::status::not_modified);
  } else {
    auto accept = request.find(http::field::accept_encoding);
    bool gzip = !asset.gzip_body.empty() && accept != request.end() &&
                AcceptsGzip(std::string_view(accept->value()));
    res = net::MakeResponse(http::status::ok, gzip ? asset.gzip_body : asset.body,
                            asset.content_type);
    if (gzip) res.set(http::field::content_encoding, "gzip");
  }
  if (!asset.gzip_body.empty()) res.set(http::field::vary, "Accept-Encoding");
  res.set(http::field::etag, asset.etag);
  res.set(http::field::cache_control, asset.cache_control);
  res.set("X-Content-Type-Options", "nosniff");
  if (is_index) {
    res.set("Content-Security-Policy",
            "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            "img-src 'self' data: blob:; connect-src 'self'; object-src 'none'; "
            "base-uri 'self'; frame-ancestors 'self'");
  }
  return res;
}

void AddAssetRoutes(net::Router& router, std::shared_ptr<const UiAssets> assets) {
  router.Get("/zipkin/{path...}", net::SyncHandler([assets](net::RequestContext& ctx) {
               std::string_view path = ctx.PathParam("path").value_or("");
               if (!IsSafeAssetPath(path)) {
                 return net::MakeResponse(http::status::not_found, "not found");
               }
               const UiAsset* asset = path.empty() ? &assets->index() : assets->Find(path);
               if (asset == nullptr && IsUiRoute(path)) asset = &assets->index();
               if (asset == nullptr) {
                 return net::MakeResponse(http::status::not_found,
                                          "/zipkin/" + std::string(path) + " not found");
               }
               return ServeAsset(ctx.request(), *asset, asset == &assets->index());
             }));
}

void AddPlaceholderRoutes(net::Router& router, const UiConfig& ui, std::string_view reason) {
  auto index = std::make_shared<const std::string>(PlaceholderIndex(ui, reason));
  net::SyncHandler serve_index = [index](net::RequestContext&) {
    net::Response res = net::MakeResponse(http::status::ok, *index, kHtml);
    res.set(http::field::cache_control, "max-age=60");
    return res;
  };
  for (std::string_view path : {"/zipkin/", "/zipkin/index.html", "/zipkin/traces/{id}",
                                "/zipkin/dependency", "/zipkin/traceViewer"}) {
    router.Get(path, serve_index);
  }
}

}  // namespace

std::string UiConfigJson(const UiConfig& ui) {
  std::string out = "{\n  \"environment\" : ";
  model::AppendJsonString(ui.environment, out);
  out += ",\n  \"queryLimit\" : " + std::to_string(ui.query_limit);
  out += ",\n  \"defaultLookback\" : " + std::to_string(ui.default_lookback_ms);
  out += ",\n  \"searchEnabled\" : ";
  out += ui.search_enabled ? "true" : "false";
  out += ",\n  \"logsUrl\" : ";
  AppendNullableString(ui.logs_url, out);
  out += ",\n  \"supportUrl\" : ";
  AppendNullableString(ui.support_url, out);
  out += ",\n  \"archivePostUrl\" : ";
  AppendNullableString(ui.archive_post_url, out);
  out += ",\n  \"archiveUrl\" : ";
  AppendNullableString(ui.archive_url, out);
  out += ",\n  \"dependency\" : {\n    \"enabled\" : ";
  out += ui.dependency_enabled ? "true" : "false";
  out += ",\n    \"lowErrorRate\" : " + JacksonDouble(ui.dependency_low_error_rate);
  out += ",\n    \"highErrorRate\" : " + JacksonDouble(ui.dependency_high_error_rate);
  out += "\n  }\n}";
  return out;
}

void AddUiRoutes(net::Router& router, const UiConfig& ui) {
  if (!ui.enabled) return;
  auto config = std::make_shared<const std::string>(UiConfigJson(ui));
  auto etag = std::make_shared<const std::string>(UiEtag(*config));
  router.Get("/zipkin/config.json", net::SyncHandler([config, etag](net::RequestContext& ctx) {
               net::Response res;
               auto match = ctx.request().find(http::field::if_none_match);
               if (match != ctx.request().end() &&
                   std::string_view(match->value()).find(*etag) != std::string_view::npos) {
                 res = net::MakeResponse(http::status::not_modified);
               } else {
                 res = net::MakeResponse(http::status::ok, *config, kJsonUtf8);
               }
               res.set(http::field::etag, *etag);
               res.set(http::field::cache_control, "max-age=600");
               return res;
             }));

  if (ui.assets_dir.empty()) {
    AddPlaceholderRoutes(router, ui,
                         "no built UI was found next to the binary (make build builds it; "
                         "CAIRN_UI_DIR names its directory).");
  } else if (auto loaded = UiAssets::Load(ui.assets_dir, ui.base_path); loaded.ok()) {
    AddAssetRoutes(router, std::move(loaded).value());
  } else {
    AddPlaceholderRoutes(router, ui, "cannot load CAIRN_UI_DIR: " + loaded.status().message());
  }
  router.Get("/", net::SyncHandler([](net::RequestContext&) { return Redirect("/zipkin/"); }));
  router.Get("/zipkin",
             net::SyncHandler([](net::RequestContext&) { return Redirect("/zipkin/"); }));
  router.Get("/favicon.ico", net::SyncHandler([](net::RequestContext&) {
               return Redirect("/zipkin/favicon.ico");
             }));
}

}  // namespace cairn::server
