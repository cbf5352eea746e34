// Field handling follows zipkin2.internal.V2SpanReader: traceId and id are read even when null
// (so null is an error), every other null is skipped; a repeated endpoint replaces the previous
// one; repeated annotations or tags accumulate. Span ids are parsed as they are read, so the first
// bad field in document order is the one reported, as in Zipkin.
#include "lib/codec/json_v2_reader.h"

#include <memory>
#include <string>

#include "lib/base/status.h"
#include "lib/codec/json_endpoint.h"
#include "lib/codec/json_scratch.h"
#include "lib/codec/json_values.h"
#include "lib/codec/normalize.h"
#include "lib/codec/zipkin_ids.h"

namespace cairn::codec {
namespace {

using internal::JsonEndpoint;
using internal::JsonPath;
using simdjson::ondemand::json_type;
using trace::SpanKind;
using trace::SpanRecord;

constexpr std::string_view kListType = "List<Span>";

using internal::KeyIs;

bool IsSpanKey(std::string_view key) {
  switch (key.size()) {
    case 2:
      return KeyIs(key, "id");
    case 4:
      return KeyIs(key, "kind") || KeyIs(key, "name") || KeyIs(key, "tags");
    case 5:
      return KeyIs(key, "debug");
    case 6:
      return KeyIs(key, "shared");
    case 7:
      return KeyIs(key, "traceId");
    case 8:
      return KeyIs(key, "parentId") || KeyIs(key, "duration");
    case 9:
      return KeyIs(key, "timestamp");
    case 11:
      return KeyIs(key, "annotations");
    case 13:
      return KeyIs(key, "localEndpoint");
    case 14:
      return KeyIs(key, "remoteEndpoint");
    default:
      return false;
  }
}

bool IsAnnotationKey(std::string_view key) {
  return KeyIs(key, "timestamp") || KeyIs(key, "value");
}

Status ParseKind(std::string_view text, SpanKind& out) {
  if (text == "CLIENT") {
    out = SpanKind::kClient;
  } else if (text == "SERVER") {
    out = SpanKind::kServer;
  } else if (text == "PRODUCER") {
    out = SpanKind::kProducer;
  } else if (text == "CONSUMER") {
    out = SpanKind::kConsumer;
  } else {
    return InvalidArgument("No enum constant zipkin2.Span.Kind." + std::string(text.substr(0, 64)));
  }
  return Status::Ok();
}

void SetEndpoint(SpanRecord& span, trace::EndpointView& endpoint, const JsonEndpoint& read) {
  endpoint.service_name = span.Intern(read.service_name);
  endpoint.ipv4 = span.Intern(read.ipv4.text());
  endpoint.ipv6 = span.Intern(read.ipv6.text());
  endpoint.port = read.port;
}

Status ReadAnnotations(simdjson::ondemand::value& value, const JsonPath& path, SpanRecord& span) {
  json_type type;
  CAIRN_RETURN_IF_ERROR(internal::TypeOf(value, type));
  if (type != json_type::array) return internal::Unexpected("BEGIN_ARRAY", type, path);
  simdjson::ondemand::array array;
  if (value.get_array().get(array) != simdjson::SUCCESS) return internal::Malformed();
  JsonPath elements = path.Array();
  for (auto element_result : array) {
    simdjson::ondemand::value element;
    if (std::move(element_result).get(element) != simdjson::SUCCESS) return internal::Malformed();
    CAIRN_RETURN_IF_ERROR(internal::TypeOf(element, type));
    if (type != json_type::object) return internal::Unexpected("BEGIN_OBJECT", type, elements);
    simdjson::ondemand::object object;
    if (element.get_object().get(object) != simdjson::SUCCESS) return internal::Malformed();
    JsonPath fields = elements.Object();
    std::int64_t timestamp = 0;
    std::string_view text;
    bool has_timestamp = false;
    bool has_value = false;
    for (auto field_result : object) {
      simdjson::ondemand::field field;
      CAIRN_RETURN_IF_ERROR(
          internal::NextField(std::move(field_result), field, fields, IsAnnotationKey));
      std::string_view key = fields.name;
      if (internal::KeyIs(key, "timestamp")) {
        CAIRN_RETURN_IF_ERROR(internal::ReadLong(field.value(), fields, timestamp));
        has_timestamp = true;
      } else if (internal::KeyIs(key, "value")) {
        CAIRN_RETURN_IF_ERROR(internal::ReadString(field.value(), fields, text));
        has_value = true;
      }
    }
    if (!has_timestamp || !has_value) {
      return InvalidArgument("Incomplete annotation at " + fields.ToString());
    }
    span.AddAnnotation(timestamp, text);
    ++elements.index;
  }
  return Status::Ok();
}

Status ReadTags(simdjson::ondemand::value& value, const JsonPath& path, SpanRecord& span) {
  json_type type;
  CAIRN_RETURN_IF_ERROR(internal::TypeOf(value, type));
  if (type != json_type::object) return internal::Unexpected("BEGIN_OBJECT", type, path);
  simdjson::ondemand::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) return internal::Malformed();
  JsonPath fields = path.Object();
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    CAIRN_RETURN_IF_ERROR(internal::NextField(std::move(field_result), field, fields));
    std::string_view key = fields.name;
    simdjson::ondemand::value& tag_value = field.value();
    if (internal::IsNull(tag_value)) return InvalidArgument("No value at " + fields.ToString());
    std::string_view text;
    CAIRN_RETURN_IF_ERROR(internal::ReadString(tag_value, fields, text));
    span.AppendTag(key, text);
  }
  return Status::Ok();
}

