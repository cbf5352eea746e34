// Parsing and validation of a collector URL for HttpSender (internal).
#pragma once

#include <string>
#include <string_view>

#include "cairn/trace/status.h"

namespace cairn::trace_http {

struct CollectorUrl {
  std::string host;         // name or address to resolve (IPv6 without brackets)
  std::string port;         // decimal, "80" when absent
  std::string host_header;  // value of the Host header, e.g. "[::1]:9411"
  std::string target;       // origin-form request target, at least "/"
};

// Accepts http://host[:port][/path][?query]. InvalidArgument, quoting the URL, for anything else:
// unparsable text, other schemes (https says it is unsupported), missing host, a port outside
// 1-65535, user info, or a fragment.
Result<CollectorUrl> ParseCollectorUrl(std::string_view url);

}  // namespace cairn::trace_http
