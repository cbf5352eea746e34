// Field handling follows zipkin2.internal.V1JsonSpanReader: traceId and id are read even when null,
// other nulls are skipped; ids use HexCodec.lowerHexToUnsignedLong (lenient lengths); a binary
// annotation value is kept only when it is a string or a boolean.
#include "lib/codec/json_v1_reader.h"

#include <string>

#include "lib/base/status.h"
#include "lib/codec/json_endpoint.h"
#include "lib/codec/json_scratch.h"
#include "lib/codec/json_values.h"
#include "lib/codec/v1_span.h"
#include "lib/codec/v1_span_converter.h"
#include "lib/codec/zipkin_ids.h"

namespace cairn::codec {
namespace {

using internal::JsonPath;
using internal::KeyIs;
using internal::V1Endpoint;
using internal::V1Span;
using simdjson::ondemand::json_type;

bool IsV1SpanKey(std::string_view key) {
  return KeyIs(key, "traceId") || KeyIs(key, "id") || KeyIs(key, "name") ||
         KeyIs(key, "parentId") || KeyIs(key, "timestamp") || KeyIs(key, "duration") ||
         KeyIs(key, "annotations") || KeyIs(key, "binaryAnnotations") || KeyIs(key, "debug");
}
bool IsV1AnnotationKey(std::string_view key) {
  return KeyIs(key, "timestamp") || KeyIs(key, "value") || KeyIs(key, "endpoint");
}
bool IsV1BinaryAnnotationKey(std::string_view key) {
  return KeyIs(key, "key") || KeyIs(key, "value") || KeyIs(key, "endpoint");
}

class V1Reader {
 public:
  explicit V1Reader(const DecodeOptions& options) : options_(options) {}

  Status ReadList(std::string_view body, SpanList& out);

 private:
  Status ReadSpan(simdjson::ondemand::value& value, const JsonPath& path);
  Status ReadAnnotation(simdjson::ondemand::value& value, const JsonPath& path);
  Status ReadBinaryAnnotation(simdjson::ondemand::value& value, const JsonPath& path);
  Status ReadEndpoint(simdjson::ondemand::value& value, const JsonPath& path, V1Endpoint& out,
                      bool& has_endpoint);

  // Iterates the elements of an array value, calling `read(element, element_path)`.
  template <typename Read>
  Status ForEachElement(simdjson::ondemand::value& value, const JsonPath& path, Read read);

