#include "lib/codec/json_values.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "lib/base/status.h"

namespace cairn::codec::internal {
namespace {

using simdjson::ondemand::json_type;

// Keeps error texts bounded whatever the input.
constexpr std::size_t kMaxQuotedBytes = 256;

std::string_view Trim(std::string_view text) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
  while (!text.empty() && space(text.front())) text.remove_prefix(1);
  while (!text.empty() && space(text.back())) text.remove_suffix(1);
  return text;
}

std::string Quote(std::string_view text) { return std::string(text.substr(0, kMaxQuotedBytes)); }

// RFC 8259 number grammar (simdjson's on-demand API only checks a number when it is parsed, and
// its parser rejects integers beyond 64 bits, which Gson accepts as text).
bool IsJsonNumber(std::string_view text) {
  std::size_t i = 0;
  auto digits = [&] {
    std::size_t start = i;
    while (i < text.size() && text[i] >= '0' && text[i] <= '9') ++i;
    return i > start;
  };
  if (i < text.size() && text[i] == '-') ++i;
  if (i < text.size() && text[i] == '0') {
    ++i;
  } else if (!digits()) {
    return false;
  }
  if (i < text.size() && text[i] == '.') {
    ++i;
    if (!digits()) return false;
  }
  if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < text.size() && (text[i] == '+' || text[i] == '-')) ++i;
    if (!digits()) return false;
  }
  return i == text.size();
}

// Java's Long.parseLong / Integer.parseInt on a whole string (optional sign, decimal digits).
template <typename T>
bool ParseExactInteger(std::string_view text, T& out) {
  if (!text.empty() && text.front() == '+') {
    text.remove_prefix(1);
    if (!text.empty() && (text.front() == '-' || text.front() == '+')) return false;
  }
  if (text.empty()) return false;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
  return error == std::errc() && end == text.data() + text.size();
}

// Double.parseDouble for the forms that matter here (leading/trailing whitespace, decimal with
// optional fraction and exponent, NaN, Infinity); false where Java throws.
bool ParseJavaDouble(std::string_view text, double& out) {
  text = Trim(text);
  if (text.empty() || text.size() > 512) return false;
  std::string copy(text);
  std::string_view body = copy;
  if (!body.empty() && (body.front() == '+' || body.front() == '-')) body.remove_prefix(1);
  if (body == "NaN" || body == "Infinity") {
    out = body == "NaN" ? std::numeric_limits<double>::quiet_NaN()
                        : (copy.front() == '-' ? -HUGE_VAL : HUGE_VAL);
    return true;
  }
  for (char c : body) {
    bool allowed =
        (c >= '0' && c <= '9') || c == '.' || c == 'e' || c == 'E' || c == '+' || c == '-';
    if (!allowed) return false;  // no hex floats, "inf", "nan" spellings or type suffixes
  }
  char* end = nullptr;
  out = std::strtod(copy.c_str(), &end);
  return end == copy.c_str() + copy.size() && end != copy.c_str();
}

// (long) d == d in Java, with Java's saturating cast.
template <typename T>
bool DoubleToExact(double d, T& out) {
  if (std::isnan(d)) return false;
  constexpr double kMax = static_cast<double>(std::numeric_limits<T>::max());
  constexpr double kMin = static_cast<double>(std::numeric_limits<T>::min());
  T result;
  if (d >= kMax) {
    result = std::numeric_limits<T>::max();
  } else if (d <= kMin) {
    result = std::numeric_limits<T>::min();
  } else {
    result = static_cast<T>(d);
  }
  if (static_cast<double>(result) != d) return false;
  out = result;
  return true;
}

// Gson's nextLong/nextInt: `what` is "a long" or "an int".
template <typename T>
Status ReadInteger(simdjson::ondemand::value& value, const JsonPath& path, std::string_view what,
                   T& out) {
  // Fast path: an integer literal that fits in 64 bits (consumed only on success).
  std::int64_t fast;
  if (value.get_int64().get(fast) == simdjson::SUCCESS) {
    if (fast >= std::numeric_limits<T>::min() && fast <= std::numeric_limits<T>::max()) {
      out = static_cast<T>(fast);
      return Status::Ok();
    }
    return InvalidArgument("Expected " + std::string(what) + " but was " + std::to_string(fast) +
                           " at path " + path.ToString());
  }
  json_type type;
  CAIRN_RETURN_IF_ERROR(TypeOf(value, type));
  std::string_view text;
  if (type == json_type::number) {
    text = Trim(value.raw_json_token());
    if (!IsJsonNumber(text)) return Malformed();
  } else if (type == json_type::string) {
    if (value.get_string().get(text) != simdjson::SUCCESS) return Malformed();
    if (ParseExactInteger(text, out)) return Status::Ok();
  } else {
    return Unexpected(what, type, path);
  }
  double d;
  if (!ParseJavaDouble(text, d)) {
    return InvalidArgument("For input string: \"" + Quote(text) + "\"");
  }
  if (!DoubleToExact(d, out)) {
    return InvalidArgument("Expected " + std::string(what) + " but was " + Quote(text) +
                           " at path " + path.ToString());
  }
  return Status::Ok();
}

}  // namespace

