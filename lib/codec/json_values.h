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
#include <string>
#include <string_view>

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
  std::size_t index = 0;   // kArray: the element being read
  std::string_view name;   // kObject: the last name read
  bool has_name = false;
};

// Gson's JsonToken name for a value type: BEGIN_ARRAY, BEGIN_OBJECT, NUMBER, STRING, BOOLEAN, NULL.
std::string_view TokenName(simdjson::ondemand::json_type type);

// An error from simdjson while reading: the JSON is not well-formed.
Status Malformed();
// "Expected <what> but was <TOKEN> at path <path>".
Status Unexpected(std::string_view what, simdjson::ondemand::json_type type, const JsonPath& path);

// JsonReader.nextString(): a string, or a number's literal text.
Status ReadString(simdjson::ondemand::value& value, const JsonPath& path, std::string_view& out);
// JsonReader.nextLong().
Status ReadLong(simdjson::ondemand::value& value, const JsonPath& path, std::int64_t& out);
// JsonReader.nextInt().
Status ReadInt(simdjson::ondemand::value& value, const JsonPath& path, std::int32_t& out);
// JsonReader.nextBoolean(): only true or false.
Status ReadBool(simdjson::ondemand::value& value, const JsonPath& path, bool& out);
// The value's type, or Malformed().
Status TypeOf(simdjson::ondemand::value& value, simdjson::ondemand::json_type& out);

// JsonCodec.exceptionReading: "<cause> reading <type> from json", where the cause becomes
// "Malformed" when it says Expected BEGIN_OBJECT, Expected BEGIN_ARRAY or malformed.
Status ExceptionReading(std::string_view type, const Status& cause);

}  // namespace cairn::codec::internal
