#include "lib/codec/json_endpoint.h"

#include <string>

#include "lib/base/status.h"

namespace cairn::codec::internal {

using simdjson::ondemand::json_type;

namespace {
bool IsEndpointKey(std::string_view key) {
  return KeyIs(key, "serviceName") || KeyIs(key, "ipv4") || KeyIs(key, "ipv6") ||
         KeyIs(key, "port");
}
}  // namespace

Status ReadJsonEndpoint(simdjson::ondemand::value& value, const JsonPath& path, JsonEndpoint& out) {
  out = JsonEndpoint();
  json_type type;
  CAIRN_RETURN_IF_ERROR(TypeOf(value, type));
  if (type != json_type::object) return Unexpected("BEGIN_OBJECT", type, path);
  simdjson::ondemand::object object;
  if (value.get_object().get(object) != simdjson::SUCCESS) return Malformed();
  JsonPath fields = path.Object();
  for (auto field_result : object) {
    simdjson::ondemand::field field;
    CAIRN_RETURN_IF_ERROR(NextField(std::move(field_result), field, fields, IsEndpointKey));
    std::string_view key = fields.name;
    simdjson::ondemand::value& field_value = field.value();
    if (IsNull(field_value)) continue;
    if (KeyIs(key, "serviceName")) {
      CAIRN_RETURN_IF_ERROR(ReadString(field_value, fields, out.service_name));
    } else if (KeyIs(key, "ipv4") || KeyIs(key, "ipv6")) {
      std::string_view text;
      CAIRN_RETURN_IF_ERROR(ReadString(field_value, fields, text));
      IpText ip;
      if (ip.ParseText(text)) (ip.family() == IpText::Family::kIpv4 ? out.ipv4 : out.ipv6) = ip;
    } else if (KeyIs(key, "port")) {
      std::int32_t port = 0;
      CAIRN_RETURN_IF_ERROR(ReadInt(field_value, fields, port));
      if (port > 0xffff) return InvalidArgument("invalid port " + std::to_string(port));
      out.port = port <= 0 ? 0 : static_cast<std::uint16_t>(port);
    }
  }
  return Status::Ok();
}

}  // namespace cairn::codec::internal
