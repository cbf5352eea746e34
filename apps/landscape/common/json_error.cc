#include "apps/landscape/common/json_error.h"

#include <string>

#include "lib/model/json_escape.h"

namespace cairn::landscape {

net::Response JsonError(net::http::status status, std::string_view message) {
  std::string body = "{\"error\":";
  model::AppendJsonString(message, body);
  body += '}';
  return net::JsonResponse(std::move(body), status);
}

}  // namespace cairn::landscape
