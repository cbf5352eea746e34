// Internal to lib/codec: V2SpanReader.ENDPOINT_READER, shared by the JSON v2 and v1 readers.
#pragma once

#include <simdjson.h>

#include <cstdint>
#include <string_view>

#include "cairn/trace/status.h"
#include "lib/codec/ip_address.h"
#include "lib/codec/json_values.h"

namespace cairn::codec::internal {

struct JsonEndpoint {
  std::string_view service_name;  // as sent (not lower-cased); valid while the document is
  IpText ipv4;
  IpText ipv6;
  std::uint16_t port = 0;

  bool IsEmpty() const {
    return service_name.empty() && ipv4.text().empty() && ipv6.text().empty() && port == 0;
  }
};

// Reads an endpoint object. `path` is the object level that holds the endpoint's field name.
// Null fields are skipped, "ipv4" and "ipv6" both go through parseIp (invalid ones ignored),
// "port" > 65535 fails with "invalid port N", a port <= 0 is absent. Not an object: Malformed.
Status ReadJsonEndpoint(simdjson::ondemand::value& value, const JsonPath& path, JsonEndpoint& out);

}  // namespace cairn::codec::internal
