#include "apps/server/ui_routes.h"

#include <charconv>
#include <cstdint>
#include <memory>

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

std::string Etag(std::string_view body) {
  std::uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : body) {
    hash ^= c;
    hash *= 1099511628211ULL;
  }
  char hex[17];
  auto [end, ec] = std::to_chars(hex, hex + 16, hash, 16);
  return "\"" + std::string(hex, end) + "\"";
}

net::Response Redirect(std::string location) {
  net::Response res = net::MakeResponse(http::status::found);
  res.set(http::field::location, std::move(location));
  return res;
}

std::string PlaceholderIndex(const UiConfig& ui) {
  std::string base = ui.base_path == "/" ? "/" : ui.base_path + "/";
  std::string html =
      "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n<base href=\"";
  html += base;
  html +=
      "\">\n<title>cairn</title>\n</head>\n<body>\n<h1>cairn</h1>\n"
      "<p>The cairn web UI is not built into this server yet.</p>\n"
      "<p>The Zipkin API is available: try <a href=\"/api/v2/services\">/api/v2/services</a> "
      "or point a Zipkin UI at this server.</p>\n</body>\n</html>\n";
  return html;
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
  auto etag = std::make_shared<const std::string>(Etag(*config));
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

  auto index = std::make_shared<const std::string>(PlaceholderIndex(ui));
  net::SyncHandler serve_index = [index](net::RequestContext&) {
    net::Response res = net::MakeResponse(http::status::ok, *index, kHtml);
    res.set(http::field::cache_control, "max-age=60");
    return res;
  };
  for (std::string_view path : {"/zipkin/", "/zipkin/index.html", "/zipkin/traces/{id}",
                                "/zipkin/dependency", "/zipkin/traceViewer"}) {
    router.Get(path, serve_index);
  }
  router.Get("/", net::SyncHandler([](net::RequestContext&) { return Redirect("/zipkin/"); }));
  router.Get("/zipkin",
             net::SyncHandler([](net::RequestContext&) { return Redirect("/zipkin/"); }));
  router.Get("/favicon.ico", net::SyncHandler([](net::RequestContext&) {
               return Redirect("/zipkin/favicon.ico");
             }));
}

}  // namespace cairn::server
