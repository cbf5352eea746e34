#include "lib/config/values.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <limits>
#include <string>

namespace cairn::config {
namespace {

std::string Lower(std::string_view text) {
  std::string out(text);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

// Parses the whole of `text` as an optionally signed decimal integer.
bool ParseWholeInt(std::string_view text, std::int64_t& out) {
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  if (text.empty()) return false;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), out);
  return ec == std::errc() && ptr == text.data() + text.size();
}

constexpr std::int64_t kMaxDurationMs = 100LL * 365 * 24 * 3600 * 1000;

// Multiplies a count by a unit given in nanoseconds, refusing overflow and more than 100 years.
Result<std::chrono::milliseconds> Scale(double count, double unit_ns) {
  const double ms = count * unit_ns / 1e6;
  if (!std::isfinite(ms) || ms < 0) return InvalidArgument("expected a non-negative duration");
  if (ms > static_cast<double>(kMaxDurationMs)) {
    return InvalidArgument("expected a duration of at most 100 years");
  }
  return std::chrono::milliseconds(static_cast<std::int64_t>(std::llround(std::floor(ms))));
}

constexpr std::string_view kDurationHelp =
    "expected a duration such as 500ms, 11s, 5m, 2h, 7d or PT11S";

// ISO-8601 "PnDTnHnMn.nS" (Spring accepts java.time.Duration.parse syntax).
Result<std::chrono::milliseconds> ParseIsoDuration(std::string_view text) {
  std::string upper(text);
  std::transform(upper.begin(), upper.end(), upper.begin(),
                 [](unsigned char c) { return static_cast<char>(std::toupper(c)); });
  std::string_view rest = upper;
  rest.remove_prefix(1);  // 'P'
  bool in_time = false;
  bool any = false;
  double total_ns = 0;
  while (!rest.empty()) {
    if (rest.front() == 'T') {
      if (in_time) return InvalidArgument(std::string(kDurationHelp));
      in_time = true;
      rest.remove_prefix(1);
      continue;
    }
    std::size_t n = 0;
    while (n < rest.size() &&
           (std::isdigit(static_cast<unsigned char>(rest[n])) || (in_time && rest[n] == '.'))) {
      ++n;
    }
    if (n == 0 || n == rest.size()) return InvalidArgument(std::string(kDurationHelp));
    double value = 0;
    auto [ptr, ec] = std::from_chars(rest.data(), rest.data() + n, value);
    if (ec != std::errc() || ptr != rest.data() + n) {
      return InvalidArgument(std::string(kDurationHelp));
    }
    const char unit = rest[n];
    double unit_ns = 0;
    if (!in_time && unit == 'D') {
      unit_ns = 86400e9;
    } else if (in_time && unit == 'H') {
      unit_ns = 3600e9;
    } else if (in_time && unit == 'M') {
      unit_ns = 60e9;
    } else if (in_time && unit == 'S') {
      unit_ns = 1e9;
    } else {
      return InvalidArgument(std::string(kDurationHelp));
    }
    total_ns += value * unit_ns;
    any = true;
    rest.remove_prefix(n + 1);
  }
  if (!any) return InvalidArgument(std::string(kDurationHelp));
  return Scale(total_ns, 1);
}

}  // namespace

std::string_view TrimWhitespace(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) {
    text.remove_prefix(1);
  }
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) {
    text.remove_suffix(1);
  }
  return text;
}

Result<bool> ParseBool(std::string_view text) {
  const std::string value = Lower(TrimWhitespace(text));
  if (value == "true" || value == "yes" || value == "on" || value == "1") return true;
  if (value == "false" || value == "no" || value == "off" || value == "0") return false;
  return InvalidArgument("expected true or false");
}

Result<std::int64_t> ParseInteger(std::string_view text, std::int64_t min, std::int64_t max) {
  std::int64_t value = 0;
  if (!ParseWholeInt(TrimWhitespace(text), value) || value < min || value > max) {
    return InvalidArgument("expected an integer from " + std::to_string(min) + " to " +
                           std::to_string(max));
  }
  return value;
}

