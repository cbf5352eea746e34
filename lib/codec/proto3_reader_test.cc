#include "lib/codec/proto3_reader.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <ostream>
#include <random>
#include <string>
#include <vector>

#include "lib/codec/codec_test_util.h"
#include "lib/model/proto3_writer.h"
#include "zipkin.pb.h"

namespace cairn::codec {
namespace {

using testing::Json;
using testing::Normalized;

// Builds proto3 wire bytes by hand, for inputs libprotobuf would never write.
class ProtoWriter {
 public:
  ProtoWriter& Varint(std::uint64_t v) {
    while (v >= 0x80) {
      out_ += static_cast<char>((v & 0x7f) | 0x80);
      v >>= 7;
    }
    out_ += static_cast<char>(v);
    return *this;
  }
  ProtoWriter& Key(int field, int wire_type) { return Varint(field << 3 | wire_type); }
  ProtoWriter& Bytes(int field, std::string_view bytes) {
    Key(field, 2).Varint(bytes.size());
    out_ += bytes;
    return *this;
  }
  ProtoWriter& Fixed64(int field, std::uint64_t v) {
    Key(field, 1);
    for (int i = 0; i < 8; ++i) out_ += static_cast<char>((v >> (8 * i)) & 0xff);
    return *this;
  }
  ProtoWriter& Raw(std::string_view bytes) {
    out_ += bytes;
    return *this;
  }
  const std::string& str() const { return out_; }

