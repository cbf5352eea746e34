#include "lib/codec/thrift_reader.h"

#include <gtest/gtest.h>

#include <chrono>
#include <ostream>
#include <random>
#include <string>

#include "lib/codec/codec_test_util.h"

namespace cairn::codec {
namespace {

using testing::Json;
using testing::Normalized;
using testing::ThriftWriter;

constexpr std::uint8_t kBool = 2, kByte = 3, kDouble = 4, kI16 = 6, kI32 = 8, kI64 = 10,
                       kString = 11, kStruct = 12, kMap = 13, kSet = 14, kList = 15;

// zipkinCore.Endpoint: ipv4 i32, port i16, service_name string[, ipv6 binary].
std::string Endpoint(std::int32_t ipv4, std::int16_t port, std::string_view service,
                     std::string_view ipv6 = {}) {
  ThriftWriter w;
  w.Field(kI32, 1).I32(ipv4).Field(kI16, 2).I16(port).Field(kString, 3).Binary(service);
  if (!ipv6.empty()) w.Field(kString, 4).Binary(ipv6);
  return w.Stop().str();
}

std::string Annotation(std::int64_t timestamp, std::string_view value, std::string_view endpoint) {
  ThriftWriter w;
  w.Field(kI64, 1).I64(timestamp).Field(kString, 2).Binary(value);
  if (!endpoint.empty()) w.Field(kStruct, 3).Raw(endpoint);
  return w.Stop().str();
}

std::string BinaryAnnotation(std::string_view key, std::string_view value, std::int32_t type,
                             std::string_view endpoint) {
  ThriftWriter w;
  w.Field(kString, 1).Binary(key).Field(kString, 2).Binary(value).Field(kI32, 3).I32(type);
  if (!endpoint.empty()) w.Field(kStruct, 4).Raw(endpoint);
  return w.Stop().str();
}

const std::string kFrontend = Endpoint(0x7f000001, 8080, "Frontend");
const std::string kBackend = Endpoint(static_cast<std::int32_t>(0xc0a86365), 9000, "backend");

std::string ClientSpan() {
  ThriftWriter w;
  w.Field(kI64, 1).I64(0x6b221d5bc9e6496c);
  w.Field(kString, 3).Binary("GET");
  w.Field(kI64, 4).I64(0x5b4185666d50f68b);
  w.Field(kI64, 5).I64(0x6b221d5bc9e6496c);
  w.Field(kList, 6).ListBegin(kStruct, 3);
  w.Raw(Annotation(1472470996199000, "cs", kFrontend));
  w.Raw(Annotation(1472470996238000, "ws", kFrontend));
  w.Raw(Annotation(1472470996406000, "cr", kFrontend));
  w.Field(kList, 8).ListBegin(kStruct, 4);
  w.Raw(BinaryAnnotation("http.path", "/api", 6, kFrontend));
  w.Raw(BinaryAnnotation("sa", "\x01", 0, kBackend));
  w.Raw(BinaryAnnotation("count", std::string("\0\0\0\x2a", 4), 3, kFrontend));  // I32: ignored
  w.Raw(BinaryAnnotation("error", "\x01", 0, kFrontend));  // BOOL, not an address: ignored
  w.Field(kBool, 9).Byte(1);
  w.Field(kI64, 10).I64(1472470996199000);
  w.Field(kI64, 11).I64(207000);
  w.Field(kI64, 12).I64(0x48485a3953bb6124);
  return w.Stop().str();
}

std::string List(std::initializer_list<std::string> spans) {
  ThriftWriter w;
  w.ListBegin(kStruct, static_cast<std::int32_t>(spans.size()));
  for (const std::string& span : spans) w.Raw(span);
  return w.str();
}

std::string Decode(std::string_view body) {
  auto spans = ReadThriftList(body);
  if (!spans.ok()) return "error: " + spans.status().message();
  return Json(*spans);
}

TEST(ThriftReaderTest, DecodesAndConvertsAClientSpan) {
  EXPECT_EQ(
      Decode(List({ClientSpan()})),
      Normalized(
          R"([{"traceId":"48485a3953bb61246b221d5bc9e6496c","parentId":"6b221d5bc9e6496c",)"
          R"("id":"5b4185666d50f68b","kind":"CLIENT","name":"get","timestamp":1472470996199000,)"
          R"("duration":207000,"localEndpoint":{"serviceName":"frontend","ipv4":"127.0.0.1","port":8080},)"
          R"("remoteEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101","port":9000},)"
          R"("annotations":[{"timestamp":1472470996238000,"value":"ws"}],)"
          R"("tags":{"http.path":"/api"},"debug":true}])"));
}

TEST(ThriftReaderTest, EndpointDetails) {
  std::string ipv6(16, '\0');
  ipv6[0] = '\x20';
  ipv6[1] = '\x01';
  ipv6[15] = '\x01';
  ThriftWriter span;
  span.Field(kI64, 1).I64(1).Field(kI64, 4).I64(2);
  span.Field(kList, 6).ListBegin(kStruct, 2);
  // ipv4 0 is absent; the port is an unsigned short.
  span.Raw(Annotation(10, "foo", Endpoint(0, -1, "svc", ipv6)));
  span.Raw(Annotation(0, "dropped: no timestamp", Endpoint(0, 1, "svc")));
  span.Stop();
  EXPECT_EQ(
      Decode(List({span.str()})),
      Normalized(
          R"([{"traceId":"1","id":"2","localEndpoint":{"serviceName":"svc","ipv6":"2001::1","port":65535},)"
          R"("annotations":[{"timestamp":10,"value":"foo"}]}])"));
}

TEST(ThriftReaderTest, SkipsUnknownFieldsOfEveryType) {
  ThriftWriter span;
  span.Field(kI64, 1).I64(1);
  span.Field(kByte, 20).Byte(7);
  span.Field(kI16, 21).I16(7);
  span.Field(kI32, 22).I32(7);
  span.Field(kDouble, 23).I64(7);
  span.Field(kString, 24).Binary("ignored");
  span.Field(kStruct, 25)
      .Field(kI32, 1)
      .I32(1)
      .Field(kList, 2)
      .ListBegin(kString, 2)
      .Binary("a")
      .Binary("b")
      .Stop();
  span.Field(kMap, 26).Byte(kString).Byte(kI64).I32(1).Binary("k").I64(5);
  span.Field(kSet, 27).Byte(kI32).I32(2).I32(1).I32(2);
  span.Field(kList, 28).ListBegin(kList, 1).ListBegin(kByte, 3).Byte(1).Byte(2).Byte(3);
  span.Field(kString, 1).Binary("a trace id with the wrong type is skipped");
  span.Field(kI64, 4).I64(2);
  span.Stop();
  EXPECT_EQ(Decode(List({span.str()})), Normalized(R"([{"traceId":"1","id":"2"}])"));
}

TEST(ThriftReaderTest, EmptyAndNegativeLists) {
  EXPECT_EQ(Decode(""), "[]");
  EXPECT_EQ(Decode(ThriftWriter().ListBegin(kStruct, 0).str()), "[]");
  EXPECT_EQ(Decode(ThriftWriter().ListBegin(kStruct, -5).Raw("trailing").str()), "[]");
}

TEST(ThriftReaderTest, TwoSpansAndV1Split) {
  ThriftWriter shared;
  shared.Field(kI64, 1).I64(1).Field(kI64, 4).I64(3).Field(kString, 3).Binary("rpc");
  shared.Field(kList, 6).ListBegin(kStruct, 4);
  shared.Raw(Annotation(100, "cs", kFrontend)).Raw(Annotation(110, "sr", kBackend));
  shared.Raw(Annotation(190, "ss", kBackend)).Raw(Annotation(200, "cr", kFrontend));
  shared.Stop();
  auto spans = ReadThriftList(List({ClientSpan(), shared.str()}));
  ASSERT_TRUE(spans.ok()) << spans.status().message();
  ASSERT_EQ(spans->size(), 3u);
  EXPECT_EQ((*spans)[1]->kind, trace::SpanKind::kClient);
  EXPECT_EQ((*spans)[1]->duration_us, 100);
  EXPECT_EQ((*spans)[2]->kind, trace::SpanKind::kServer);
  EXPECT_TRUE((*spans)[2]->shared);
  EXPECT_EQ((*spans)[2]->local_endpoint.service_name, "backend");
  EXPECT_EQ((*spans)[2]->duration_us, 80);
}

struct ErrorCase {
  const char* name;
  std::string body;
  std::string message;
  // Keeps gtest from printing the raw bytes (padding included) of the struct.
  friend void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }
};

class ThriftErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ThriftErrorTest, MatchesZipkin) {
  EXPECT_EQ(Decode(GetParam().body), "error: " + GetParam().message);
}