  const DecodeOptions& options_;
  V1Span span_;
  internal::StringArena arena_;
};

template <typename Read>
Status V1Reader::ForEachElement(simdjson::ondemand::value& value, const JsonPath& path, Read read) {
  json_type type;
  CAIRN_RETURN_IF_ERROR(internal::TypeOf(value, type));
  if (type != json_type::array) return internal::Unexpected("BEGIN_ARRAY", type, path);
  simdjson::ondemand::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return internal::Malformed();
  JsonPath elements = path.Array();
  for (auto element_result : array) {
    simdjson::ondemand::value element;
    if (std::move(element_result).get(element) != simdjson::SUCCESS) return internal::Malformed();
    CAIRN_RETURN_IF_ERROR(read(element, elements));
    ++elements.index;
  }
  return Status::Ok();
}

Status V1Reader::ReadEndpoint(simdjson::ondemand::value& value, const JsonPath& path,
                              V1Endpoint& out, bool& has_endpoint) {
  internal::JsonEndpoint read;
  CAIRN_RETURN_IF_ERROR(internal::ReadJsonEndpoint(value, path, read));
  out.service_name = arena_.LowerCase(read.service_name);
  out.ipv4 = read.ipv4;
  out.ipv6 = read.ipv6;
  out.port = read.port;
  has_endpoint = !out.IsEmpty();
  return Status::Ok();
}

// Opens an object value for field iteration; Gson's beginObject on anything else.
Status OpenObject(simdjson::ondemand::value& value, const JsonPath& path,
                  simdjson::ondemand::object& out) {
  json_type type;
  CAIRN_RETURN_IF_ERROR(internal::TypeOf(value, type));
  if (type != json_type::object) return internal::Unexpected("BEGIN_OBJECT", type, path);
  if (value.get_object().get(out) != simdjson::SUCCESS) return internal::Malformed();
  return Status::Ok();
}

Status V1Reader::ReadAnnotation(simdjson::ondemand::value& value, const JsonPath& path) {
  simdjson::ondemand::object object;
  CAIRN_RETURN_IF_ERROR(OpenObject(value, path, object));
  JsonPath fields = path.Object();
  std::int64_t timestamp = 0;
  std::string_view text;
  bool has_timestamp = false;
  bool has_value = false;
  bool has_endpoint = false;
  V1Endpoint endpoint;
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    CAIRN_RETURN_IF_ERROR(
        internal::NextField(std::move(field_result), field, fields, IsV1AnnotationKey));
    std::string_view key = fields.name;
    if (internal::KeyIs(key, "timestamp")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadLong(field.value(), fields, timestamp));
      has_timestamp = true;
    } else if (internal::KeyIs(key, "value")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field.value(), fields, text));
      has_value = true;
    } else if (internal::KeyIs(key, "endpoint")) {
      json_type type;
      CAIRN_RETURN_IF_ERROR(internal::TypeOf(field.value(), type));
      if (type == json_type::null) continue;
      CAIRN_RETURN_IF_ERROR(ReadEndpoint(field.value(), fields, endpoint, has_endpoint));
    }
  }
  if (!has_timestamp || !has_value) {
    return InvalidArgument("Incomplete annotation at " + fields.ToString());
  }
  span_.AddAnnotation(timestamp, text, has_endpoint ? &endpoint : nullptr);
  return Status::Ok();
}

Status V1Reader::ReadBinaryAnnotation(simdjson::ondemand::value& value, const JsonPath& path) {
  simdjson::ondemand::object object;
  CAIRN_RETURN_IF_ERROR(OpenObject(value, path, object));
  JsonPath fields = path.Object();
  std::string_view key;
  std::string_view string_value;
  bool has_key = false;
  bool has_string_value = false;
  bool has_bool_value = false;
  bool bool_value = false;
  bool has_endpoint = false;
  V1Endpoint endpoint;
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    CAIRN_RETURN_IF_ERROR(
        internal::NextField(std::move(field_result), field, fields, IsV1BinaryAnnotationKey));
    std::string_view name = fields.name;
    json_type type;
    CAIRN_RETURN_IF_ERROR(internal::TypeOf(field.value(), type));
    if (type == json_type::null) continue;
    if (internal::KeyIs(name, "key")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field.value(), fields, key));
      has_key = true;
    } else if (internal::KeyIs(name, "value")) {
      if (type == json_type::string) {
        CAIRN_RETURN_IF_ERROR(internal::ReadString(field.value(), fields, string_value));
        has_string_value = true;
      } else if (type == json_type::boolean) {
        CAIRN_RETURN_IF_ERROR(internal::ReadBool(field.value(), fields, bool_value));
        has_bool_value = true;
      }
    } else if (internal::KeyIs(name, "endpoint")) {
      CAIRN_RETURN_IF_ERROR(ReadEndpoint(field.value(), fields, endpoint, has_endpoint));
    }
  }
  if (!has_key) return InvalidArgument("No key at " + fields.ToString());
  const V1Endpoint* endpoint_or_null = has_endpoint ? &endpoint : nullptr;
  if (has_string_value) {
    span_.AddStringAnnotation(key, string_value, endpoint_or_null);
  } else if (has_bool_value && bool_value && endpoint_or_null != nullptr) {
    if (internal::KeyIs(key, "sa") || internal::KeyIs(key, "ca") || internal::KeyIs(key, "ma")) {
      span_.AddAddressAnnotation(key, endpoint_or_null);
    }
  }
  return Status::Ok();
}

