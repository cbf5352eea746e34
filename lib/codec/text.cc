#include "lib/codec/text.h"

#include <locale.h>
#include <wctype.h>

#include <algorithm>
#include <cstdint>
#include <cstring>

namespace cairn::codec {
namespace {

// Decodes one well-formed UTF-8 sequence at text[pos]; returns its length, or 0 when ill-formed.
std::size_t DecodeUtf8(std::string_view text, std::size_t pos, char32_t& cp) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[pos + i]); };
  std::size_t left = text.size() - pos;
  unsigned char lead = byte(0);
  if (lead < 0x80) {
    cp = lead;
    return 1;
  }
  std::size_t length;
  unsigned char low = 0x80;
  unsigned char high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    cp = lead & 0x1F;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    cp = lead & 0x0F;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    cp = lead & 0x07;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  if (left < length || byte(1) < low || byte(1) > high) return 0;
  for (std::size_t i = 1; i < length; ++i) {
    if ((byte(i) & 0xC0) != 0x80) return 0;
    cp = (cp << 6) | (byte(i) & 0x3F);
  }
  return length;
}

void AppendUtf8(char32_t cp, std::string& out) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

locale_t Utf8Locale() {
  static const locale_t locale = newlocale(LC_CTYPE_MASK, "C.UTF-8", static_cast<locale_t>(0));
  return locale;
}

char32_t LowerCodePoint(char32_t cp) {
  locale_t locale = Utf8Locale();
  if (locale == static_cast<locale_t>(0)) return cp;
  return static_cast<char32_t>(towlower_l(static_cast<wint_t>(cp), locale));
}

bool IsLetter(char32_t cp) {
  if (cp < 0x80) return (cp >= 'a' && cp <= 'z') || (cp >= 'A' && cp <= 'Z');
  locale_t locale = Utf8Locale();
  return locale != static_cast<locale_t>(0) && iswalpha_l(static_cast<wint_t>(cp), locale);
}

// Java's final-sigma condition, approximated with "letter" for "cased letter": a letter before
// and none right after.
bool IsFinalSigma(std::string_view text, std::size_t pos, std::size_t length, bool letter_before) {
  if (!letter_before) return false;
  std::size_t next = pos + length;
  if (next >= text.size()) return true;
  char32_t cp;
  if (DecodeUtf8(text, next, cp) == 0) return true;
  return !IsLetter(cp);
}

// Maps a code point to its position in UTF-16 code unit order (surrogates D800..DFFF sit below
// E000..FFFF); ordering of equal-width values is preserved.
std::uint32_t Utf16Key(char32_t cp) {
  if (cp >= 0x10000) return 0xD800 + ((cp - 0x10000) >> 10);
  return cp;
}

}  // namespace

bool MayNeedLowerCase(std::string_view text) {
  // Eight bytes at a time: a byte >= 0x80, or one in 'A'..'Z' (computed with every byte's high bit
  // set, so the subtractions never borrow across bytes).
  constexpr std::uint64_t kHigh = 0x8080808080808080ULL;
  constexpr std::uint64_t kA = 0x4141414141414141ULL;       // 'A'
  constexpr std::uint64_t kAfterZ = 0x5B5B5B5B5B5B5B5BULL;  // 'Z' + 1
  std::size_t i = 0;
  for (; i + 8 <= text.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, text.data() + i, 8);
    if ((x & kHigh) != 0) return true;
    std::uint64_t t = x | kHigh;
    if (((t - kA) & ~(t - kAfterZ) & kHigh) != 0) return true;
  }
  for (; i < text.size(); ++i) {
    char c = text[i];
    if ((c >= 'A' && c <= 'Z') || static_cast<unsigned char>(c) >= 0x80) return true;
  }
  return false;
}

void AppendLowerCaseRoot(std::string_view text, std::string& out) {
  out.reserve(out.size() + text.size());
  bool letter_before = false;
  std::size_t pos = 0;
  while (pos < text.size()) {
    unsigned char c = static_cast<unsigned char>(text[pos]);
    if (c < 0x80) {
      out += static_cast<char>(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
      letter_before = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
      ++pos;
      continue;
    }
    char32_t cp;
    std::size_t length = DecodeUtf8(text, pos, cp);
    if (length == 0) {
      out += static_cast<char>(c);
      letter_before = false;
      ++pos;
      continue;
    }
    if (cp == 0x0130) {
      out += "i\xCC\x87";  // LATIN CAPITAL LETTER I WITH DOT ABOVE -> i + COMBINING DOT ABOVE
    } else if (cp == 0x03A3) {
      AppendUtf8(IsFinalSigma(text, pos, length, letter_before) ? 0x03C2 : 0x03C3, out);
    } else {
      AppendUtf8(LowerCodePoint(cp), out);
    }
    letter_before = IsLetter(cp);
    pos += length;
  }
}

int CompareUtf16(std::string_view a, std::string_view b) {
  std::size_t n = std::min(a.size(), b.size());
  std::size_t i = 0;
  while (i < n && a[i] == b[i]) ++i;
  if (i == n) return a.size() < b.size() ? -1 : (a.size() == b.size() ? 0 : 1);
  unsigned char ca = static_cast<unsigned char>(a[i]);
  unsigned char cb = static_cast<unsigned char>(b[i]);
  // Only a difference between a 3-byte sequence starting EE/EF and a 4-byte one (F0..F4) orders
  // differently in UTF-16; find both code points from their lead bytes.
  if (ca >= 0x80 && cb >= 0x80) {
    std::size_t start = i;
    while (start > 0 && (static_cast<unsigned char>(a[start]) & 0xC0) == 0x80) --start;
    char32_t cpa;
    char32_t cpb;
    if (DecodeUtf8(a, start, cpa) != 0 && DecodeUtf8(b, start, cpb) != 0) {
      std::uint32_t ka = Utf16Key(cpa);
      std::uint32_t kb = Utf16Key(cpb);
      if (ka != kb) return ka < kb ? -1 : 1;
    }
  }
  return ca < cb ? -1 : 1;
}

}  // namespace cairn::codec
