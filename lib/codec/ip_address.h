// Zipkin's endpoint IP handling (zipkin2.Endpoint.Builder.parseIp), byte for byte.
//
// Text: an IPv4 dotted quad (octets of 1-3 digits, leading zeros allowed as netty allows them) is
// rewritten canonically ("010.1.1.1" -> "10.1.1.1"; Zipkin would keep the text verbatim, which
// makes JSON and proto3 disagree); an IPv6 address with an embedded IPv4 ("::ffff:1.2.3.4",
// "::1.2.3.4") becomes that IPv4; any other IPv6 is rewritten in canonical form (lower case,
// longest zero run compressed, "::" for all zeros). Bytes (proto3, Thrift): 4 bytes are IPv4; 16
// bytes are IPv6 unless they are IPv4-compatible or IPv4-mapped (then IPv4), with "::1" staying
// IPv6. Anything else is not an IP and is silently ignored, as Zipkin does.
//
// Pure functions, thread-safe, no allocation.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

namespace cairn::codec {

// A parsed address as text; at most 39 chars (IPv6) or 15 (IPv4).
class IpText {
 public:
  enum class Family : std::uint8_t { kNone, kIpv4, kIpv6 };

  Family family() const { return family_; }
  std::string_view text() const { return {buffer_, length_}; }

  // Endpoint.Builder.parseIp(String). Returns false (and leaves this unchanged) when `text` is
  // not an IP address.
  bool ParseText(std::string_view text);
  // Endpoint.Builder.parseIp(byte[]): 4 or 16 bytes, else false.
  bool ParseBytes(std::span<const std::uint8_t> bytes);

 private:
  void SetIpv4(const std::uint8_t octets[4]);
  void SetIpv6(const std::uint8_t bytes[16]);
  void SetText(Family family, std::string_view text);

  char buffer_[40] = {};
  std::uint8_t length_ = 0;
  Family family_ = Family::kNone;
};

// Whether `text` is a dotted-quad IPv4 address as Zipkin (netty's NetUtil) accepts it.
bool IsValidIpv4Text(std::string_view text);

}  // namespace cairn::codec