 private:
  std::string out_;
};

std::string Id8(std::uint64_t id) {
  std::string out;
  for (int i = 7; i >= 0; --i) out += static_cast<char>((id >> (8 * i)) & 0xff);
  return out;
}

// A ListOfSpans with one span holding `fields` (trace id 1, id 2 are added first).
std::string OneSpan(const std::string& fields) {
  ProtoWriter span;
  span.Bytes(1, Id8(1)).Bytes(3, Id8(2)).Raw(fields);
  return ProtoWriter().Bytes(1, span.str()).str();
}

std::string Decode(std::string_view body) {
  auto spans = ReadProto3List(body);
  if (!spans.ok()) return "error: " + spans.status().message();
  return Json(*spans);
}

std::string Encode(const SpanList& spans) {
  std::vector<const trace::SpanRecord*> records;
  for (const auto& span : spans) records.push_back(span.get());
  std::string out;
  model::AppendProto3List(records, out);
  return out;
}

TEST(Proto3ReaderTest, ReadsWhatLibprotobufWrites) {
  zipkin::proto3::ListOfSpans list;
  zipkin::proto3::Span* span = list.add_spans();
  span->set_trace_id(Id8(0x48485a3953bb6124) + Id8(0x6b221d5bc9e6496c));
  span->set_parent_id(Id8(0x6b221d5bc9e6496c));
  span->set_id(Id8(0x5b4185666d50f68b));
  span->set_kind(zipkin::proto3::Span::SERVER);
  span->set_name("GET /Api");
  span->set_timestamp(1472470996199000);
  span->set_duration(207000);
  span->mutable_local_endpoint()->set_service_name("Backend");
  span->mutable_local_endpoint()->set_ipv4(std::string("\xc0\xa8\x63\x65", 4));
  span->mutable_local_endpoint()->set_port(9000);
  std::string ipv6(16, '\0');
  ipv6[0] = '\x20';
  ipv6[1] = '\x01';
  ipv6[2] = '\x0d';
  ipv6[3] = '\xb8';
  ipv6[15] = '\x01';
  span->mutable_remote_endpoint()->set_ipv6(ipv6);
  auto* annotation = span->add_annotations();
  annotation->set_timestamp(1472470996403000);
  annotation->set_value("bar");
  annotation = span->add_annotations();
  annotation->set_timestamp(1472470996238000);
  annotation->set_value("foo");
  (*span->mutable_tags())["http.path"] = "/api";
  (*span->mutable_tags())["error"] = "";
  span->set_debug(true);
  span->set_shared(true);
  list.add_spans()->CopyFrom(*span);
  list.mutable_spans(1)->set_id(Id8(0x1));
  std::string body = list.SerializeAsString();

  auto spans = ReadProto3List(body);
  ASSERT_TRUE(spans.ok()) << spans.status().message();
  ASSERT_EQ(spans->size(), 2u);
  EXPECT_EQ(
      Json(*(*spans)[0]),
      R"({"traceId":"48485a3953bb61246b221d5bc9e6496c","parentId":"6b221d5bc9e6496c",)"
      R"("id":"5b4185666d50f68b","kind":"SERVER","name":"get /api","timestamp":1472470996199000,)"
      R"("duration":207000,"localEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101",)"
      R"("port":9000},"remoteEndpoint":{"ipv6":"2001:db8::1"},"annotations":[)"
      R"({"timestamp":1472470996238000,"value":"foo"},{"timestamp":1472470996403000,"value":"bar"}],)"
      R"("tags":{"error":"","http.path":"/api"},"debug":true,"shared":true})");
  EXPECT_EQ((*spans)[1]->id, 1u);
}

TEST(Proto3ReaderTest, RoundTripsTheModelEncoder) {
  const std::string json = Normalized(
      R"([{"traceId":"7180c278b62e8f6a216a2aea45d08fc9","parentId":"6b221d5bc9e6496c","id":"5b4185666d50f68b",)"
      R"("kind":"CLIENT","name":"get","timestamp":1472470996199000,"duration":207000,)"
      R"("localEndpoint":{"serviceName":"frontend","ipv4":"127.0.0.1"},)"
      R"("remoteEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101","ipv6":"2001:db8::c001","port":9000},)"
      R"("annotations":[{"timestamp":1472470996238000,"value":"foo"}],"tags":{"a":"b","utf8":"\u2028 é 😀"}},)"
      R"({"traceId":"dc955a1d4768875d","id":"dc955a1d4768875d","kind":"CONSUMER","debug":true},)"
      R"({"traceId":"1","id":"2","kind":"SERVER","shared":true}])");
  auto decoded = ReadJsonV2List(json);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(Decode(Encode(*decoded)), json);
}

TEST(Proto3ReaderTest, EmptyInputs) {
  EXPECT_EQ(Decode(""), "[]");
  // A zero-length span makes Zipkin's readList return false: no spans at all.
  std::string valid = OneSpan("");
  EXPECT_EQ(Decode(valid), R"([{"traceId":"0000000000000001","id":"0000000000000002"}])");
  EXPECT_EQ(Decode(valid + std::string("\x0a\x00", 2)), "[]");
}

struct Case {
  const char* name;
  std::string body;
  std::string expected;  // JSON of the decoded spans, or "error: <message>"
  // Keeps gtest from printing the raw bytes (padding included) of the struct.
  friend void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }
};

class Proto3CaseTest : public ::testing::TestWithParam<Case> {};

TEST_P(Proto3CaseTest, MatchesZipkin) { EXPECT_EQ(Decode(GetParam().body), GetParam().expected); }

const std::string kIds = R"("traceId":"0000000000000001","id":"0000000000000002")";

INSTANTIATE_TEST_SUITE_P(
    Table, Proto3CaseTest,
    ::testing::Values(
        Case{"hello", "hello",
             "error: Truncated: length 101 > bytes available 3 reading List<Span> from proto3"},
        Case{"truncated_span", OneSpan("").substr(0, 10),
             "error: Truncated: length 20 > bytes available 8 reading List<Span> from proto3"},
        Case{"unknown_kind_ignored", OneSpan(ProtoWriter().Key(4, 0).Varint(9).str()),
             "[{" + kIds + "}]"},
        Case{"negative_kind", OneSpan(ProtoWriter().Key(4, 0).Varint(0xFFFFFFFF).str()),
             "error: Index -2 out of bounds for length 4 reading List<Span> from proto3"},
        Case{"unknown_fields_skipped",
             OneSpan(ProtoWriter()
                         .Key(15, 0)
                         .Varint(300)
                         .Fixed64(16, 7)
                         .Bytes(17, "xyz")
                         .Key(18, 5)
                         .Raw("abcd")
                         .str()),
             "[{" + kIds + "}]"},
        Case{"annotation_without_value_dropped",
             OneSpan(ProtoWriter()
                         .Bytes(10, ProtoWriter().Fixed64(1, 5).str())
                         .Bytes(10, ProtoWriter().Bytes(2, "no-timestamp").str())
                         .Bytes(10, ProtoWriter().Fixed64(1, 6).Bytes(2, "kept").str())
                         .str()),
             "[{" + kIds + R"(,"annotations":[{"timestamp":6,"value":"kept"}]})" + "]"},
        Case{"tag_without_key_dropped_empty_value_kept",
             OneSpan(ProtoWriter()
                         .Bytes(11, ProtoWriter().Bytes(2, "v").str())
                         .Bytes(11, ProtoWriter().Bytes(1, "error").str())
                         .str()),
             "[{" + kIds + R"(,"tags":{"error":""}})" + "]"},
        Case{"ipv4_mapped_bytes_stay_ipv6",
             OneSpan(ProtoWriter()
                         .Bytes(8, ProtoWriter()
                                       .Bytes(3, std::string(
                                                     "\0\0\0\0\0\0\0\0\0\0\xff\xff\x01\x02\x03\x04",
                                                     16))
                                       .str())
                         .str()),
             "[{" + kIds + R"(,"localEndpoint":{"ipv6":"::ffff:102:304"}})" + "]"},
        Case{
            "ipv4_compatible_bytes_become_ipv4",
            OneSpan(ProtoWriter()
                        .Bytes(9, ProtoWriter()
                                      .Bytes(3, std::string(
                                                    "\0\0\0\0\0\0\0\0\0\0\0\0\x0a\x00\x00\x07", 16))
                                      .str())
                        .str()),
            "[{" + kIds + R"(,"remoteEndpoint":{"ipv4":"10.0.0.7"}})" + "]"},
        Case{"odd_ip_length_ignored",
             OneSpan(
                 ProtoWriter().Bytes(8, ProtoWriter().Bytes(2, "abc").Bytes(1, "svc").str()).str()),
             "[{" + kIds + R"(,"localEndpoint":{"serviceName":"svc"}})" + "]"},
        Case{"port_too_big",
             OneSpan(ProtoWriter().Bytes(8, ProtoWriter().Key(4, 0).Varint(65536).str()).str()),
             "error: invalid port 65536 reading List<Span> from proto3"},
        Case{"ill_formed_utf8_repaired",
             OneSpan(ProtoWriter()
                         .Bytes(5,
                                "a\xff"
                                "b")
                         .str()),
             "[{" + kIds +
                 ",\"name\":\"a\xEF\xBF\xBD"
                 "b\"}]"},
        Case{"invalid_wire_type", OneSpan(ProtoWriter().Key(20, 3).str()),
             "error: Malformed reading List<Span> from proto3"},
        Case{"invalid_boolean", OneSpan(ProtoWriter().Key(12, 0).Varint(2).str()),
             "error: Malformed reading List<Span> from proto3"},
        Case{"varint_over_32_bits",
             OneSpan(ProtoWriter().Key(4, 0).Raw("\xff\xff\xff\xff\x7f").str()),
             "error: Greater than 32-bit varint at position 27 reading List<Span> from proto3"},
        Case{"hex_field_too_long", OneSpan(ProtoWriter().Bytes(3, std::string(33, '\x01')).str()),
             "error: hex field greater than 32 chars long: 33 reading List<Span> from proto3"},
        Case{"id_too_long", OneSpan(ProtoWriter().Bytes(3, std::string(9, '\x01')).str()),
             "error: id.length > 16 reading List<Span> from proto3"},
        Case{"empty_trace_id", ProtoWriter().Bytes(1, ProtoWriter().Bytes(1, "").str()).str(),
             "error: traceId == null reading List<Span> from proto3"},
        Case{"zero_trace_id",
             ProtoWriter().Bytes(1, ProtoWriter().Bytes(1, Id8(0)).Bytes(3, Id8(1)).str()).str(),
             "error: traceId is all zeros reading List<Span> from proto3"},
        Case{"missing_id", ProtoWriter().Bytes(1, ProtoWriter().Bytes(1, Id8(1)).str()).str(),
             "error: Missing : id reading List<Span> from proto3"},
        Case{"nested_field_past_its_message",
             OneSpan(ProtoWriter()
                         .Key(8, 2)
                         .Varint(3)
                         .Key(1, 2)
                         .Varint(10)
                         .Raw("x")
                         .Raw("more bytes")
                         .str()),
             "error: Truncated: length 10 > bytes available 1 reading List<Span> from proto3"}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.name); });

