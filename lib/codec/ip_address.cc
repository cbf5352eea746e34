// Follows zipkin2.Endpoint (detectFamily, textToNumericFormatV6 from Guava, isValidIpV4Address
// from netty, writeIpV6, parseEmbeddedIPv4) including its quirks, so stored endpoints compare
// equal to what a Zipkin server would store, with one deliberate difference:
// - IPv4 text is written in canonical dotted-decimal form. Zipkin validates IPv4 text (leading
//   zeros allowed, as netty allows them) but keeps it verbatim, so "52.0.0.05" sent as JSON comes
//   back as "52.0.0.05" yet as "52.0.0.5" after a proto3 or Thrift round trip (those carry
//   bytes). cairn always stores the canonical text, so every format agrees;
// - a hextet may have any number of leading zeros;
// - writeIpV6 compresses the first longest zero run, even a single zero group, and only falls
//   back to a trailing run when no earlier run exists;
// - from bytes, only IPv4-compatible addresses (::a.b.c.d, not ::1) become IPv4; IPv4-mapped
//   bytes (::ffff:a.b.c.d) stay IPv6 text, as in Zipkin (text input does map them).
#include "lib/codec/ip_address.h"

#include <cstring>

namespace cairn::codec {
namespace {

bool IsHex(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

// netty NetUtil.isValidIpV4Word over text[from, to).
bool IsValidIpv4Word(std::string_view text, std::size_t from, std::size_t to) {
  if (to < from) return false;
  std::size_t length = to - from;
  if (length < 1 || length > 3) return false;
  char c0 = text[from];
  if (c0 < '0') return false;
  if (length == 3) {
    char c1 = text[from + 1];
    char c2 = text[from + 2];
    return c1 >= '0' && c2 >= '0' &&
           ((c0 <= '1' && c1 <= '9' && c2 <= '9') ||
            (c0 == '2' && c1 <= '5' && (c2 <= '5' || (c1 < '5' && c2 <= '9'))));
  }
  return c0 <= '9' && (length == 1 || (text[from + 1] >= '0' && text[from + 1] <= '9'));
}

// Finds '.' at or after `from` in the whole text, like String.indexOf.
std::size_t FindDot(std::string_view text, std::size_t from) { return text.find('.', from); }

// netty NetUtil.isValidIpV4Address(ip, from, toExcluded).
bool IsValidIpv4Range(std::string_view text, std::size_t from, std::size_t to) {
  std::size_t length = to - from;
  if (length > 15 || length < 7) return false;
  std::size_t i = FindDot(text, from + 1);
  if (i == std::string_view::npos || !IsValidIpv4Word(text, from, i)) return false;
  from = i + 2;
  i = FindDot(text, from);
  if (i == std::string_view::npos || !IsValidIpv4Word(text, from - 1, i)) return false;
  from = i + 2;
  i = FindDot(text, from);
  if (i == std::string_view::npos || !IsValidIpv4Word(text, from - 1, i)) return false;
  return IsValidIpv4Word(text, i + 1, to);
}

enum class TextFamily { kUnknown, kIpv4, kIpv4Embedded, kIpv6 };

TextFamily DetectFamily(std::string_view text) {
  bool has_colon = false;
  bool has_dot = false;
  for (char c : text) {
    if (c == '.') {
      has_dot = true;
    } else if (c == ':') {
      if (has_dot) return TextFamily::kUnknown;  // colons must not appear after dots
      has_colon = true;
    } else if (!IsHex(c)) {
      return TextFamily::kUnknown;
    }
  }
  if (has_colon) {
    if (!has_dot) return TextFamily::kIpv6;
    std::size_t last_colon = text.rfind(':');
    if (!IsValidIpv4Range(text, last_colon + 1, text.size())) return TextFamily::kUnknown;
    if (last_colon == 1 && text[0] == ':') return TextFamily::kIpv4Embedded;  // ::1.2.3.4
    if (last_colon != 6 || text[0] != ':' || text[1] != ':') return TextFamily::kUnknown;
    for (std::size_t i = 2; i < 6; ++i) {
      char c = text[i];
      if (c != 'f' && c != 'F' && c != '0') return TextFamily::kUnknown;
    }
    return TextFamily::kIpv4Embedded;
  }
  if (has_dot && IsValidIpv4Range(text, 0, text.size())) return TextFamily::kIpv4;
  return TextFamily::kUnknown;
}

bool ParseHextet(std::string_view part, std::uint16_t& out) {
  if (part.empty()) return false;  // Integer.parseInt("") throws
  std::uint32_t value = 0;
  for (char c : part) {
    value = (value << 4) | static_cast<std::uint32_t>(HexValue(c));
    if (value > 0xffff) return false;
  }
  out = static_cast<std::uint16_t>(value);
  return true;
}

// Guava InetAddresses.textToNumericFormatV6 as copied into Zipkin; `text` holds only hex digits
// and colons here.
bool TextToIpv6Bytes(std::string_view text, std::uint8_t out[16]) {
  constexpr int kPartCount = 8;
  // String.split(":", 10): at most 10 parts, the last one keeping any further colons.
  std::string_view parts[10];
  int count = 0;
  std::size_t start = 0;
  while (true) {
    if (count == 9) {
      parts[count++] = text.substr(start);
      break;
    }
    std::size_t colon = text.find(':', start);
    if (colon == std::string_view::npos) {
      parts[count++] = text.substr(start);
      break;
    }
    parts[count++] = text.substr(start, colon - start);
    start = colon + 1;
  }
  if (count < 3 || count > kPartCount + 1) return false;

  int skip_index = -1;
  for (int i = 1; i < count - 1; ++i) {
    if (parts[i].empty()) {
      if (skip_index >= 0) return false;  // more than one "::"
      skip_index = i;
    }
  }
  int parts_hi;
  int parts_lo;
  if (skip_index >= 0) {
    parts_hi = skip_index;
    parts_lo = count - skip_index - 1;
    if (parts[0].empty() && --parts_hi != 0) return false;          // ^: requires ^::
    if (parts[count - 1].empty() && --parts_lo != 0) return false;  // :$ requires ::$
  } else {
    parts_hi = count;
    parts_lo = 0;
  }
  int parts_skipped = kPartCount - (parts_hi + parts_lo);
  if (!(skip_index >= 0 ? parts_skipped >= 1 : parts_skipped == 0)) return false;

  int pos = 0;
  auto put = [&](std::uint16_t hextet) {
    out[pos++] = static_cast<std::uint8_t>(hextet >> 8);
    out[pos++] = static_cast<std::uint8_t>(hextet & 0xff);
  };
  std::uint16_t hextet = 0;
  for (int i = 0; i < parts_hi; ++i) {
    if (!ParseHextet(parts[i], hextet)) return false;
    put(hextet);
  }
  for (int i = 0; i < parts_skipped; ++i) put(0);
  for (int i = parts_lo; i > 0; --i) {
    if (!ParseHextet(parts[count - i], hextet)) return false;
    put(hextet);
  }
  return true;
}

constexpr char kHexDigits[] = "0123456789abcdef";

// Endpoint.writeIpV6; returns the length written (at most 39).
std::size_t WriteIpv6(const std::uint8_t ipv6[16], char* buf) {
  int zero_compression_index = -1;
  int zero_compression_length = -1;
  int zero_index = -1;
  bool all_zeros = true;
  for (int i = 0; i < 16; i += 2) {
    if (ipv6[i] == 0 && ipv6[i + 1] == 0) {
      if (zero_index < 0) zero_index = i;
      continue;
    }
    all_zeros = false;
    if (zero_index >= 0) {
      int zero_length = i - zero_index;
      if (zero_length > zero_compression_length) {
        zero_compression_index = zero_index;
        zero_compression_length = zero_length;
      }
      zero_index = -1;
    }
  }
  if (all_zeros) {
    buf[0] = ':';
    buf[1] = ':';
    return 2;
  }
  if (zero_compression_index == -1 && zero_index != -1) {
    zero_compression_index = zero_index;
    zero_compression_length = 16 - zero_index;
  }
  std::size_t pos = 0;
  int i = 0;
  while (i < 16) {
    if (i == zero_compression_index) {
      buf[pos++] = ':';
      i += zero_compression_length;
      if (i == 16) buf[pos++] = ':';
      continue;
    }
    if (i != 0) buf[pos++] = ':';
    std::uint8_t high = ipv6[i++];
    std::uint8_t low = ipv6[i++];
    bool leading_zero;
    char val = kHexDigits[(high >> 4) & 0xf];
    if (!(leading_zero = val == '0')) buf[pos++] = val;
    val = kHexDigits[high & 0xf];
    if (!(leading_zero = (leading_zero && val == '0'))) buf[pos++] = val;
    val = kHexDigits[(low >> 4) & 0xf];
    if (!(leading_zero && val == '0')) buf[pos++] = val;
    buf[pos++] = kHexDigits[low & 0xf];
  }
  return pos;
}

// Endpoint.Builder.parseEmbeddedIPv4: true for IPv4-compatible addresses other than ::1.
bool IsEmbeddedIpv4(const std::uint8_t ipv6[16]) {
  for (int i = 0; i < 12; ++i) {
    if (ipv6[i] != 0) return false;
  }
  return !(ipv6[12] == 0 && ipv6[13] == 0 && ipv6[14] == 0 && ipv6[15] == 1);
}

}  // namespace

bool IsValidIpv4Text(std::string_view text) { return DetectFamily(text) == TextFamily::kIpv4; }

void IpText::SetText(Family family, std::string_view text) {
  std::memcpy(buffer_, text.data(), text.size());
  length_ = static_cast<std::uint8_t>(text.size());
  family_ = family;
}

void IpText::SetIpv4(const std::uint8_t octets[4]) {
  char text[16];
  std::size_t pos = 0;
  for (int i = 0; i < 4; ++i) {
    if (i != 0) text[pos++] = '.';
    unsigned value = octets[i];
    if (value >= 100) text[pos++] = static_cast<char>('0' + value / 100);
    if (value >= 10) text[pos++] = static_cast<char>('0' + value / 10 % 10);
    text[pos++] = static_cast<char>('0' + value % 10);
  }
  SetText(Family::kIpv4, {text, pos});
}

void IpText::SetIpv6(const std::uint8_t bytes[16]) {
  char text[40];
  std::size_t length = WriteIpv6(bytes, text);
  SetText(Family::kIpv6, {text, length});
}

namespace {

// The common case, "a.b.c.d" with 1..3 digit octets up to 255, in one pass: equivalent to netty's
// isValidIpV4Address for text made only of digits and dots. Fills `octets`; `canonical` tells
// whether the text already has no leading zeros.
bool ParsePlainIpv4(std::string_view text, std::uint8_t octets[4], bool& canonical) {
  if (text.size() < 7 || text.size() > 15) return false;
  int octet = 0;
  int digits = 0;
  unsigned value = 0;
  canonical = true;
  for (char c : text) {
    if (c >= '0' && c <= '9') {
      if (digits == 1 && value == 0) canonical = false;  // leading zero
      if (++digits > 3) return false;
      value = value * 10 + static_cast<unsigned>(c - '0');
    } else if (c == '.') {
      if (digits == 0 || value > 255 || octet == 3) return false;
      octets[octet++] = static_cast<std::uint8_t>(value);
      digits = 0;
      value = 0;
    } else {
      return false;
    }
  }
  if (octet != 3 || digits == 0 || value > 255) return false;
  octets[3] = static_cast<std::uint8_t>(value);
  return true;
}

// Octets of IPv4 text already validated by IsValidIpv4Range.
void ParseOctets(std::string_view text, std::uint8_t octets[4]) {
  int octet = 0;
  unsigned value = 0;
  for (char c : text) {
    if (c == '.') {
      octets[octet++] = static_cast<std::uint8_t>(value);
      value = 0;
    } else {
      value = value * 10 + static_cast<unsigned>(c - '0');
    }
  }
  octets[octet] = static_cast<std::uint8_t>(value);
}

}  // namespace

bool IpText::ParseText(std::string_view text) {
  if (text.empty()) return false;
  std::uint8_t octets[4];
  bool canonical = false;
  if (ParsePlainIpv4(text, octets, canonical)) {
    if (canonical) {
      SetText(Family::kIpv4, text);
    } else {
      SetIpv4(octets);
    }
    return true;
  }
  switch (DetectFamily(text)) {
    case TextFamily::kIpv4:
      ParseOctets(text, octets);
      SetIpv4(octets);
      return true;
    case TextFamily::kIpv4Embedded:
      ParseOctets(text.substr(text.rfind(':') + 1), octets);
      SetIpv4(octets);
      return true;
    case TextFamily::kIpv6: {
      std::uint8_t bytes[16];
      if (!TextToIpv6Bytes(text, bytes)) return false;
      SetIpv6(bytes);
      return true;
    }
    case TextFamily::kUnknown:
      break;
  }
  return false;
}

bool IpText::ParseBytes(std::span<const std::uint8_t> bytes) {
  if (bytes.size() == 4) {
    SetIpv4(bytes.data());
    return true;
  }
  if (bytes.size() == 16) {
    if (IsEmbeddedIpv4(bytes.data())) {
      SetIpv4(bytes.data() + 12);
    } else {
      SetIpv6(bytes.data());
    }
    return true;
  }
  return false;
}

}  // namespace cairn::codec
