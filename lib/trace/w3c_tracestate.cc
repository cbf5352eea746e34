#include "lib/trace/w3c_tracestate.h"

#include <array>
#include <cstddef>
#include <string>
#include <string_view>

#include "lib/trace/propagation_hex.h"

namespace cairn::trace::w3c_internal {
namespace {

using propagation_internal::TrimOws;

constexpr bool IsLcAlphaOrDigit(char c) { return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9'); }

constexpr bool IsKeyChar(char c) {
  return IsLcAlphaOrDigit(c) || c == '_' || c == '-' || c == '*' || c == '/' || c == '@';
}

// nblk-chr = %x21-2B / %x2D-3C / %x3E-7E
constexpr bool IsNonBlankValueChar(char c) {
  return c >= 0x21 && c <= 0x7e && c != ',' && c != '=';
}

struct Member {
  std::string_view key;
  std::string_view text;  // `key=value`, trimmed
};

}  // namespace

bool IsValidTracestateKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxTracestateKeyLength) return false;
  if (!IsLcAlphaOrDigit(key[0])) return false;
  for (char c : key.substr(1)) {
    if (!IsKeyChar(c)) return false;
  }
  return true;
}

bool IsValidTracestateValue(std::string_view value) {
  if (value.empty() || value.size() > kMaxTracestateValueLength) return false;
  for (char c : value) {
    if (c != ' ' && !IsNonBlankValueChar(c)) return false;
  }
  return value.back() != ' ';
}

bool CombineTracestate(const std::string_view* values, std::size_t count, std::string& out) {
  out.clear();
  std::array<Member, kMaxTracestateMembers> members;
  std::size_t member_count = 0;
  std::size_t total_length = 0;

  for (std::size_t i = 0; i < count; ++i) {
    std::string_view rest = values[i];
    while (true) {
      const std::size_t comma = rest.find(',');
      const std::string_view text = TrimOws(rest.substr(0, comma));
      if (!text.empty()) {  // empty and whitespace-only members are allowed and dropped
        if (member_count == kMaxTracestateMembers) return false;
        const std::size_t equals = text.find('=');
        if (equals == std::string_view::npos) return false;
        const std::string_view key = text.substr(0, equals);
        if (!IsValidTracestateKey(key) || !IsValidTracestateValue(text.substr(equals + 1))) {
          return false;
        }
        for (std::size_t j = 0; j < member_count; ++j) {
          if (members[j].key == key) return false;  // "Only one entry per key is allowed"
        }
        members[member_count++] = Member{key, text};
        total_length += text.size() + 1;
      }
      if (comma == std::string_view::npos) break;
      rest.remove_prefix(comma + 1);
    }
  }

  if (member_count == 0) return true;
  out.reserve(total_length - 1);
  for (std::size_t j = 0; j < member_count; ++j) {
    if (j != 0) out.push_back(',');
    out.append(members[j].text);
  }
  return true;
}

}  // namespace cairn::trace::w3c_internal
