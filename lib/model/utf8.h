// UTF-8 checking and repair for the span encoders.
//
// SpanRecord strings are bytes from user code or from the network, so they may be ill-formed
// UTF-8. Both wire formats require well-formed text (proto3 `string` fields are rejected by
// libprotobuf otherwise, and Zipkin reads JSON as UTF-8), so the encoders replace every ill-formed
// subsequence with U+FFFD (EF BF BD) following Unicode's "maximal subpart" practice (Unicode 15,
// §3.9 U+FFFD substitution), which is also what Java's UTF-8 decoder and browsers do: a Zipkin
// server that decoded the same bytes would hold the same text. Well-formed input is copied as is.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::model {

// The UTF-8 sequence at the start of some bytes: how many bytes it spans and whether it is
// well-formed. An ill-formed sequence is the maximal subpart to replace by one U+FFFD
// (length 1..3).
struct Utf8Step {
  std::uint8_t length;
  bool valid;
};

// Classifies the sequence starting at s[0]; `n` (>= 1) is how many bytes are readable from `s`.
inline Utf8Step NextUtf8(const unsigned char* s, std::size_t n) {
  const unsigned char lead = s[0];
  if (lead < 0x80) return {1, true};
  std::uint8_t length;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;   // overlong
    if (lead == 0xED) high = 0x9F;  // surrogates
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;   // overlong
    if (lead == 0xF4) high = 0x8F;  // above U+10FFFF
  } else {
    return {1, false};  // continuation byte, C0/C1 or F5..FF as a lead
  }
  if (n < 2 || s[1] < low || s[1] > high) return {1, false};
  for (std::uint8_t i = 2; i < length; ++i) {
    if (i >= n || (s[i] & 0xC0) != 0x80) return {i, false};
  }
  return {length, true};
}

inline constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Whether `text` is well-formed UTF-8.
bool IsValidUtf8(std::string_view text);

// Size of `text` after replacing each ill-formed subsequence by U+FFFD; sets `*valid` to whether
// there was none (then the size is text.size() and the text is copied unchanged).
std::size_t Utf8RepairedSize(std::string_view text, bool* valid);

// Writes the repaired text (Utf8RepairedSize bytes) to `out` and returns the end of what it wrote.
char* WriteUtf8Repaired(std::string_view text, char* out);

// Appends the repaired text.
void AppendUtf8Repaired(std::string_view text, std::string& out);

}  // namespace cairn::model
