// Private helpers of the propagation formats: strict lower-hex parsing and writing of 64-bit ids
// and ASCII case folding. Inline and allocation-free because they sit on every request's path.
// Not installed; only lib/trace/{b3,w3c,propagation}*.cc include it.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

namespace cairn::trace::propagation_internal {

inline constexpr char kLowerHexDigits[] = "0123456789abcdef";

// Digit values of lower-hex chars, -1 for every other byte (upper case included: B3 and W3C both
// require lower case). A table: ids are parsed on every request.
inline constexpr auto kLowerHexValues = [] {
  std::array<signed char, 256> table{};
  for (int i = 0; i < 256; ++i) table[i] = -1;
  for (int i = 0; i < 10; ++i) table['0' + i] = static_cast<signed char>(i);
  for (int i = 0; i < 6; ++i) table['a' + i] = static_cast<signed char>(10 + i);
  return table;
}();

constexpr int LowerHexValue(char c) { return kLowerHexValues[static_cast<unsigned char>(c)]; }

constexpr bool IsLowerHex(char c) { return LowerHexValue(c) >= 0; }

// Exactly 16 lower-hex chars at `p` into `out`. Validity is accumulated rather than branched on
// per char, so the fixed-length loop unrolls into straight-line code.
inline bool ParseLowerHex16(const char* p, std::uint64_t& out) {
  std::uint64_t value = 0;
  int bad = 0;
  for (int i = 0; i < 16; ++i) {
    const int digit = LowerHexValue(p[i]);
    bad |= digit;  // -1 sets the sign bit
    value = (value << 4) | static_cast<std::uint64_t>(digit & 0xf);
  }
  if (bad < 0) return false;
  out = value;
  return true;
}

// Parses 1..16 lower-hex chars into `out`. Returns false on an empty or longer input or on any
// other char. Zero is a successful parse; callers decide whether zero is acceptable.
inline bool ParseLowerHex64(std::string_view hex, std::uint64_t& out) {
  if (hex.size() == 16) return ParseLowerHex16(hex.data(), out);
  if (hex.empty() || hex.size() > 16) return false;
  std::uint64_t value = 0;
  int bad = 0;
  for (char c : hex) {
    const int digit = LowerHexValue(c);
    bad |= digit;
    value = (value << 4) | static_cast<std::uint64_t>(digit & 0xf);
  }
  if (bad < 0) return false;
  out = value;
  return true;
}

// Two lower-hex chars for each byte value.
inline constexpr auto kLowerHexPairs = [] {
  std::array<char, 512> table{};
  for (int i = 0; i < 256; ++i) {
    table[2 * i] = kLowerHexDigits[i >> 4];
    table[2 * i + 1] = kLowerHexDigits[i & 0xf];
  }
  return table;
}();

// Writes exactly 16 lower-hex chars.
inline void WriteLowerHex64(std::uint64_t value, char* out) {
  for (int i = 7; i >= 0; --i) {
    std::memcpy(out + 2 * i, &kLowerHexPairs[2 * (value & 0xff)], 2);
    value >>= 8;
  }
}

constexpr char AsciiLower(char c) { return (c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c; }

constexpr bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (AsciiLower(a[i]) != AsciiLower(b[i])) return false;
  }
  return true;
}

// HTTP optional whitespace (RFC 9110 OWS): space and horizontal tab.
constexpr bool IsOws(char c) { return c == ' ' || c == '\t'; }

constexpr std::string_view TrimOws(std::string_view s) {
  while (!s.empty() && IsOws(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsOws(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace cairn::trace::propagation_internal
