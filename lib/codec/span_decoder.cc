#include "lib/codec/span_decoder.h"

#include <string>

#include "lib/codec/gzip.h"
#include "lib/codec/json_v1_reader.h"
#include "lib/codec/json_v2_reader.h"
#include "lib/codec/proto3_reader.h"
#include "lib/codec/thrift_reader.h"

namespace cairn::codec {
namespace {

bool Contains(std::string_view body, std::string_view needle) {
  return body.find(needle) != std::string_view::npos;
}

// SpanBytesDecoderDetector.protobuf3: field 1 (length-delimited) with a non-zero length byte.
bool LooksLikeProto3(std::string_view body) {
  return body.size() >= 2 && body[0] == '\n' && body[1] != 0;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i];
    char y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

std::string_view MediaType(std::string_view content_type) {
  content_type = content_type.substr(0, content_type.find(';'));
  while (!content_type.empty() && (content_type.front() == ' ' || content_type.front() == '\t')) {
    content_type.remove_prefix(1);
  }
  while (!content_type.empty() && (content_type.back() == ' ' || content_type.back() == '\t')) {
    content_type.remove_suffix(1);
  }
  return content_type;
}

// ZipkinHttpCollector.testForUnexpectedFormat: formats that clash on partial data.
bool UnexpectedFormat(Encoding expected, std::string_view body, Encoding& received) {
  if (expected == Encoding::kJsonV2 && Contains(body, "yAnnotations\"")) {
    received = Encoding::kJsonV1;
    return true;
  }
  if (expected == Encoding::kJsonV1 &&
      (Contains(body, "Endpoint\"") || Contains(body, "\"tags\""))) {
    received = Encoding::kJsonV2;
    return true;
  }
  return false;
}

}  // namespace

std::string_view EncodingName(Encoding encoding) {
  switch (encoding) {
    case Encoding::kJsonV1:
      return "JSON_V1";
    case Encoding::kJsonV2:
      return "JSON_V2";
    case Encoding::kProto3:
      return "PROTO3";
    case Encoding::kThrift:
      return "THRIFT";
  }
  return "UNKNOWN";
}

Encoding EncodingForRequest(ApiVersion version, std::string_view content_type) {
  std::string_view media_type = MediaType(content_type);
  if (version == ApiVersion::kV2) {
    return EqualsIgnoreCase(media_type, "application/x-protobuf") ? Encoding::kProto3
                                                                  : Encoding::kJsonV2;
  }
  return EqualsIgnoreCase(media_type, "application/x-thrift") ? Encoding::kThrift
                                                              : Encoding::kJsonV1;
}

Result<Encoding> DetectListEncoding(std::string_view body) {
  if (body.empty()) return InvalidArgument("Could not detect the span format");
  // Java bytes are signed: 0x80..0xFF are "<= 16" and count as binary too.
  auto first = static_cast<signed char>(body[0]);
  Encoding detected;
  if (first <= 16) {
    detected = LooksLikeProto3(body) ? Encoding::kProto3 : Encoding::kThrift;
  } else if (first != '[' && first != '{') {
    return InvalidArgument("Could not detect the span format");
  } else if (Contains(body, "Endpoint\"") || Contains(body, "\"tags\"")) {
    detected = Encoding::kJsonV2;
  } else {
    detected = Encoding::kJsonV1;
  }
  if (first != 12 && first != 11 && !LooksLikeProto3(body) && first != '[') {
    return InvalidArgument("Expected json, proto3 or thrift list encoding");
  }
  return detected;
}

Result<SpanList> DecodeSpans(std::string_view body, Encoding encoding,
                             const DecodeOptions& options) {
  switch (encoding) {
    case Encoding::kJsonV1:
      return ReadJsonV1List(body, options);
    case Encoding::kJsonV2:
      return ReadJsonV2List(body, options);
    case Encoding::kProto3:
      return ReadProto3List(body, options);
    case Encoding::kThrift:
      return ReadThriftList(body, options);
  }
  return InvalidArgument("unknown encoding");
}

Result<SpanList> DecodeCollectorMessage(std::string_view body, std::string_view content_encoding,
                                        Encoding encoding, const CollectorOptions& options) {
  std::string gunzipped;
  if (!body.empty() && Contains(content_encoding, "gzip")) {
    Result<std::string> result = Gunzip(body, options.max_decompressed_bytes);
    if (!result.ok()) return result.status();
    // Armeria's decoder yields an empty body on failure, so Zipkin rejects empty output too.
    if (result->empty()) return InvalidArgument("Cannot gunzip spans");
    gunzipped = std::move(result).value();
    body = gunzipped;
  }
  if (body.empty() || body == "[]") return SpanList{};
  if (!DetectListEncoding(body).ok()) {
    return InvalidArgument("Expected a " + std::string(EncodingName(encoding)) + " encoded list\n");
  }
  Encoding received;
  if (UnexpectedFormat(encoding, body, received)) {
    return InvalidArgument("Expected a " + std::string(EncodingName(encoding)) +
                           " encoded list, but received: " + std::string(EncodingName(received)) +
                           "\n");
  }
  DecodeOptions decode = options.decode;
  if (!gunzipped.empty()) decode.input_is_padded = false;  // our own copy has no padding
  return DecodeSpans(body, encoding, decode);
}

Result<SpanList> DecodeDetectedMessage(std::string_view body, const DecodeOptions& options) {
  if (body.empty()) return SpanList{};
  Result<Encoding> encoding = DetectListEncoding(body);
  if (!encoding.ok()) return encoding.status();
  return DecodeSpans(body, *encoding, options);
}

}  // namespace cairn::codec
