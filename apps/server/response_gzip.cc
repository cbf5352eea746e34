#include "apps/server/response_gzip.h"

#include <zlib.h>

#include <boost/beast/core/string.hpp>
#include <limits>

#include "lib/config/values.h"
#include "lib/net/request_context.h"

namespace cairn::server {
namespace {

namespace http = net::http;
namespace beast = boost::beast;
using config::TrimWhitespace;

bool Compressible(std::string_view content_type) {
  const std::string_view media = TrimWhitespace(content_type.substr(0, content_type.find(';')));
  return beast::iequals(media, "application/json") ||
         beast::iequals(media, "application/javascript") || beast::iequals(media, "text/css") ||
         beast::iequals(media, "image/svg+xml");
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const std::size_t comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const std::size_t semicolon = item.find(';');
    const std::string_view coding = TrimWhitespace(item.substr(0, semicolon));
    if (!beast::iequals(coding, "gzip") && coding != "*") continue;
    if (semicolon == std::string_view::npos) return true;
    std::string_view param = TrimWhitespace(item.substr(semicolon + 1));
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      param.remove_prefix(2);
      // q=0, q=0.0, q=0.000 refuse; anything else accepts.
      return param.find_first_not_of("0.") != std::string_view::npos;
    }
    return true;
  }
  return false;
}

Result<std::string> Gzip(std::string_view data) {
  z_stream stream{};
  // windowBits 15 + 16: gzip wrapper; level 4 trades little size for much less CPU than 6.
  if (deflateInit2(&stream, 4, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Internal("deflateInit2 failed");
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(data.size())));
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = deflate(&stream, Z_FINISH);
  const std::size_t written = stream.total_out;
  deflateEnd(&stream);
  if (rc != Z_STREAM_END) return Internal("deflate failed");
  out.resize(written);
  return out;
}

net::Middleware ResponseGzipMiddleware() {
  return [](net::RequestContext& ctx,
            const net::Handler& next) -> net::asio::awaitable<net::Response> {
    net::Response res = co_await next(ctx);
    const net::Request& req = ctx.request();
    if (req.method() == http::verb::head || res.result_int() < 200 || res.result_int() >= 300 ||
        res.body().size() <= kMinGzipBytes ||
        res.find(http::field::content_encoding) != res.end() ||
        !Compressible(res[http::field::content_type])) {
      co_return res;
    }
    // Content negotiation depends on this header, so caches must key on it.
    if (auto vary = res.find(http::field::vary); vary != res.end()) {
      std::string value(vary->value());
      value += ", Accept-Encoding";
      res.set(http::field::vary, value);
    } else {
      res.set(http::field::vary, "Accept-Encoding");
    }
    auto accept = req.find(http::field::accept_encoding);
    if (accept == req.end() || !AcceptsGzip(accept->value())) co_return res;
    if (res.body().size() > std::numeric_limits<uInt>::max()) co_return res;
    Result<std::string> zipped = Gzip(res.body());
    if (!zipped.ok()) co_return res;
    res.body() = std::move(zipped).value();
    res.set(http::field::content_encoding, "gzip");
    co_return res;
  };
}

}  // namespace cairn::server
