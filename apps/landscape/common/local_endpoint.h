// Who this process is on the network: its host name and the IPv4 address other hosts reach it by.
// Used for the tracer's local endpoint, the quotes-service's "ipAddress" ("<host>/<ip>:<port>")
// and the "servedBy" fields of the landscape's responses.
#pragma once

#include <span>
#include <string>
#include <string_view>

namespace cairn::landscape {

struct LocalEndpoint {
  std::string hostname;  // gethostname(), "localhost" when unavailable
  std::string ipv4;      // dotted quad; "127.0.0.1" when the host has no other IPv4 address
};

// One IPv4 address of a network interface, as getifaddrs reports it.
struct InterfaceAddress {
  std::string interface;  // "eth0"
  std::string ipv4;
  bool up = false;
  bool loopback = false;
};

// The address to advertise: the first address of an interface that is up and not loopback (in
// getifaddrs order, as Go's net.InterfaceAddrs scan of the original), else the first loopback
// address, else "127.0.0.1".
std::string ChooseIpv4(std::span<const InterfaceAddress> addresses);

// Reads host name and interfaces now. `ipv4_override`, when not empty, is used as the address
// (for hosts with several interfaces or NAT; configuration key `service_ip`).
LocalEndpoint DetectLocalEndpoint(std::string_view ipv4_override = {});

}  // namespace cairn::landscape
