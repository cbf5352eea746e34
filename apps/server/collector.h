// The HTTP collector: POST /api/v2/spans and POST /api/v1/spans, answered as Zipkin's
// ZipkinHttpCollector answers them (zipkin-reference §1.2).
//
// Per request: count the message; gunzip when Content-Encoding says gzip ("Cannot gunzip spans");
// count its bytes; decode with the decoder the path and Content-Type select (JSON v2/v1, proto3,
// Thrift; lib/codec gives Zipkin's 400 texts and rejects the whole batch on one bad span); count
// its spans; drop the spans CollectorSampler does not keep (spans_dropped); hand the rest to the
// WriteQueue and answer 202 only once storage accepted them. Empty bodies and "[]" are 202.
//
// Errors: 400 text/plain with the decoder's message; 413 for a body that decompresses past the
// body limit or holds more than the span limit; 503 with Retry-After when the write queue is full
// or the server is stopping; 500 with the store's message when storage fails. Every error counts
// one messages_dropped, and spans that were decoded but not stored count as spans_dropped.
#pragma once

#include <cstddef>

#include "apps/server/collector_sampler.h"
#include "apps/server/metrics.h"
#include "apps/server/write_queue.h"
#include "lib/codec/span_decoder.h"
#include "lib/net/router.h"

namespace cairn::server {

struct CollectorOptions {
  float sample_rate = 1.0f;
  // Limit of a gzip body after decompression (the HTTP layer limits the body as received).
  std::size_t max_decompressed_bytes = 10 << 20;
  std::size_t max_spans_per_message = 100'000;
};

class HttpCollector {
 public:
  // `queue` and `metrics` must outlive the collector (and the router it is added to).
  HttpCollector(CollectorOptions options, WriteQueue& queue, CollectorMetrics& metrics);

  // Registers POST /api/v1/spans and POST /api/v2/spans.
  void AddRoutes(net::Router& router);

  // Handles one POST of the given API version.
  net::asio::awaitable<net::Response> Handle(net::RequestContext& ctx, codec::ApiVersion version);

 private:
  // Counts the dropped message (and the decoded spans lost with it) and answers `code`.
  net::Response Fail(net::http::status code, const Status& status, std::size_t spans_lost);
  static net::http::status DecodeErrorCode(const Status& status);
  static net::http::status StoreErrorCode(const Status& status);

  const CollectorOptions options_;
  const CollectorSampler sampler_;
  WriteQueue& queue_;
  CollectorMetrics& metrics_;
};

}  // namespace cairn::server
