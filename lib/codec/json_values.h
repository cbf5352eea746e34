// Internal to lib/codec: reading JSON values from simdjson's on-demand API with the semantics and
// error texts of the Gson JsonReader that Zipkin's JSON readers use (JsonCodec.JsonReader):
// - a string may also be given as a number (nextString returns the number's text);
// - a long or int may also be given as a numeric string, or as a number with an exponent or a
//   fraction of zero ("1.0", "1e3");
// - errors read "Expected a long but was BOOLEAN at path $[0].timestamp" (Gson's text without its
//   line and column) or, for a non-numeric string, `For input string: "abc"` (Java's).
// JsonPath builds Gson's getPath() text lazily, only when an error is reported.
#pragma once

#include <simdjson.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>
#include <utility>

#include "cairn/trace/status.h"

namespace cairn::codec::internal {

// One level of a Gson path ("$", "[3]", ".name"); levels link to their parent on the stack.
struct JsonPath {
  enum class Kind : std::uint8_t { kRoot, kArray, kObject };

  static JsonPath Root() { return JsonPath{}; }
  JsonPath Array() const {
    JsonPath path;
    path.parent = this;
    path.kind = Kind::kArray;
    return path;
  }
  JsonPath Object() const {
    JsonPath path;
    path.parent = this;
    path.kind = Kind::kObject;
    return path;
  }

  // Gson's getPath(): "$[0].annotations[1].value"; an object level before its first name is ".".
  std::string ToString() const;

