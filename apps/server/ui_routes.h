// The UI's routes (Zipkin's ZipkinUiConfiguration): /zipkin/config.json, the web UI under
// /zipkin/, and the redirects "/", "/zipkin" -> "/zipkin/" and "/favicon.ico" ->
// "/zipkin/favicon.ico". Nothing is registered when UI_ENABLED is false.
//
// /zipkin/config.json is byte-identical to Zipkin's (Jackson's pretty printer), with Cache-Control
// max-age=600 and an ETag answered 304 on If-None-Match.
//
// With the built UI (UiConfig::assets_dir, see ui_assets.h) every GET under /zipkin/ is served from
// memory: a file of the build by its path, with its Content-Type, Cache-Control, ETag (304 on
// If-None-Match) and a precompressed gzip body when the client accepts gzip; any other path that is
// a page of the single-page app (no file extension, not under api/ or assets/) gets index.html, so
// deep links such as /zipkin/traces/{id} and /zipkin/dependency work on reload; everything else,
// and any path with an empty, "." or ".." segment, is 404. All UI responses carry
// X-Content-Type-Options: nosniff; index.html also a Content-Security-Policy allowing only the
// page's own origin (the UI loads nothing from elsewhere).
//
// Without it (not built, or the directory cannot be read) /zipkin/, /zipkin/index.html,
// /zipkin/traces/{id}, /zipkin/dependency and /zipkin/traceViewer serve a small placeholder page
// (text/html, max-age=60, <base href> from ZIPKIN_UI_BASEPATH) saying why and linking to the API;
// other /zipkin/ paths are 404.
#pragma once

#include <string>

#include "apps/server/server_config.h"
#include "lib/net/router.h"

namespace cairn::server {

void AddUiRoutes(net::Router& router, const UiConfig& ui);

// The /zipkin/config.json body.
std::string UiConfigJson(const UiConfig& ui);

}  // namespace cairn::server
