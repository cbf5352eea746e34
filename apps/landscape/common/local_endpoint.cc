#include "apps/landscape/common/local_endpoint.h"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <unistd.h>

#include <vector>

namespace cairn::landscape {
namespace {

std::vector<InterfaceAddress> ListInterfaceAddresses() {
  std::vector<InterfaceAddress> out;
  ifaddrs* list = nullptr;
  if (getifaddrs(&list) != 0) return out;
  for (ifaddrs* it = list; it != nullptr; it = it->ifa_next) {
    if (it->ifa_addr == nullptr || it->ifa_addr->sa_family != AF_INET) continue;
    char text[INET_ADDRSTRLEN] = {};
    const auto* sin = reinterpret_cast<const sockaddr_in*>(it->ifa_addr);
    if (inet_ntop(AF_INET, &sin->sin_addr, text, sizeof(text)) == nullptr) continue;
    InterfaceAddress address;
    address.interface = it->ifa_name != nullptr ? it->ifa_name : "";
    address.ipv4 = text;
    address.up = (it->ifa_flags & IFF_UP) != 0;
    address.loopback = (it->ifa_flags & IFF_LOOPBACK) != 0;
    out.push_back(std::move(address));
  }
  freeifaddrs(list);
  return out;
}

}  // namespace

std::string ChooseIpv4(std::span<const InterfaceAddress> addresses) {
  for (const InterfaceAddress& a : addresses) {
    if (a.up && !a.loopback) return a.ipv4;
  }
  for (const InterfaceAddress& a : addresses) {
    if (a.loopback) return a.ipv4;
  }
  return "127.0.0.1";
}

LocalEndpoint DetectLocalEndpoint(std::string_view ipv4_override) {
  LocalEndpoint endpoint;
  char name[256] = {};
  if (gethostname(name, sizeof(name) - 1) == 0 && name[0] != '\0') {
    endpoint.hostname = name;
  } else {
    endpoint.hostname = "localhost";
  }
  if (!ipv4_override.empty()) {
    endpoint.ipv4 = std::string(ipv4_override);
  } else {
    endpoint.ipv4 = ChooseIpv4(ListInterfaceAddresses());
  }
  return endpoint;
}

}  // namespace cairn::landscape
