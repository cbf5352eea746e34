#include "lib/trace_http/collector_url.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <cstdint>

namespace cairn::trace_http {
namespace {

Status Bad(std::string_view url, std::string_view why) {
  return InvalidArgument("collector url \"" + std::string(url) + "\": " + std::string(why));
}

}  // namespace

Result<CollectorUrl> ParseCollectorUrl(std::string_view url) {
  if (url.empty()) return InvalidArgument("collector url is empty");
  auto parsed = boost::urls::parse_uri(boost::core::string_view(url.data(), url.size()));
  if (!parsed) {
    return Bad(url, "not an absolute URL like http://host:9411/api/v2/spans (" +
                        parsed.error().message() + ")");
  }
  const boost::urls::url_view& u = *parsed;
  if (u.scheme_id() == boost::urls::scheme::https) {
    return Bad(url,
               "https is not supported by HttpSender; use http:// (a TLS-terminating proxy "
               "or a local collector can forward to an https endpoint)");
  }
  if (u.scheme_id() != boost::urls::scheme::http) {
    return Bad(url, "scheme must be http");
  }
  if (u.has_userinfo()) return Bad(url, "user info (credentials) in the URL is not supported");
  if (u.has_fragment()) return Bad(url, "a fragment is not allowed");

  CollectorUrl out;
  switch (u.host_type()) {
    case boost::urls::host_type::ipv4:
    case boost::urls::host_type::ipv6:
      out.host = u.host_address();
      break;
    case boost::urls::host_type::name:
      out.host = u.host_name();
      break;
    default:
      return Bad(url, "unsupported host");
  }
  if (out.host.empty()) return Bad(url, "missing host");

  out.port = "80";
  if (u.has_port() && !u.port().empty()) {
    std::string_view port(u.port().data(), u.port().size());
    std::uint32_t value = 0;
    for (char c : port) {
      if (c < '0' || c > '9' || value > 65535) return Bad(url, "invalid port");
      value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value == 0 || value > 65535) return Bad(url, "port must be in 1-65535");
    out.port = std::to_string(value);
  }
  std::string_view authority(u.encoded_host_and_port().data(), u.encoded_host_and_port().size());
  out.host_header = std::string(authority);
  if (!out.host_header.empty() && out.host_header.back() == ':') out.host_header.pop_back();
  std::string_view target(u.encoded_target().data(), u.encoded_target().size());
  if (target.empty() || target.front() != '/') {
    out.target = "/" + std::string(target);
  } else {
    out.target = std::string(target);
  }
  return out;
}

}  // namespace cairn::trace_http
