#include "lib/config/settings.h"

#include <cctype>

namespace cairn::config {

std::string FlagName(std::string_view path) {
  std::string flag = "--";
  for (char c : path) flag.push_back(c == '.' ? '-' : c);
  return flag;
}

std::string NormalizeKey(std::string_view key) {
  std::string out;
  out.reserve(key.size());
  for (char c : key) {
    if (c == '.' || c == '-') {
      out.push_back('_');
    } else {
      out.push_back(static_cast<char>(std::toupper(static_cast<unsigned char>(c))));
    }
  }
  return out;
}

Status AssignNonEmpty(std::string_view text, std::string& field, std::string_view what) {
  const std::string_view trimmed = TrimWhitespace(text);
  if (trimmed.empty()) return InvalidArgument("expected " + std::string(what));
  field = std::string(trimmed);
  return Status::Ok();
}

}  // namespace cairn::config
