// Canonical text of IP addresses for span endpoints (inet_pton + inet_ntop, no allocation).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

namespace cairn::trace::internal {

enum class IpFamily : std::uint8_t { kInvalid, kV4, kV6 };

struct CanonicalIp {
  IpFamily family = IpFamily::kInvalid;
  char text[48] = {};  // INET6_ADDRSTRLEN (46) rounded up
  std::size_t size = 0;

  std::string_view view() const { return {text, size}; }
};

// Parses IPv4 dotted-quad or IPv6 text (no brackets, no zone, no port). IPv4-mapped IPv6
// (::ffff:a.b.c.d) is reported as the IPv4 address, as Brave and Zipkin do. IPv6 text is
// re-written in RFC 5952 form (lower case, longest zero run compressed). kInvalid for anything
// else.
CanonicalIp CanonicalizeIp(std::string_view text);

}  // namespace cairn::trace::internal
