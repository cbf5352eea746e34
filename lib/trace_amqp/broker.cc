#include "lib/trace_amqp/broker.h"

#include <boost/url/parse.hpp>
#include <boost/url/url.hpp>
#include <boost/url/url_view.hpp>

namespace cairn::trace_amqp {
namespace {

// The URL with any password replaced by "***", so errors can quote it safely.
std::string MaskPassword(std::string_view url) {
  const std::size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::string(url);
  const std::size_t authority = scheme_end + 3;
  const std::size_t at = url.find('@', authority);
  const std::size_t slash = url.find('/', authority);
  if (at == std::string_view::npos || (slash != std::string_view::npos && slash < at)) {
    return std::string(url);
  }
  const std::size_t colon = url.find(':', authority);
  if (colon == std::string_view::npos || colon > at) return std::string(url);
  return std::string(url.substr(0, colon + 1)) + "***" + std::string(url.substr(at));
}

Status Bad(std::string_view url, std::string_view why) {
  return InvalidArgument("amqp url \"" + MaskPassword(url) + "\": " + std::string(why));
}

}  // namespace

std::string BrokerUrl::Redacted() const {
  std::string out = "amqp://" + user + "@";
  if (host.find(':') != std::string::npos) {
    out += "[" + host + "]";
  } else {
    out += host;
  }
  out += ":" + std::to_string(port);
  out += vhost == "/" ? "/" : "/" + vhost;
  return out;
}

Result<BrokerUrl> ParseBrokerUrl(std::string_view url) {
  if (url.empty()) return InvalidArgument("amqp url is empty");
  auto parsed = boost::urls::parse_uri(boost::core::string_view(url.data(), url.size()));
  if (!parsed) {
    return Bad(url, "not a URL like amqp://guest:guest@127.0.0.1:5672/ (" +
                        parsed.error().message() + ")");
  }
  const boost::urls::url_view& u = *parsed;
  const std::string_view scheme(u.scheme().data(), u.scheme().size());
  if (scheme == "amqps") return Bad(url, "amqps (TLS) is not supported; use amqp://");
  if (scheme != "amqp") return Bad(url, "scheme must be amqp");
  if (u.has_query()) return Bad(url, "query parameters are not supported");
  if (u.has_fragment()) return Bad(url, "a fragment is not allowed");

  BrokerUrl out;
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

  if (u.has_port() && !u.port().empty()) {
    std::uint32_t value = 0;
    for (char c : std::string_view(u.port().data(), u.port().size())) {
      if (c < '0' || c > '9' || value > 65535) return Bad(url, "invalid port");
      value = value * 10 + static_cast<std::uint32_t>(c - '0');
    }
    if (value == 0 || value > 65535) return Bad(url, "port must be in 1-65535");
    out.port = static_cast<std::uint16_t>(value);
  }
  if (u.has_userinfo()) {
    out.user = u.user();
    out.password = u.has_password() ? std::string(u.password()) : std::string();
    if (out.user.empty()) return Bad(url, "empty user name");
  }
  // The encoded path is "" or "/" or "/<vhost>"; the vhost is percent-decoded as a whole, so
  // "%2f" is a vhost named "/".
  const std::string_view path(u.encoded_path().data(), u.encoded_path().size());
  // Boost.URL 1.81 reads "h:12ab/" as port "12" and path "ab/".
  if (!path.empty() && path.front() != '/') return Bad(url, "invalid port or host");
  if (path.size() > 1) {
    std::string_view vhost_encoded = path.substr(1);
    if (vhost_encoded == "/") vhost_encoded = {};
    if (vhost_encoded.find('/') != std::string_view::npos) {
      return Bad(url, "the vhost must be one path segment (encode '/' as %2F)");
    }
    if (!vhost_encoded.empty()) {
      auto decoded = boost::urls::make_pct_string_view(
          boost::core::string_view(vhost_encoded.data(), vhost_encoded.size()));
      if (!decoded) return Bad(url, "bad percent-encoding in the vhost");
      out.vhost = decoded->decode();
    }
  }
  return out;
}

Status ConnectionSettings::Validate() const {
  constexpr std::chrono::milliseconds kMaxTimeout = std::chrono::minutes(10);
  if (connect_timeout.count() <= 0 || connect_timeout > kMaxTimeout) {
    return InvalidArgument("connect_timeout must be in 1 ms..10 min");
  }
  if (rpc_timeout.count() <= 0 || rpc_timeout > kMaxTimeout) {
    return InvalidArgument("rpc_timeout must be in 1 ms..10 min");
  }
  if (heartbeat.count() < 0 || heartbeat.count() > 3600) {
    return InvalidArgument("heartbeat must be in 0..3600 s");
  }
  if (connection_name.size() > 255) return InvalidArgument("connection_name exceeds 255 bytes");
  return Status::Ok();
}

}  // namespace cairn::trace_amqp
