#include "lib/codec/span_decoder.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <vector>

#include "lib/codec/codec_test_util.h"
#include "lib/model/proto3_writer.h"

namespace cairn::codec {
namespace {

using testing::Json;

// Zipkin's TRACE-like v2 and v1 messages.
const std::string kV2 =
    R"([{"traceId":"1","id":"2","name":"get","localEndpoint":{"serviceName":"frontend"},"tags":{"a":"b"}}])";
const std::string kV1 =
    R"([{"traceId":"1","id":"2","name":"get","annotations":[{"timestamp":1,"value":"cs","endpoint":{"serviceName":"frontend"}}],)"
    R"("binaryAnnotations":[{"key":"a","value":"b","endpoint":{"serviceName":"frontend"}}]}])";
const std::string kAmbiguous = R"([{"traceId":"1","id":"1","name":"test"}])";

std::string Gzip(std::string_view data) {
  z_stream stream{};
  deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::string Collect(std::string_view body, Encoding encoding,
                    std::string_view content_encoding = "") {
  auto spans = DecodeCollectorMessage(body, content_encoding, encoding);
  if (!spans.ok()) return "error: " + spans.status().message();
  return Json(*spans);
}

TEST(SpanDecoderTest, EncodingNames) {
  EXPECT_EQ(EncodingName(Encoding::kJsonV1), "JSON_V1");
  EXPECT_EQ(EncodingName(Encoding::kJsonV2), "JSON_V2");
  EXPECT_EQ(EncodingName(Encoding::kProto3), "PROTO3");
  EXPECT_EQ(EncodingName(Encoding::kThrift), "THRIFT");
}

TEST(SpanDecoderTest, RoutesLikeZipkinHttpCollector) {
  EXPECT_EQ(EncodingForRequest(ApiVersion::kV2, ""), Encoding::kJsonV2);
  EXPECT_EQ(EncodingForRequest(ApiVersion::kV2, "application/json"), Encoding::kJsonV2);
  EXPECT_EQ(EncodingForRequest(ApiVersion::kV2, "text/plain"), Encoding::kJsonV2);
  EXPECT_EQ(EncodingForRequest(ApiVersion::kV2, "application/x-protobuf"), Encoding::kProto3);
  EXPECT_EQ(EncodingForRequest(ApiVersion::kV2, " Application/X-Protobuf ; charset=x"),
            Encoding::kProto3);
  EXPECT_EQ(EncodingForRequest(ApiVersion::kV2, "application/x-thrift"), Encoding::kJsonV2);
  EXPECT_EQ(EncodingForRequest(ApiVersion::kV1, ""), Encoding::kJsonV1);
  EXPECT_EQ(EncodingForRequest(ApiVersion::kV1, "application/json; charset=utf-8"),
            Encoding::kJsonV1);
  EXPECT_EQ(EncodingForRequest(ApiVersion::kV1, "application/x-thrift"), Encoding::kThrift);
  EXPECT_EQ(EncodingForRequest(ApiVersion::kV1, "application/x-protobuf"), Encoding::kJsonV1);
}

TEST(SpanDecoderTest, DetectsLikeSpanBytesDecoderDetector) {
  EXPECT_EQ(*DetectListEncoding(kV2), Encoding::kJsonV2);
  EXPECT_EQ(*DetectListEncoding(kV1), Encoding::kJsonV1);
  EXPECT_EQ(*DetectListEncoding(kAmbiguous), Encoding::kJsonV1);
  EXPECT_EQ(*DetectListEncoding(std::string("\x0a\x10", 2)), Encoding::kProto3);
  EXPECT_EQ(*DetectListEncoding(std::string("\x0c\x00\x00\x00\x01", 5)), Encoding::kThrift);
  EXPECT_EQ(*DetectListEncoding(std::string("\x0b\x00", 2)), Encoding::kThrift);
  EXPECT_EQ(DetectListEncoding("hello").status().message(), "Could not detect the span format");
  EXPECT_EQ(DetectListEncoding(R"({"traceId":"1"})").status().message(),
            "Expected json, proto3 or thrift list encoding");
  EXPECT_EQ(DetectListEncoding(std::string("\x0a\x00", 2)).status().message(),
            "Expected json, proto3 or thrift list encoding");
  EXPECT_EQ(DetectListEncoding("\x01\x02").status().message(),
            "Expected json, proto3 or thrift list encoding");
  EXPECT_EQ(DetectListEncoding("\xff").status().message(),  // signed byte: "binary"
            "Expected json, proto3 or thrift list encoding");
}

TEST(SpanDecoderTest, EmptyBodiesAreAccepted) {
  for (Encoding encoding :
       {Encoding::kJsonV1, Encoding::kJsonV2, Encoding::kProto3, Encoding::kThrift}) {
    EXPECT_EQ(Collect("", encoding), "[]");
    EXPECT_EQ(Collect("[]", encoding), "[]");
  }
  EXPECT_EQ(Collect(Gzip("[]"), Encoding::kJsonV2, "gzip"), "[]");
}

TEST(SpanDecoderTest, MalformedNotOk) {
  // ITZipkinHttpCollector.malformedNotOk posts bytes {1, 2, 3, 4} to every endpoint.
  std::string body("\x01\x02\x03\x04", 4);
  EXPECT_EQ(Collect(body, Encoding::kJsonV2), "error: Expected a JSON_V2 encoded list\n");
  EXPECT_EQ(Collect(body, Encoding::kJsonV1), "error: Expected a JSON_V1 encoded list\n");
  EXPECT_EQ(Collect(body, Encoding::kProto3), "error: Expected a PROTO3 encoded list\n");
  EXPECT_EQ(Collect(body, Encoding::kThrift), "error: Expected a THRIFT encoded list\n");
  EXPECT_EQ(Collect("hello", Encoding::kJsonV2), "error: Expected a JSON_V2 encoded list\n");
  EXPECT_EQ(Collect(" [ ]", Encoding::kJsonV2), "error: Expected a JSON_V2 encoded list\n");
}

TEST(SpanDecoderTest, WrongJsonVersion) {
  EXPECT_EQ(Collect(kV1, Encoding::kJsonV2),
            "error: Expected a JSON_V2 encoded list, but received: JSON_V1\n");
  EXPECT_EQ(Collect(kV2, Encoding::kJsonV1),
            "error: Expected a JSON_V1 encoded list, but received: JSON_V2\n");
  EXPECT_EQ(Collect(R"([{"traceId":"1","id":"2","tags":{"a":"b"}}])", Encoding::kJsonV1),
            "error: Expected a JSON_V1 encoded list, but received: JSON_V2\n");
}

TEST(SpanDecoderTest, AmbiguousFormatOkOnBothEndpoints) {
  std::string expected =
      R"([{"traceId":"0000000000000001","id":"0000000000000001","name":"test"}])";
  EXPECT_EQ(Collect(kAmbiguous, Encoding::kJsonV2), expected);
  EXPECT_EQ(Collect(kAmbiguous, Encoding::kJsonV1), expected);
}

TEST(SpanDecoderTest, DecodesEachFormat) {
  EXPECT_EQ(
      Collect(kV2, Encoding::kJsonV2),
      R"([{"traceId":"0000000000000001","id":"0000000000000002","name":"get","localEndpoint":{"serviceName":"frontend"},"tags":{"a":"b"}}])");
  EXPECT_EQ(
      Collect(kV1, Encoding::kJsonV1),
      R"([{"traceId":"0000000000000001","id":"0000000000000002","kind":"CLIENT","name":"get","timestamp":1,"localEndpoint":{"serviceName":"frontend"},"tags":{"a":"b"}}])");
  auto spans = ReadJsonV2List(kV2);
  ASSERT_TRUE(spans.ok());
  std::vector<const trace::SpanRecord*> records = {(*spans)[0].get()};
  std::string proto;
  model::AppendProto3List(records, proto);
  EXPECT_EQ(Collect(proto, Encoding::kProto3), Json(*spans));
  EXPECT_EQ(Collect(proto, Encoding::kJsonV2), "error: Malformed reading List<Span> from json");
}

TEST(SpanDecoderTest, Gzip) {
  EXPECT_EQ(Collect(Gzip(kV2), Encoding::kJsonV2, "gzip"), Collect(kV2, Encoding::kJsonV2));
  EXPECT_EQ(Collect(Gzip(kV2), Encoding::kJsonV2, "x-gzip, identity"),
            Collect(kV2, Encoding::kJsonV2));
  EXPECT_EQ(Collect("hello", Encoding::kJsonV2, "gzip"), "error: Cannot gunzip spans");
  EXPECT_EQ(Collect(Gzip(""), Encoding::kJsonV2, "gzip"), "error: Cannot gunzip spans");
  CollectorOptions options;
  options.max_decompressed_bytes = 10;
  auto limited = DecodeCollectorMessage(Gzip(kV2), "gzip", Encoding::kJsonV2, options);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::kResourceExhausted);
  // Without a gzip Content-Encoding the bytes are taken as they are.
  EXPECT_EQ(Collect(Gzip(kV2), Encoding::kJsonV2), "error: Expected a JSON_V2 encoded list\n");
}

TEST(SpanDecoderTest, DetectedMessages) {
  auto v1 = DecodeDetectedMessage(kV1);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ((*v1)[0]->kind, trace::SpanKind::kClient);
  EXPECT_TRUE(DecodeDetectedMessage("")->empty());
  EXPECT_EQ(DecodeDetectedMessage("nope").status().message(), "Could not detect the span format");
}

}  // namespace
}  // namespace cairn::codec