Result<double> ParseNumber(std::string_view text, double min, double max) {
  std::string_view trimmed = TrimWhitespace(text);
  if (!trimmed.empty() && trimmed.front() == '+') trimmed.remove_prefix(1);
  double value = 0;
  auto [ptr, ec] = std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
  if (trimmed.empty() || ec != std::errc() || ptr != trimmed.data() + trimmed.size() ||
      !std::isfinite(value) || value < min || value > max) {
    auto short_number = [](double v) {
      std::string s = std::to_string(v);
      s.erase(s.find_last_not_of('0') + 1);
      if (!s.empty() && s.back() == '.') s.push_back('0');
      return s;
    };
    return InvalidArgument("expected a number from " + short_number(min) + " to " +
                           short_number(max));
  }
  return value;
}

Result<std::chrono::milliseconds> ParseDuration(std::string_view text,
                                                std::chrono::milliseconds bare_unit) {
  const std::string_view trimmed = TrimWhitespace(text);
  if (trimmed.empty()) return InvalidArgument(std::string(kDurationHelp));
  if (trimmed.front() == 'P' || trimmed.front() == 'p') return ParseIsoDuration(trimmed);
  std::size_t digits = 0;
  while (digits < trimmed.size() && (std::isdigit(static_cast<unsigned char>(trimmed[digits])) ||
                                     (digits == 0 && (trimmed[0] == '+' || trimmed[0] == '-')))) {
    ++digits;
  }
  std::int64_t count = 0;
  if (!ParseWholeInt(trimmed.substr(0, digits), count)) {
    return InvalidArgument(std::string(kDurationHelp));
  }
  if (count < 0) return InvalidArgument("expected a non-negative duration");
  const std::string unit = Lower(trimmed.substr(digits));
  double unit_ns = 0;
  if (unit.empty()) {
    unit_ns = static_cast<double>(bare_unit.count()) * 1e6;
  } else if (unit == "ns") {
    unit_ns = 1;
  } else if (unit == "us") {
    unit_ns = 1e3;
  } else if (unit == "ms") {
    unit_ns = 1e6;
  } else if (unit == "s") {
    unit_ns = 1e9;
  } else if (unit == "m") {
    unit_ns = 60e9;
  } else if (unit == "h") {
    unit_ns = 3600e9;
  } else if (unit == "d") {
    unit_ns = 86400e9;
  } else {
    return InvalidArgument(std::string(kDurationHelp));
  }
  return Scale(static_cast<double>(count), unit_ns);
}

Result<std::uint64_t> ParseByteSize(std::string_view text, std::uint64_t min, std::uint64_t max) {
  const std::string_view trimmed = TrimWhitespace(text);
  std::size_t digits = 0;
  while (digits < trimmed.size() && std::isdigit(static_cast<unsigned char>(trimmed[digits]))) {
    ++digits;
  }
  const std::string help = "expected a size such as 1048576, 512KB or 10MB, from " +
                           std::to_string(min) + " to " + std::to_string(max) + " bytes";
  std::uint64_t count = 0;
  auto [ptr, ec] = std::from_chars(trimmed.data(), trimmed.data() + digits, count);
  if (digits == 0 || ec != std::errc()) return InvalidArgument(help);
  const std::string unit = Lower(TrimWhitespace(trimmed.substr(digits)));
  std::uint64_t multiplier = 1;
  if (unit.empty() || unit == "b") {
    multiplier = 1;
  } else if (unit == "kb" || unit == "kib") {
    multiplier = 1ULL << 10;
  } else if (unit == "mb" || unit == "mib") {
    multiplier = 1ULL << 20;
  } else if (unit == "gb" || unit == "gib") {
    multiplier = 1ULL << 30;
  } else {
    return InvalidArgument(help);
  }
  if (count > std::numeric_limits<std::uint64_t>::max() / multiplier) return InvalidArgument(help);
  const std::uint64_t bytes = count * multiplier;
  if (bytes < min || bytes > max) return InvalidArgument(help);
  return bytes;
}

std::vector<std::string> ParseList(std::string_view text) {
  std::vector<std::string> items;
  while (true) {
    const std::size_t comma = text.find(',');
    std::string_view item = TrimWhitespace(text.substr(0, comma));
    if (!item.empty()) items.emplace_back(item);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return items;
}

}  // namespace cairn::config
