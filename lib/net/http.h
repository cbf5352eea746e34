// Vocabulary of cairn's HTTP layer (cairn::net): the request and response types every handler sees,
// and helpers that build common responses.
//
// Request and Response are plain Beast messages with a std::string body, so handlers can move a
// body out (`std::move(req.body())`) instead of copying it. Handlers only set status, headers and
// body: the server fills the HTTP version, Connection/keep-alive and Content-Length when it sends
// the response (see http_server.h). Nothing here allocates except the strings it is given.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <string>
#include <string_view>

#include "lib/base/status.h"

namespace cairn::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = boost::beast::http;

using Request = http::request<http::string_body>;
using Response = http::response<http::string_body>;

inline constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
inline constexpr std::string_view kApplicationJson = "application/json";

// A response with `status`, `body` and (when the body is not empty) `content_type`.
Response MakeResponse(http::status status, std::string body = {},
                      std::string_view content_type = kTextPlain);

// A 200 response with a JSON body.
inline Response JsonResponse(std::string body, http::status status = http::status::ok) {
  return MakeResponse(status, std::move(body), kApplicationJson);
}

// The HTTP status that reports `code` to a client: kInvalidArgument -> 400, kNotFound -> 404,
// kResourceExhausted and kUnavailable -> 503, kDeadlineExceeded -> 504, kFailedPrecondition -> 409,
// kInternal (and kOk, which is a caller bug) -> 500.
http::status HttpStatusFor(StatusCode code);

// A text/plain response carrying `status.message()` with the status mapped by HttpStatusFor.
Response ErrorResponse(const Status& status);

// 1 for 1xx, ..., 5 for 5xx; 0 for codes outside 100..599.
inline int StatusClass(unsigned code) { return code >= 100 && code < 600 ? code / 100 : 0; }

}  // namespace cairn::net
