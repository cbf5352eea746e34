#include "apps/server/collector.h"

#include <boost/beast/core/string.hpp>
#include <string>
#include <utility>

#include "lib/codec/gzip.h"
#include "lib/net/request_context.h"

namespace cairn::server {
namespace {

namespace http = net::http;

// simdjson reads up to this many bytes past the end of its input (SIMDJSON_PADDING).
constexpr std::size_t kJsonPadding = 64;

std::string_view HeaderValue(const net::Request& req, http::field field) {
  auto it = req.find(field);
  return it == req.end() ? std::string_view() : std::string_view(it->value());
}

bool ContainsGzip(std::string_view content_encoding) {
  // Zipkin checks `encoding.contains("gzip")`; header values compare case-insensitively.
  for (std::size_t i = 0; i + 4 <= content_encoding.size(); ++i) {
    if (boost::beast::iequals(content_encoding.substr(i, 4), "gzip")) return true;
  }
  return false;
}

}  // namespace

HttpCollector::HttpCollector(CollectorOptions options, WriteQueue& queue, CollectorMetrics& metrics)
    : options_(options), sampler_(options.sample_rate), queue_(queue), metrics_(metrics) {}

void HttpCollector::AddRoutes(net::Router& router) {
  router.Post("/api/v2/spans",
              [this](net::RequestContext& ctx) { return Handle(ctx, codec::ApiVersion::kV2); });
  router.Post("/api/v1/spans",
              [this](net::RequestContext& ctx) { return Handle(ctx, codec::ApiVersion::kV1); });
}

net::Response HttpCollector::Fail(http::status code, const Status& status, std::size_t spans_lost) {
  metrics_.IncrementMessagesDropped();
  if (spans_lost > 0) metrics_.IncrementSpansDropped(spans_lost);
  net::Response res = net::MakeResponse(code, status.message());
  if (code == http::status::service_unavailable) res.set(http::field::retry_after, "1");
  return res;
}

http::status HttpCollector::DecodeErrorCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      return http::status::bad_request;
    case StatusCode::kResourceExhausted:  // decompressed size or span count over the limit
      return http::status::payload_too_large;
    default:
      return http::status::internal_server_error;
  }
}

http::status HttpCollector::StoreErrorCode(const Status& status) {
  switch (status.code()) {
    case StatusCode::kResourceExhausted:  // write queue full
    case StatusCode::kUnavailable:        // shutting down, or the store is down
      return http::status::service_unavailable;
    default:
      return http::status::internal_server_error;
  }
}

net::asio::awaitable<net::Response> HttpCollector::Handle(net::RequestContext& ctx,
                                                          codec::ApiVersion version) {
  metrics_.IncrementMessages();
  net::Request& req = ctx.request();
  std::string body = std::move(req.body());

  if (!body.empty() && ContainsGzip(HeaderValue(req, http::field::content_encoding))) {
    Result<std::string> unzipped = codec::Gunzip(body, options_.max_decompressed_bytes);
    if (!unzipped.ok()) co_return Fail(DecodeErrorCode(unzipped.status()), unzipped.status(), 0);
    if (unzipped->empty()) {
      co_return Fail(http::status::bad_request, InvalidArgument("Cannot gunzip spans"), 0);
    }
    body = std::move(unzipped).value();
  }
  metrics_.IncrementBytes(body.size());

  const codec::Encoding encoding =
      codec::EncodingForRequest(version, HeaderValue(req, http::field::content_type));
  codec::CollectorOptions decode;
  decode.decode.max_spans = options_.max_spans_per_message;
  decode.max_decompressed_bytes = options_.max_decompressed_bytes;
  // Spare capacity past the end lets the JSON decoder parse in place instead of copying.
  body.reserve(body.size() + kJsonPadding);
  decode.decode.input_is_padded = true;
  Result<codec::SpanList> decoded = codec::DecodeCollectorMessage(body, {}, encoding, decode);
  if (!decoded.ok()) co_return Fail(DecodeErrorCode(decoded.status()), decoded.status(), 0);
  codec::SpanList spans = std::move(decoded).value();
  if (spans.empty()) co_return net::MakeResponse(http::status::accepted);
  metrics_.IncrementSpans(spans.size());

  std::size_t kept = 0;
  for (auto& span : spans) {
    if (sampler_.IsSampled(*span)) spans[kept++] = std::move(span);
  }
  if (kept < spans.size()) {
    metrics_.IncrementSpansDropped(spans.size() - kept);
    spans.resize(kept);
  }
  if (spans.empty()) co_return net::MakeResponse(http::status::accepted);

  const std::size_t count = spans.size();
  Status stored = co_await queue_.Write(std::move(spans));
  if (!stored.ok()) co_return Fail(StoreErrorCode(stored), stored, count);
  co_return net::MakeResponse(http::status::accepted);
}

}  // namespace cairn::server
