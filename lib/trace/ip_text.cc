#include "lib/trace/ip_text.h"

#include <arpa/inet.h>

#include <cstring>

namespace cairn::trace::internal {

CanonicalIp CanonicalizeIp(std::string_view text) {
  CanonicalIp result;
  // inet_pton needs a NUL-terminated string; anything longer than the longest IPv6 text is invalid.
  char input[sizeof(result.text)];
  if (text.empty() || text.size() >= sizeof(input)) return result;
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return result;  // would truncate
  std::memcpy(input, text.data(), text.size());
  input[text.size()] = '\0';

  in_addr v4;
  in6_addr v6;
  if (inet_pton(AF_INET, input, &v4) == 1) {
    result.family = IpFamily::kV4;
  } else if (inet_pton(AF_INET6, input, &v6) == 1) {
    static constexpr unsigned char kMappedPrefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::memcmp(v6.s6_addr, kMappedPrefix, sizeof(kMappedPrefix)) == 0) {
      result.family = IpFamily::kV4;
      std::memcpy(&v4.s_addr, v6.s6_addr + 12, 4);
    } else {
      result.family = IpFamily::kV6;
    }
  } else {
    return result;
  }
  const char* written = result.family == IpFamily::kV4
                            ? inet_ntop(AF_INET, &v4, result.text, sizeof(result.text))
                            : inet_ntop(AF_INET6, &v6, result.text, sizeof(result.text));
  if (written == nullptr) return CanonicalIp{};
  result.size = std::strlen(result.text);
  return result;
}

}  // namespace cairn::trace::internal
