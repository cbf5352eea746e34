// A parsed and checked absolute URL for settings that name a server to call: the trace server
// (http/https), a downstream service, a message broker (amqp/amqps).
//
// ParseUrl accepts only absolute URLs whose scheme is one of `allowed_schemes`, with a non-empty
// host and a port in 1..65535 when given; the port defaults to the scheme's (80, 443, 5672, 5671).
// Userinfo is kept (amqp://guest:guest@host:5672/) but a fragment is refused. Errors say what was
// expected, e.g. "expected an http or https URL such as http://127.0.0.1:9411"; the loader adds
// the key and the value. Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <string>
#include <string_view>

#include "lib/base/status.h"

namespace cairn::config {

struct Url {
  std::string text;        // the input, trimmed
  std::string scheme;      // lower-case: "http", "https", "amqp", "amqps"
  std::string user;        // percent-decoded; empty when absent
  std::string password;    // percent-decoded; empty when absent
  std::string host;        // percent-decoded; IPv6 without brackets ("::1")
  std::uint16_t port = 0;  // explicit or the scheme's default
  std::string target;  // encoded path and query, "/" when the URL has none ("/api/v2/spans?x=1")

  // "host:port", with brackets around an IPv6 host, for connecting and for Host headers.
  std::string HostPort() const;
};

// Default port of a scheme this parser knows (http 80, https 443, amqp 5672, amqps 5671), else 0.
std::uint16_t DefaultPort(std::string_view scheme);

Result<Url> ParseUrl(std::string_view text,
                     std::initializer_list<std::string_view> allowed_schemes);

// Shorthands for the common cases.
inline Result<Url> ParseHttpUrl(std::string_view text) { return ParseUrl(text, {"http", "https"}); }
inline Result<Url> ParseAmqpUrl(std::string_view text) { return ParseUrl(text, {"amqp", "amqps"}); }

}  // namespace cairn::config