std::string DeepStruct(int depth) {
  ThriftWriter w;
  w.ListBegin(kStruct, 1).Field(kI64, 1).I64(1);
  for (int i = 0; i < depth; ++i) w.Field(kStruct, 30);
  return w.str();
}

INSTANTIATE_TEST_SUITE_P(
    Table, ThriftErrorTest,
    ::testing::Values(
        ErrorCase{"list_header_truncated", std::string("\x0c\x00", 2),
                  "Truncated: length 4 > bytes available 1 reading List<Span> from TBinary"},
        ErrorCase{"field_truncated",
                  ThriftWriter().ListBegin(kStruct, 1).Field(kI64, 1).Raw("abc").str(),
                  "Truncated: length 8 > bytes available 3 reading List<Span> from TBinary"},
        ErrorCase{"missing_stop", ThriftWriter().ListBegin(kStruct, 1).Field(kI64, 1).I64(1).str(),
                  "Truncated: length 1 > bytes available 0 reading List<Span> from TBinary"},
        ErrorCase{"zero_trace_id", List({ThriftWriter().Field(kI64, 4).I64(1).Stop().str()}),
                  "traceId == 0 reading List<Span> from TBinary"},
        ErrorCase{"zero_id", List({ThriftWriter().Field(kI64, 1).I64(1).Stop().str()}),
                  "id == 0 reading List<Span> from TBinary"},
        ErrorCase{"string_longer_than_input",
                  ThriftWriter().ListBegin(kStruct, 1).Field(kString, 3).I32(1000).Raw("abc").str(),
                  "Truncated: length 1000 > bytes available 3 reading List<Span> from TBinary"},
        ErrorCase{"negative_string_length",
                  ThriftWriter().ListBegin(kStruct, 1).Field(kString, 3).I32(-2).str(),
                  "Malformed reading List<Span> from TBinary"},
        ErrorCase{"too_deep", DeepStruct(100), "Malformed reading List<Span> from TBinary"},
        ErrorCase{"more_spans_than_declared_bytes",
                  ThriftWriter().ListBegin(kStruct, 0x7fffffff).str(),
                  "Truncated: length 1 > bytes available 0 reading List<Span> from TBinary"}),
    [](const ::testing::TestParamInfo<ErrorCase>& p) { return std::string(p.param.name); });

