// Response compression as Zipkin configures it (zipkin-server-shared.yml): bodies of
// application/json, application/javascript, text/css and image/svg+xml longer than 2048 bytes
// are gzipped when the request's Accept-Encoding allows gzip. Trace JSON shrinks about tenfold,
// which matters for the UI over slow links.
//
// Adds "Content-Encoding: gzip" and "Vary: Accept-Encoding". A response that already has a
// Content-Encoding, HEAD requests, and non-2xx answers are left alone. Thread-safe.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "lib/base/status.h"
#include "lib/net/handler.h"

namespace cairn::server {

inline constexpr std::size_t kMinGzipBytes = 2048;

// Whether an Accept-Encoding value accepts gzip: a "gzip" or "*" coding whose q is not 0.
bool AcceptsGzip(std::string_view accept_encoding);

// gzip (RFC 1952) of `data`.
Result<std::string> Gzip(std::string_view data);

net::Middleware ResponseGzipMiddleware();

}  // namespace cairn::server
