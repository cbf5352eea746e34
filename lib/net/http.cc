#include "lib/net/http.h"

namespace cairn::net {

Response MakeResponse(http::status status, std::string body, std::string_view content_type) {
  Response res{status, 11};
  if (!body.empty()) res.set(http::field::content_type, content_type);
  res.body() = std::move(body);
  return res;
}

http::status HttpStatusFor(StatusCode code) {
  switch (code) {
    case StatusCode::kInvalidArgument:
      return http::status::bad_request;
    case StatusCode::kNotFound:
      return http::status::not_found;
    case StatusCode::kResourceExhausted:
    case StatusCode::kUnavailable:
      return http::status::service_unavailable;
    case StatusCode::kDeadlineExceeded:
      return http::status::gateway_timeout;
    case StatusCode::kFailedPrecondition:
      return http::status::conflict;
    case StatusCode::kOk:
    case StatusCode::kInternal:
      break;
  }
  return http::status::internal_server_error;
}

Response ErrorResponse(const Status& status) {
  return MakeResponse(HttpStatusFor(status.code()), status.message(), kTextPlain);
}

}  // namespace cairn::net