Status ReadSpan(simdjson::ondemand::value& value, const JsonPath& path, SpanRecord& span) {
  json_type type;
  CAIRN_RETURN_IF_ERROR(internal::TypeOf(value, type));
  if (type != json_type::object) return internal::Unexpected("BEGIN_OBJECT", type, path);
  simdjson::ondemand::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) return internal::Malformed();
  JsonPath fields = path.Object();
  std::string_view text;
  JsonEndpoint endpoint;
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    CAIRN_RETURN_IF_ERROR(internal::NextField(std::move(field_result), field, fields, IsSpanKey));
    std::string_view key = fields.name;
    simdjson::ondemand::value& field_value = field.value();
    if (internal::KeyIs(key, "traceId")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field_value, fields, text));
      CAIRN_ASSIGN_OR_RETURN(span.trace_id, ParseTraceId(text));
      continue;
    }
    if (internal::KeyIs(key, "id")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field_value, fields, text));
      CAIRN_ASSIGN_OR_RETURN(span.id, ParseSpanId(text));
      continue;
    }
    if (internal::IsNull(field_value)) continue;
    if (internal::KeyIs(key, "parentId")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field_value, fields, text));
      CAIRN_ASSIGN_OR_RETURN(span.parent_id, ParseParentId(text));
    } else if (internal::KeyIs(key, "kind")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field_value, fields, text));
      CAIRN_RETURN_IF_ERROR(ParseKind(text, span.kind));
    } else if (internal::KeyIs(key, "name")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadString(field_value, fields, text));
      span.SetName(text);
    } else if (internal::KeyIs(key, "timestamp")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadLong(field_value, fields, span.timestamp_us));
    } else if (internal::KeyIs(key, "duration")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadLong(field_value, fields, span.duration_us));
    } else if (internal::KeyIs(key, "localEndpoint")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadJsonEndpoint(field_value, fields, endpoint));
      SetEndpoint(span, span.local_endpoint, endpoint);
    } else if (internal::KeyIs(key, "remoteEndpoint")) {
      CAIRN_RETURN_IF_ERROR(internal::ReadJsonEndpoint(field_value, fields, endpoint));
      SetEndpoint(span, span.remote_endpoint, endpoint);
    } else if (internal::KeyIs(key, "annotations")) {
      CAIRN_RETURN_IF_ERROR(ReadAnnotations(field_value, fields, span));
    } else if (internal::KeyIs(key, "tags")) {
      CAIRN_RETURN_IF_ERROR(ReadTags(field_value, fields, span));
    } else if (internal::KeyIs(key, "debug") || internal::KeyIs(key, "shared")) {
      bool flag = false;
      CAIRN_RETURN_IF_ERROR(internal::ReadBool(field_value, fields, flag));
      if (flag) (internal::KeyIs(key, "debug") ? span.debug : span.shared) = true;
    }
  }
  return internal::NormalizeDecodedSpan(span);
}

Status ReadList(std::string_view body, const DecodeOptions& options, SpanList& out) {
  internal::JsonScratch& scratch = internal::JsonScratch::ForThisThread();
  simdjson::ondemand::document document;
  if (scratch.Iterate(body, options.input_is_padded).get(document) != simdjson::SUCCESS) {
    return internal::Malformed();
  }
  simdjson::ondemand::array array;
  if (document.get_array().get(array) != simdjson::SUCCESS) return internal::Malformed();
  JsonPath root = JsonPath::Root();
  JsonPath elements = root.Array();
  for (auto element_result : array) {
    simdjson::ondemand::value element;
    if (std::move(element_result).get(element) != simdjson::SUCCESS) return internal::Malformed();
    if (options.max_spans != 0 && out.size() >= options.max_spans) {
      return ResourceExhausted("More than " + std::to_string(options.max_spans) +
                               " spans in one message");
    }
    auto span = std::make_unique<SpanRecord>();
    CAIRN_RETURN_IF_ERROR(ReadSpan(element, elements, *span));
    out.push_back(std::move(span));
    ++elements.index;
  }
  return Status::Ok();
}

}  // namespace

Result<SpanList> ReadJsonV2List(std::string_view body, const DecodeOptions& options) {
  SpanList spans;
  if (body.empty()) return spans;
  Status status = ReadList(body, options, spans);
  internal::JsonScratch::ForThisThread().Trim();
  if (!status.ok()) {
    if (status.code() == StatusCode::kResourceExhausted) return status;
    return internal::ExceptionReading(kListType, status);
  }
  return spans;
}

}  // namespace cairn::codec
