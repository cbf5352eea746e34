// Private helpers of the propagation formats: strict lower-hex parsing and writing of 64-bit ids
// and ASCII case folding. Inline and allocation-free because they sit on every request's path.
// Not installed; only lib/trace/{b3,w3c,propagation}*.cc include it.
#pragma once

#include <array>
#include <bit>
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

// Reference implementation of ParseLowerHex16, one char at a time (also the big-endian path).
inline bool ParseLowerHex16Scalar(const char* p, std::uint64_t& out) {
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

// 8 lower-hex chars, loaded little-endian (first char in the low byte), to their 32-bit value;
// false unless every byte is in '0'-'9' or 'a'-'f'. Byte-wise range checks add a bias that moves
// bytes at or above a bound to bit 7; with bit 7 clear on input no carry crosses a byte.
inline bool DecodeLowerHex8(std::uint64_t x, std::uint32_t& out) {
  constexpr std::uint64_t kOnes = 0x0101010101010101;
  constexpr std::uint64_t kHigh = 0x8080808080808080;
  if (x & kHigh) return false;
  const std::uint64_t ge_0 = x + kOnes * (0x80 - '0');
  const std::uint64_t gt_9 = x + kOnes * (0x80 - '9' - 1);
  const std::uint64_t ge_a = x + kOnes * (0x80 - 'a');
  const std::uint64_t gt_f = x + kOnes * (0x80 - 'f' - 1);
  const std::uint64_t ok = ((ge_0 & ~gt_9) | (ge_a & ~gt_f)) & kHigh;
  if (ok != kHigh) return false;
  // '0'-'9' -> 0-9 (c & 0xf); 'a'-'f' -> 10-15 ((c & 0xf) + 9, bit 6 set).
  std::uint64_t n = (x & (kOnes * 0x0f)) + ((x >> 6) & kOnes) * 9;
  n = ((n << 4) | (n >> 8)) & 0x00ff00ff00ff00ff;  // two nibbles per 16-bit lane, first char high
  n = (n | (n >> 8)) & 0x0000ffff0000ffff;         // bytes B0 B1 . . B2 B3 . .
  n = (n | (n >> 16)) & 0xffffffff;                // bytes B0 B1 B2 B3
  out = __builtin_bswap32(static_cast<std::uint32_t>(n));
  return true;
}

// Exactly 16 lower-hex chars at `p` into `out`: two 8-byte words, no per-char branches.
inline bool ParseLowerHex16(const char* p, std::uint64_t& out) {
  if constexpr (std::endian::native != std::endian::little) {
    return ParseLowerHex16Scalar(p, out);
  } else {
    std::uint64_t first, second;
    std::memcpy(&first, p, 8);
    std::memcpy(&second, p + 8, 8);
    std::uint32_t high, low;
    if (!DecodeLowerHex8(first, high) || !DecodeLowerHex8(second, low)) return false;
    out = (static_cast<std::uint64_t>(high) << 32) | low;
    return true;
  }
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
