#include "lib/model/utf8.h"

#include <cstring>

#include "lib/model/encode_util.h"

namespace cairn::model {
namespace {

const unsigned char* Bytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

// Calls on_invalid(offset, step) for each ill-formed subsequence of s[0..n), in order.
template <typename OnInvalid>
void ForEachIllFormed(const unsigned char* s, std::size_t n, OnInvalid on_invalid) {
  if (internal::IsAsciiText(s, n)) return;
  std::size_t i = 0;
  while (i < n) {
    // ASCII runs, the common case, are skipped 8 bytes at a time.
    while (i + 8 <= n && !internal::HasNonAscii(internal::Load64(s + i))) i += 8;
    if (i >= n) break;
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const Utf8Step step = NextUtf8(s + i, n - i);
    if (!step.valid) on_invalid(i, step);
    i += step.length;
  }
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  bool valid = true;
  (void)Utf8RepairedSize(text, &valid);
  return valid;
}

std::size_t Utf8RepairedSize(std::string_view text, bool* valid) {
  std::size_t size = text.size();
  bool all_valid = true;
  ForEachIllFormed(Bytes(text), text.size(), [&](std::size_t, Utf8Step step) {
    size = size - step.length + kReplacementCharacter.size();
    all_valid = false;
  });
  *valid = all_valid;
  return size;
}

char* WriteUtf8Repaired(std::string_view text, char* out) {
  if (text.empty()) return out;  // memcpy must not see a null data()
  const unsigned char* s = Bytes(text);
  std::size_t copied_to = 0;  // s[0..copied_to) has been written
  ForEachIllFormed(s, text.size(), [&](std::size_t offset, Utf8Step step) {
    std::memcpy(out, s + copied_to, offset - copied_to);
    out += offset - copied_to;
    out = internal::WriteBytes(kReplacementCharacter, out);
    copied_to = offset + step.length;
  });
  std::memcpy(out, s + copied_to, text.size() - copied_to);
  return out + (text.size() - copied_to);
}

void AppendUtf8Repaired(std::string_view text, std::string& out) {
  bool valid = true;
  const std::size_t size = Utf8RepairedSize(text, &valid);
  if (valid) {
    out.append(text);
    return;
  }
  const std::size_t old_size = out.size();
  out.resize(old_size + size);
  WriteUtf8Repaired(text, out.data() + old_size);
}

}  // namespace cairn::model
