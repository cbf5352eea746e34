// cairn-server's entry point for span payloads: picks the decoder like Zipkin's collectors do and
// applies their checks and error texts, so a client sees the same 202/400 answers from cairn as
// from Zipkin (zipkin-reference §1.2).
//
//   POST /api/v2/spans: JSON v2, or proto3 with Content-Type application/x-protobuf
//   POST /api/v1/spans: JSON v1, or Thrift with Content-Type application/x-thrift
//   AMQP/Kafka-style transports: the encoding is detected from the bytes
//
// Every function is thread-safe and returns fully normalised spans (normalize.h). All errors are
// kInvalidArgument (HTTP 400, body = message) except kResourceExhausted for the size limits
// (HTTP 413) and kInternal for a zlib setup failure.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "cairn/trace/status.h"
#include "lib/codec/decode_options.h"

namespace cairn::codec {

// zipkin2.codec.SpanBytesDecoder.
enum class Encoding : std::uint8_t { kJsonV1, kJsonV2, kProto3, kThrift };

// Zipkin's decoder names: "JSON_V1", "JSON_V2", "PROTO3", "THRIFT".
std::string_view EncodingName(Encoding encoding);

enum class ApiVersion : std::uint8_t { kV1, kV2 };

// The decoder Zipkin's HTTP collector routes to for POST /api/v{1,2}/spans with this Content-Type
// (media type compared case-insensitively, parameters ignored; a missing or other type selects
// the JSON decoder of that version).
Encoding EncodingForRequest(ApiVersion version, std::string_view content_type);

// SpanBytesDecoderDetector.decoderForListMessage: '[' is JSON (v2 when it contains `Endpoint"` or
// `"tags"`, else v1), 0x0A followed by a non-zero byte is proto3, 12 (or 11) is a Thrift list.
// Errors: "Could not detect the span format", "Expected json, proto3 or thrift list encoding".
// `body` must not be empty.
Result<Encoding> DetectListEncoding(std::string_view body);

// Decodes a whole list message with the given decoder (SpanBytesDecoder.decodeList). Empty body
// or empty list: no spans.
Result<SpanList> DecodeSpans(std::string_view body, Encoding encoding,
                             const DecodeOptions& options = {});

struct CollectorOptions {
  DecodeOptions decode;
  // Limit for a gzip body after decompression.
  std::size_t max_decompressed_bytes = 10 << 20;
};

// What Zipkin's HTTP collector does with a POST body (ZipkinHttpCollector.validateAndStoreSpans
// and UnzippingBytesRequestConverter), for the decoder chosen by EncodingForRequest:
// 1. a non-empty body whose Content-Encoding contains "gzip" is gunzipped
//    ("Cannot gunzip spans" when that fails or yields nothing);
// 2. an empty body or exactly "[]" is OK with no spans;
// 3. a body of no list encoding: "Expected a JSON_V2 encoded list\n" (name of `encoding`);
// 4. v1 JSON sent to JSON_V2 (contains `yAnnotations"`), or v2 JSON sent to JSON_V1 (contains
//    `Endpoint"` or `"tags"`): "Expected a JSON_V2 encoded list, but received: JSON_V1\n";
// 5. otherwise DecodeSpans(body, encoding).
Result<SpanList> DecodeCollectorMessage(std::string_view body, std::string_view content_encoding,
                                        Encoding encoding, const CollectorOptions& options = {});

// For transports without a content type (Zipkin's RabbitMQ, Kafka, ActiveMQ collectors): an empty
// body is OK with no spans, otherwise the decoder comes from DetectListEncoding.
Result<SpanList> DecodeDetectedMessage(std::string_view body, const DecodeOptions& options = {});

}  // namespace cairn::codec
