#include "lib/trace_http/http_tags.h"

#include <boost/asio/ip/address.hpp>

namespace cairn::trace_http {

std::string LowerCaseMethod(std::string_view method) {
  std::string out(method);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

std::string HttpSpanName(std::string_view method, std::string_view route) {
  std::string name = LowerCaseMethod(method);
  if (!route.empty()) {
    name += ' ';
    name += route;
  }
  return name;
}

std::string UnmatchedRouteSpanName(std::string_view method, unsigned status) {
  std::string name = LowerCaseMethod(method);
  switch (status) {
    case 301:
    case 302:
    case 303:
    case 305:
    case 306:
    case 307:
      return name + " redirected";
    case 404:
      return name + " not_found";
    default:
      return name;
  }
}

std::string_view PathOfTarget(std::string_view target) {
  if (target.empty()) return {};
  if (target.front() != '/') {
    // Absolute form (proxy requests): skip "scheme://authority".
    std::size_t scheme_end = target.find("://");
    if (scheme_end == std::string_view::npos) return {};
    std::size_t path_start = target.find_first_of("/?#", scheme_end + 3);
    if (path_start == std::string_view::npos || target[path_start] != '/') return "/";
    target.remove_prefix(path_start);
  }
  return target.substr(0, target.find_first_of("?#"));
}

void TagResponseStatus(trace::Span& span, unsigned status, const HttpTracingOptions& options) {
  if (status == 0 || !span.IsRecording()) return;
  if (options.tag_all_status_codes || status < 200 || status > 299) {
    span.Tag("http.status_code", static_cast<std::int64_t>(status));
  }
  if (status < 100 || status > 399) span.SetError(std::to_string(status));
}

void SetRemoteEndpoint(trace::Span& span, const boost::asio::ip::tcp::endpoint& endpoint) {
  if (!span.IsRecording()) return;
  boost::asio::ip::address address = endpoint.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = boost::asio::ip::make_address_v4(boost::asio::ip::v4_mapped, address.to_v6());
  }
  span.SetRemoteIpAndPort(address.to_string(), endpoint.port());
}

}  // namespace cairn::trace_http