Status V1Reader::ReadSpan(simdjson::ondemand::value& value, const JsonPath& path) {
  span_.Clear();
  arena_.Clear();
  simdjson::ondemand::object object;
  CAIRN_RETURN_IF_ERROR(OpenObject(value, path, object));
  JsonPath fields = path.Object();
  std::string_view text;
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    CAIRN_RETURN_IF_ERROR(internal::NextField(std::move(field_result), field, fields, IsV1SpanKey));
    std::string_view key = fields.name;
    simdjson::ondemand::value& field_value = field.value();
    if (internal::KeyIs(key, "traceId")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field_value, fields, text));
      CAIRN_ASSIGN_OR_RETURN(span_.trace_id, ParseV1Id(text));
      if (text.size() == 32) span_.trace_id_high = V1TraceIdHigh(text);
      continue;
    }
    if (internal::KeyIs(key, "id")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field_value, fields, text));
      CAIRN_ASSIGN_OR_RETURN(span_.id, ParseV1Id(text));
      continue;
    }
    json_type type;
    CAIRN_RETURN_IF_ERROR(internal::TypeOf(field_value, type));
    if (type == json_type::null) continue;
    if (internal::KeyIs(key, "name")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field_value, fields, text));
      span_.name = arena_.LowerCase(text);
    } else if (internal::KeyIs(key, "parentId")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field_value, fields, text));
      CAIRN_ASSIGN_OR_RETURN(span_.parent_id, ParseV1Id(text));
    } else if (internal::KeyIs(key, "timestamp")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadLong(field_value, fields, span_.timestamp));
    } else if (internal::KeyIs(key, "duration")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadLong(field_value, fields, span_.duration));
    } else if (internal::KeyIs(key, "annotations")) {
      CAIRN_RETURN_IF_ERROR(ForEachElement(
          field_value, fields, [this](simdjson::ondemand::value& element, const JsonPath& at) {
            return ReadAnnotation(element, at);
          }));
    } else if (internal::KeyIs(key, "binaryAnnotations")) {
      CAIRN_RETURN_IF_ERROR(ForEachElement(
          field_value, fields, [this](simdjson::ondemand::value& element, const JsonPath& at) {
            return ReadBinaryAnnotation(element, at);
          }));
    } else if (internal::KeyIs(key, "debug")) {
      bool debug = false;
      CAIRN_RETURN_IF_ERROR(internal::ReadBool(field_value, fields, debug));
      if (debug) span_.debug = true;
    }
  }
  return span_.Finish();
}

Status V1Reader::ReadList(std::string_view body, SpanList& out) {
  internal::JsonScratch& scratch = internal::JsonScratch::ForThisThread();
  simdjson::ondemand::document document;
  if (scratch.Iterate(body, options_.input_is_padded).get(document) != simdjson::SUCCESS) {
    return internal::Malformed();
  }
  simdjson::ondemand::array array;
  if (document.get_array().get(array) != simdjson::SUCCESS) return internal::Malformed();
  JsonPath root = JsonPath::Root();
  JsonPath elements = root.Array();
  for (auto element_result : array) {
    simdjson::ondemand::value element;
    if (std::move(element_result).get(element) != simdjson::SUCCESS) return internal::Malformed();
    CAIRN_RETURN_IF_ERROR(ReadSpan(element, elements));
    CAIRN_RETURN_IF_ERROR(internal::ConvertV1Span(span_, out));
    if (options_.max_spans != 0 && out.size() > options_.max_spans) {
      return ResourceExhausted("More than " + std::to_string(options_.max_spans) +
                               " spans in one message");
    }
    ++elements.index;
  }
  return Status::Ok();
}

}  // namespace

Result<SpanList> ReadJsonV1List(std::string_view body, const DecodeOptions& options) {
  SpanList spans;
  if (body.empty()) return spans;
  Status status = V1Reader(options).ReadList(body, spans);
  internal::JsonScratch::ForThisThread().Trim();
  if (!status.ok()) {
    if (status.code() == StatusCode::kResourceExhausted) return status;
    return internal::ExceptionReading("List<Span>", status);
  }
  return spans;
}

}  // namespace cairn::codec
