#include "lib/config/url.h"

#include <boost/url/parse.hpp>
#include <boost/url/url_view.hpp>
#include <charconv>

#include "lib/config/values.h"

namespace cairn::config {
namespace {

std::string Expected(std::initializer_list<std::string_view> schemes) {
  std::string names;
  std::size_t i = 0;
  for (std::string_view scheme : schemes) {
    if (i > 0) names += (i + 1 == schemes.size()) ? " or " : ", ";
    names += scheme;
    ++i;
  }
  std::string example = "127.0.0.1";
  const std::string_view first = schemes.size() > 0 ? *schemes.begin() : std::string_view("http");
  if (first == "amqp" || first == "amqps") example = "guest:guest@127.0.0.1:5672/";
  if (first == "http" || first == "https") example = "127.0.0.1:9411";
  // "an http", "an amqp": the article follows how the scheme is spoken.
  const bool an = names.starts_with("http") ||
                  (!names.empty() && std::string_view("aeiou").find(names[0]) != std::string::npos);
  return std::string("expected ") + (an ? "an " : "a ") + names + " URL such as " +
         std::string(first) + "://" + example;
}

}  // namespace

std::string Url::HostPort() const {
  const bool ipv6 = host.find(':') != std::string::npos;
  return (ipv6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::uint16_t DefaultPort(std::string_view scheme) {
  if (scheme == "http") return 80;
  if (scheme == "https") return 443;
  if (scheme == "amqp") return 5672;
  if (scheme == "amqps") return 5671;
  return 0;
}

Result<Url> ParseUrl(std::string_view text,
                     std::initializer_list<std::string_view> allowed_schemes) {
  const std::string_view trimmed = TrimWhitespace(text);
  const std::string expected = Expected(allowed_schemes);
  auto parsed = boost::urls::parse_uri(trimmed);
  if (!parsed) return InvalidArgument(expected);
  const boost::urls::url_view view = *parsed;
  Url url;
  url.text = std::string(trimmed);
  url.scheme = std::string(view.scheme());
  for (char& c : url.scheme) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  bool allowed = false;
  for (std::string_view scheme : allowed_schemes) allowed = allowed || scheme == url.scheme;
  if (!allowed) return InvalidArgument(expected + " (scheme '" + url.scheme + "' not allowed)");
  if (!view.has_authority() || view.encoded_host().empty()) {
    return InvalidArgument(expected + " (no host)");
  }
  if (view.has_fragment()) return InvalidArgument(expected + " (no #fragment)");
  url.host = view.host_address();
  if (view.has_userinfo()) {
    url.user = view.user();
    url.password = view.password();
  }
  url.port = DefaultPort(url.scheme);
  if (view.has_port()) {
    const std::string_view port = view.port();
    unsigned value = 0;
    auto [ptr, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
    if (port.empty() || ec != std::errc() || ptr != port.data() + port.size() || value == 0 ||
        value > 65535) {
      return InvalidArgument(expected + " (port must be 1 to 65535)");
    }
    url.port = static_cast<std::uint16_t>(value);
  }
  if (url.port == 0) return InvalidArgument(expected + " (no port)");
  url.target = std::string(view.encoded_path());
  if (url.target.empty()) url.target = "/";
  if (view.has_query()) url.target += "?" + std::string(view.encoded_query());
  return url;
}

}  // namespace cairn::config