TEST(ThriftReaderTest, HugeDeclaredLengthsDoNotLoop) {
  // Skipping 2^31 fixed-size or zero-size elements must not take 2^31 steps.
  ThriftWriter span;
  span.Field(kI64, 1).I64(1).Field(kI64, 4).I64(2);
  span.Field(kList, 40).ListBegin(1 /* unknown type */, 0x7fffffff);
  span.Field(kList, 41).ListBegin(kList, 1).ListBegin(7 /* unknown */, 0x7fffffff);
  span.Field(kMap, 42).Byte(9).Byte(16).I32(0x7fffffff);
  span.Stop();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Decode(List({span.str()})), Normalized(R"([{"traceId":"1","id":"2"}])"));
  ThriftWriter i64s;
  i64s.Field(kI64, 1).I64(1).Field(kI64, 4).I64(2).Field(kList, 40).ListBegin(kI64, 0x7fffffff);
  EXPECT_EQ(Decode(List({i64s.str()})),
            "error: Truncated: length 1 > bytes available 0 reading List<Span> from TBinary");
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(ThriftReaderTest, MaxSpans) {
  DecodeOptions options;
  options.max_spans = 1;
  std::string span = ThriftWriter().Field(kI64, 1).I64(1).Field(kI64, 4).I64(2).Stop().str();
  auto result = ReadThriftList(List({span, span}), options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted);
}

TEST(ThriftReaderTest, RandomMutationsNeverCrash) {
  std::string valid = List({ClientSpan(), ClientSpan()});
  for (std::size_t cut = 0; cut < valid.size(); ++cut) {
    auto result = ReadThriftList(std::string_view(valid).substr(0, cut));
    EXPECT_FALSE(result.ok() && cut > 5 && result->size() == 2);
  }
  std::mt19937 rng(7);
  for (int round = 0; round < 3000; ++round) {
    std::string mutated = valid;
    for (int flips = 0; flips < 4; ++flips)
      mutated[rng() % mutated.size()] = static_cast<char>(rng());
    auto result = ReadThriftList(mutated);
    (void)result;
  }
}

}  // namespace
}  // namespace cairn::codec