  const JsonPath* parent = nullptr;
  Kind kind = Kind::kRoot;
  std::size_t index = 0;  // kArray: the element being read
  std::string_view name;  // kObject: the last name read
  bool has_name = false;
};

// Gson's JsonToken name for a value type: BEGIN_ARRAY, BEGIN_OBJECT, NUMBER, STRING, BOOLEAN, NULL.
std::string_view TokenName(simdjson::ondemand::json_type type);

// An error from simdjson while reading: the JSON is not well-formed.
Status Malformed();
// "Expected <what> but was <TOKEN> at path <path>".
Status Unexpected(std::string_view what, simdjson::ondemand::json_type type, const JsonPath& path);

// Out-of-line slow paths of the readers below (escapes, numbers as strings, errors).
Status ReadStringSlow(simdjson::ondemand::value& value, const JsonPath& path,
                      std::string_view& out);
Status ReadLongSlow(simdjson::ondemand::value& value, const JsonPath& path, std::int64_t& out);
Status ReadIntSlow(simdjson::ondemand::value& value, const JsonPath& path, std::int32_t& out);

namespace fast {

// Whether `text` contains a backslash, eight bytes at a time. `text` must lie in a simdjson input
// buffer, whose padding makes reading up to 7 bytes past its end safe (those bytes are masked).
inline bool HasBackslash(std::string_view text) {
  constexpr std::uint64_t kOnes = 0x0101010101010101ULL;
  constexpr std::uint64_t kHighs = 0x8080808080808080ULL;
  constexpr std::uint64_t kPattern = kOnes * '\\';
  for (std::size_t i = 0; i < text.size(); i += 8) {
    std::uint64_t x;
    std::memcpy(&x, text.data() + i, 8);
    x ^= kPattern;
    std::uint64_t found = (x - kOnes) & ~x & kHighs;  // exact below the first match
    std::size_t left = text.size() - i;
    if (left < 8) found &= (std::uint64_t{1} << (8 * left)) - 1;
    if (found != 0) return true;
  }
  return false;
}

// The token with trailing JSON whitespace removed (simdjson's raw tokens run up to the next
// structural character).
inline std::string_view TrimRight(std::string_view token) {
  while (!token.empty()) {
    char c = token.back();
    if (c != ' ' && c != '\n' && c != '\r' && c != '\t') break;
    token.remove_suffix(1);
  }
  return token;
}

// A string token without escapes, viewed in place (stage 1 validated its UTF-8 and control
// characters).
inline bool String(std::string_view token, std::string_view& out) {
  token = TrimRight(token);
  if (token.size() < 2 || token.front() != '"' || token.back() != '"') return false;
  std::string_view content = token.substr(1, token.size() - 2);
  if (HasBackslash(content)) return false;
  out = content;
  return true;
}

// A plain decimal integer token of 1..18 digits without leading zeros.
inline bool Integer(std::string_view token, std::int64_t& out) {
  token = TrimRight(token);
  bool negative = !token.empty() && token[0] == '-';
  std::string_view digits = token.substr(negative ? 1 : 0);
  if (digits.empty() || digits.size() > 18 || (digits.size() > 1 && digits[0] == '0')) {
    return false;
  }
  std::uint64_t value = 0;
  std::size_t i = 0;
  for (; i + 8 <= digits.size(); i += 8) {
    std::uint64_t chunk;
    std::memcpy(&chunk, digits.data() + i, 8);
    // All eight bytes '0'..'9'?
    if ((chunk & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL ||
        ((chunk + 0x0606060606060606ULL) & 0xF0F0F0F0F0F0F0F0ULL) != 0x3030303030303030ULL) {
      return false;
    }
    chunk -= 0x3030303030303030ULL;
    chunk = (chunk * 10) + (chunk >> 8);
    chunk = (((chunk & 0x000000FF000000FFULL) * (100 + (1000000ULL << 32))) +
             (((chunk >> 16) & 0x000000FF000000FFULL) * (1 + (10000ULL << 32)))) >>
            32;
    value = value * 100000000ULL + chunk;
  }
  for (; i < digits.size(); ++i) {
    char c = digits[i];
    if (c < '0' || c > '9') return false;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
  }
  out = negative ? -static_cast<std::int64_t>(value) : static_cast<std::int64_t>(value);
  return true;
}

}  // namespace fast

// JsonReader.nextString(): a string, or a number's literal text.
inline Status ReadString(simdjson::ondemand::value& value, const JsonPath& path,
                         std::string_view& out) {
  if (fast::String(value.raw_json_token(), out)) return Status();
  return ReadStringSlow(value, path, out);
}
// JsonReader.nextLong().
inline Status ReadLong(simdjson::ondemand::value& value, const JsonPath& path, std::int64_t& out) {
  if (fast::Integer(value.raw_json_token(), out)) return Status();
  return ReadLongSlow(value, path, out);
}
// JsonReader.nextInt().
inline Status ReadInt(simdjson::ondemand::value& value, const JsonPath& path, std::int32_t& out) {
  std::int64_t wide;
  if (fast::Integer(value.raw_json_token(), wide) && wide >= INT32_MIN && wide <= INT32_MAX) {
    out = static_cast<std::int32_t>(wide);
    return Status();
  }
  return ReadIntSlow(value, path, out);
}
// JsonReader.nextBoolean(): only true or false.
Status ReadBool(simdjson::ondemand::value& value, const JsonPath& path, bool& out);
// The value's type, or Malformed().
Status TypeOf(simdjson::ondemand::value& value, simdjson::ondemand::json_type& out);
// Whether the value is JSON null (peeks; does not consume).
inline bool IsNull(simdjson::ondemand::value& value) {
  std::string_view token = value.raw_json_token();
  return !token.empty() && token[0] == 'n';
}

// Advances to the next field of an object: sets `field` and records its raw key (a view into the
// document, escapes not processed) as `fields`' name.
inline Status NextFieldRaw(simdjson::simdjson_result<simdjson::ondemand::field>&& result,
                           simdjson::ondemand::field& field, JsonPath& fields) {
  if (std::move(result).get(field) != simdjson::SUCCESS) return Malformed();
  // The key runs from just after its opening quote to the last quote before the value (only
  // whitespace and ':' separate them), so it can be viewed without copying.
  const char* key_start = field.key().raw();
  const char* value_start = field.value().raw_json_token().data();
  const char* key_end = value_start;
  while (key_end > key_start && key_end[-1] != '"') --key_end;
  if (key_end <= key_start) return Malformed();
  fields.name = std::string_view(key_start, static_cast<std::size_t>(key_end - 1 - key_start));
  fields.has_name = true;
  return Status();
}

// Replaces `fields`' name by the unescaped key of `field`.
Status UnescapeKey(simdjson::ondemand::field& field, JsonPath& fields);

// NextFieldRaw, then unescapes the key if it is not one `is_known` accepts and has escapes (a
// known key, compared byte for byte, cannot contain a backslash): most keys skip the scan.
template <typename IsKnown>
inline Status NextField(simdjson::simdjson_result<simdjson::ondemand::field>&& result,
                        simdjson::ondemand::field& field, JsonPath& fields, IsKnown is_known) {
  Status status = NextFieldRaw(std::move(result), field, fields);
  if (!status.ok()) return status;
  if (!is_known(fields.name) && fast::HasBackslash(fields.name)) return UnescapeKey(field, fields);
  return Status();
}

// For objects whose keys are data (tags): always exact.
inline Status NextField(simdjson::simdjson_result<simdjson::ondemand::field>&& result,
                        simdjson::ondemand::field& field, JsonPath& fields) {
  return NextField(std::move(result), field, fields, [](std::string_view) { return false; });
}

// Whether `key` equals the literal; compiles to a few integer compares.
template <std::size_t N>
inline bool KeyIs(std::string_view key, const char (&literal)[N]) {
  return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

// JsonCodec.exceptionReading: "<cause> reading <type> from json", where the cause becomes
// "Malformed" when it says Expected BEGIN_OBJECT, Expected BEGIN_ARRAY or malformed.
Status ExceptionReading(std::string_view type, const Status& cause);

}  // namespace cairn::codec::internal
