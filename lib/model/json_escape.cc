#include "lib/model/json_escape.h"

#include <array>
#include <cstring>

#include "lib/model/encode_util.h"
#include "lib/model/utf8.h"

namespace cairn::model {
namespace {

// For each ASCII byte: 0 when written as is, else the character after the backslash ('u' for the
// six-character \u00xx form). JsonEscaper's REPLACEMENT_CHARS table.
constexpr std::array<char, 128> MakeEscapeTable() {
  std::array<char, 128> table{};
  for (int c = 0; c < 0x20; ++c) table[c] = 'u';
  table['"'] = '"';
  table['\\'] = '\\';
  table['\t'] = 't';
  table['\b'] = 'b';
  table['\n'] = 'n';
  table['\r'] = 'r';
  table['\f'] = 'f';
  return table;
}
constexpr std::array<char, 128> kEscape = MakeEscapeTable();

// U+2028 and U+2029 in UTF-8 are E2 80 A8 and E2 80 A9.
bool IsJsLineTerminator(const unsigned char* s, Utf8Step step) {
  return step.length == 3 && s[0] == 0xE2 && s[1] == 0x80 && (s[2] == 0xA8 || s[2] == 0xA9);
}

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// The general case, from byte `i` on: what follows a word that needs attention. Returns the
// escaped size of s[i..n).
[[gnu::noinline]] std::size_t EscapedSizeFrom(const unsigned char* s, std::size_t n,
                                              std::size_t i) {
  std::size_t size = n - i;
  while (i < n) {
    while (i + 8 <= n && !internal::HasJsonSpecial(internal::Load64(s + i))) i += 8;
    if (i >= n) break;
    const unsigned char c = s[i];
    if (c < 0x80) {
      const char escape = kEscape[c];
      if (escape != 0) size += escape == 'u' ? 5 : 1;
      ++i;
      continue;
    }
    const Utf8Step step = NextUtf8(s + i, n - i);
    if (!step.valid) {
      size = size - step.length + kReplacementCharacter.size();
    } else if (IsJsLineTerminator(s + i, step)) {
      size += 3;  // 3 bytes become the 6 characters \u2028
    }
    i += step.length;
  }
  return size;
}

[[gnu::noinline]] char* WriteEscapedFrom(const unsigned char* s, std::size_t n, std::size_t i,
                                         char* out) {
  while (i < n) {
    while (i + 8 <= n) {
      const std::uint64_t word = internal::Load64(s + i);
      if (internal::HasJsonSpecial(word)) break;
      internal::Store64(word, out);
      out += 8;
      i += 8;
    }
    // Then up to 8 bytes one at a time, before trying whole words again.
    const std::size_t stop = i + 8 < n ? i + 8 : n;
    while (i < stop) {
      const unsigned char c = s[i];
      if (c < 0x80) {
        const char escape = kEscape[c];
        if (escape == 0) {
          *out++ = static_cast<char>(c);
        } else if (escape != 'u') {
          out[0] = '\\';
          out[1] = escape;
          out += 2;
        } else {
          std::memcpy(out, "\\u00", 4);
          out[4] = internal::kHexPairs[c * 2];
          out[5] = internal::kHexPairs[c * 2 + 1];
          out += 6;
        }
        ++i;
        continue;
      }
      const Utf8Step step = NextUtf8(s + i, n - i);
      if (!step.valid) {
        out = internal::WriteBytes(kReplacementCharacter, out);
      } else if (IsJsLineTerminator(s + i, step)) {
        std::memcpy(out, "\\u202", 5);
        out[5] = s[i + 2] == 0xA8 ? '8' : '9';
        out += 6;
      } else {
        std::memcpy(out, s + i, step.length);
        out += step.length;
      }
      i += step.length;
    }
  }
  return out;
}

}  // namespace

// Both entry points first test the common case, text that needs no escaping, as a whole; the
// general loops run only for text that has something to escape or repair.

std::size_t JsonEscapedSize(std::string_view text) {
  const unsigned char* s = Bytes(text);
  if (internal::IsPlainJsonText(s, text.size())) return text.size();
  return EscapedSizeFrom(s, text.size(), 0);
}

char* WriteJsonEscaped(std::string_view text, char* out) {
  const unsigned char* s = Bytes(text);
  if (internal::IsPlainJsonText(s, text.size())) return internal::CopyText(s, text.size(), out);
  return WriteEscapedFrom(s, text.size(), 0, out);
}

void AppendJsonEscaped(std::string_view text, std::string& out) {
  const std::size_t old_size = out.size();
  out.resize(old_size + JsonEscapedSize(text));
  WriteJsonEscaped(text, out.data() + old_size);
}

void AppendJsonString(std::string_view text, std::string& out) {
  const std::size_t old_size = out.size();
  out.resize(old_size + JsonEscapedSize(text) + 2);
  char* p = out.data() + old_size;
  *p++ = '"';
  p = WriteJsonEscaped(text, p);
  *p = '"';
}

}  // namespace cairn::model
