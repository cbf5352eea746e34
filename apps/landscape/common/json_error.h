// The JSON error body landscape services answer with: {"error":"<message>"}, application/json.
#pragma once

#include <string_view>

#include "lib/net/http.h"

namespace cairn::landscape {

net::Response JsonError(net::http::status status, std::string_view message);

}  // namespace cairn::landscape