TEST(Proto3ReaderTest, MaxSpans) {
  DecodeOptions options;
  options.max_spans = 1;
  auto result = ReadProto3List(OneSpan("") + OneSpan(""), options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted);
}

TEST(Proto3ReaderTest, RandomAndTruncatedInputNeverCrash) {
  auto spans = ReadJsonV2List(
      R"([{"traceId":"7180c278b62e8f6a216a2aea45d08fc9","id":"5b4185666d50f68b","kind":"CLIENT","name":"get",)"
      R"("timestamp":1,"duration":2,"localEndpoint":{"serviceName":"a","ipv4":"1.2.3.4","port":1},)"
      R"("annotations":[{"timestamp":3,"value":"x"}],"tags":{"k":"v"}}])");
  ASSERT_TRUE(spans.ok());
  std::string valid = Encode(*spans);
  for (std::size_t cut = 0; cut < valid.size(); ++cut) {
    auto result = ReadProto3List(std::string_view(valid).substr(0, cut));
    (void)result;  // any answer but a crash
  }
  std::mt19937 rng(42);
  for (int round = 0; round < 2000; ++round) {
    std::string mutated = valid;
    for (int flips = 0; flips < 3; ++flips) {
      mutated[rng() % mutated.size()] = static_cast<char>(rng());
    }
    auto result = ReadProto3List(mutated);
    (void)result;
  }
}

}  // namespace
}  // namespace cairn::codec
