// The UI's routes (Zipkin's ZipkinUiConfiguration): /zipkin/config.json, the single-page app's
// entry points, and the redirects "/", "/zipkin" -> "/zipkin/" and "/favicon.ico" ->
// "/zipkin/favicon.ico".
//
// The web UI is not built yet: /zipkin/, /zipkin/index.html, /zipkin/traces/{id},
// /zipkin/dependency and /zipkin/traceViewer serve a small placeholder page (text/html,
// Cache-Control max-age=60, <base href> from ZIPKIN_UI_BASEPATH) that says so and links to the
// API; other /zipkin/ paths are 404. /zipkin/config.json is byte-identical to Zipkin's
// (Jackson's pretty printer), with Cache-Control max-age=600 and an ETag answered 304 on
// If-None-Match. Nothing is registered when UI_ENABLED is false.
#pragma once

#include <string>

#include "apps/server/server_config.h"
#include "lib/net/router.h"

namespace cairn::server {

void AddUiRoutes(net::Router& router, const UiConfig& ui);

// The /zipkin/config.json body.
std::string UiConfigJson(const UiConfig& ui);

}  // namespace cairn::server