std::string JsonPath::ToString() const {
  // Collect levels root-first.
  const JsonPath* levels[64];
  std::size_t count = 0;
  for (const JsonPath* p = this; p != nullptr && count < 64; p = p->parent) levels[count++] = p;
  std::string out = "$";
  for (std::size_t i = count; i-- > 0;) {
    const JsonPath& level = *levels[i];
    if (level.kind == Kind::kArray) {
      out += '[';
      out += std::to_string(level.index);
      out += ']';
    } else if (level.kind == Kind::kObject) {
      out += '.';
      if (level.has_name) out += Quote(level.name);
    }
  }
  return out;
}

std::string_view TokenName(json_type type) {
  switch (type) {
    case json_type::array:
      return "BEGIN_ARRAY";
    case json_type::object:
      return "BEGIN_OBJECT";
    case json_type::number:
      return "NUMBER";
    case json_type::string:
      return "STRING";
    case json_type::boolean:
      return "BOOLEAN";
    case json_type::null:
      return "NULL";
  }
  return "END_DOCUMENT";
}

Status Malformed() { return InvalidArgument("malformed JSON"); }

Status Unexpected(std::string_view what, json_type type, const JsonPath& path) {
  std::string message = "Expected ";
  message += what;
  message += " but was ";
  message += TokenName(type);
  message += " at path ";
  message += path.ToString();
  return InvalidArgument(std::move(message));
}

Status TypeOf(simdjson::ondemand::value& value, json_type& out) {
  if (value.type().get(out) != simdjson::SUCCESS) return Malformed();
  return Status::Ok();
}

Status UnescapeKey(simdjson::ondemand::field& field, JsonPath& fields) {
  std::string_view key;
  if (field.unescaped_key().get(key) != simdjson::SUCCESS) return Malformed();
  fields.name = key;
  return Status::Ok();
}

Status ReadStringSlow(simdjson::ondemand::value& value, const JsonPath& path,
                      std::string_view& out) {
  json_type type;
  CAIRN_RETURN_IF_ERROR(TypeOf(value, type));
  if (type == json_type::string) {
    if (value.get_string().get(out) != simdjson::SUCCESS) return Malformed();
    return Status::Ok();
  }
  if (type == json_type::number) {
    // Gson returns a number's literal text.
    out = Trim(value.raw_json_token());
    if (!IsJsonNumber(out)) return Malformed();
    return Status::Ok();
  }
  return Unexpected("a string", type, path);
}

Status ReadLongSlow(simdjson::ondemand::value& value, const JsonPath& path, std::int64_t& out) {
  return ReadInteger(value, path, "a long", out);
}

Status ReadIntSlow(simdjson::ondemand::value& value, const JsonPath& path, std::int32_t& out) {
  return ReadInteger(value, path, "an int", out);
}

Status ReadBool(simdjson::ondemand::value& value, const JsonPath& path, bool& out) {
  json_type type;
  CAIRN_RETURN_IF_ERROR(TypeOf(value, type));
  if (type != json_type::boolean) return Unexpected("a boolean", type, path);
  if (value.get_bool().get(out) != simdjson::SUCCESS) return Malformed();
  return Status::Ok();
}

Status ExceptionReading(std::string_view type, const Status& cause) {
  std::string_view text = cause.message();
  std::string message;
  if (text.find("Expected BEGIN_OBJECT") != std::string_view::npos ||
      text.find("Expected BEGIN_ARRAY") != std::string_view::npos ||
      text.find("malformed") != std::string_view::npos) {
    message = "Malformed";
  } else {
    message = text;
  }
  message += " reading ";
  message += type;
  message += " from json";
  return Status(cause.code(), std::move(message));
}

}  // namespace cairn::codec::internal
