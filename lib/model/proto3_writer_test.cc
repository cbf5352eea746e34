#include "lib/model/proto3_writer.h"

#include <arpa/inet.h>
#include <google/protobuf/io/coded_stream.h>
#include <google/protobuf/io/zero_copy_stream_impl_lite.h>
#include <google/protobuf/util/message_differencer.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <limits>
#include <random>
#include <string>
#include <vector>

#include "lib/model/test_spans.h"
#include "lib/model/utf8.h"
#include "zipkin.pb.h"

namespace cairn::model {
namespace {

using namespace cairn::model::testing;  // NOLINT: test span builders
using google::protobuf::util::MessageDifferencer;

std::string Repaired(std::string_view text) {
  std::string out;
  AppendUtf8Repaired(text, out);
  return out;
}

std::string BigEndian(std::uint64_t value) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8) out += static_cast<char>(value >> shift);
  return out;
}

zipkin::proto3::Endpoint EndpointToProto(const trace::EndpointView& view) {
  zipkin::proto3::Endpoint endpoint;
  endpoint.set_service_name(Repaired(view.service_name));
  unsigned char bytes[16];
  // Text with a NUL inside is no address (c_str() would cut it short).
  const auto parses = [&bytes](int family, std::string_view text) {
    return text.find('\0') == std::string_view::npos &&
           inet_pton(family, std::string(text).c_str(), bytes) == 1;
  };
  if (parses(AF_INET, view.ipv4)) {
    endpoint.set_ipv4(std::string(reinterpret_cast<char*>(bytes), 4));
  }
  if (parses(AF_INET6, view.ipv6)) {
    endpoint.set_ipv6(std::string(reinterpret_cast<char*>(bytes), 16));
  }
  endpoint.set_port(view.port);
  return endpoint;
}

// The same record built with libprotobuf's generated classes, by the rules proto3_writer.h states.
zipkin::proto3::Span ToProto(const SpanRecord& record) {
  zipkin::proto3::Span span;
  span.set_trace_id((record.trace_id.high != 0 ? BigEndian(record.trace_id.high) : "") +
                    BigEndian(record.trace_id.low));
  if (record.parent_id != 0) span.set_parent_id(BigEndian(record.parent_id));
  span.set_id(BigEndian(record.id));
  span.set_kind(static_cast<zipkin::proto3::Span::Kind>(record.kind));
  span.set_name(Repaired(record.name));
  if (record.timestamp_us > 0) span.set_timestamp(static_cast<std::uint64_t>(record.timestamp_us));
  if (record.duration_us > 0) span.set_duration(static_cast<std::uint64_t>(record.duration_us));
  if (auto local = EndpointToProto(record.local_endpoint); local.ByteSizeLong() != 0) {
    *span.mutable_local_endpoint() = local;
  }
  if (auto remote = EndpointToProto(record.remote_endpoint); remote.ByteSizeLong() != 0) {
    *span.mutable_remote_endpoint() = remote;
  }
  for (const trace::AnnotationView& view : record.annotations()) {
    zipkin::proto3::Annotation* annotation = span.add_annotations();
    annotation->set_timestamp(static_cast<std::uint64_t>(view.timestamp_us));
    annotation->set_value(Repaired(view.value));
  }
  for (const trace::TagView& tag : record.tags()) {
    (*span.mutable_tags())[Repaired(tag.key)] = Repaired(tag.value);
  }
  span.set_debug(record.debug);
  span.set_shared(record.shared);
  return span;
}

// libprotobuf's deterministic serialisation: fields by number, map entries sorted by key.
std::string Deterministic(const google::protobuf::Message& message) {
  std::string out;
  {
    google::protobuf::io::StringOutputStream stream(&out);
    google::protobuf::io::CodedOutputStream coded(&stream);
    coded.SetSerializationDeterministic(true);
    EXPECT_TRUE(message.SerializeToCodedStream(&coded));
  }
  return out;
}

std::string EncodeList(std::initializer_list<const SpanRecord*> spans) {
  std::string out;
  AppendProto3List(std::vector<const SpanRecord*>(spans), out);
  std::size_t expected_size = 0;
  for (const SpanRecord* span : spans) expected_size += Proto3ListEntrySize(*span);
  EXPECT_EQ(out.size(), expected_size);
  return out;
}

// Hex dumps make byte mismatches readable in failure messages.
std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  for (unsigned char c : bytes) {
    out += kDigits[c >> 4];
    out += kDigits[c & 15];
  }
  return out;
}

// Checks one record three ways: byte-exact against libprotobuf, parsed back by libprotobuf into
// the same message, and AppendProto3Span agreeing with the list form and the size functions.
void ExpectMatchesLibprotobuf(const SpanRecord& record) {
  zipkin::proto3::ListOfSpans expected;
  *expected.add_spans() = ToProto(record);
  const std::string ours = EncodeList({&record});
  EXPECT_EQ(Hex(ours), Hex(Deterministic(expected)));

  zipkin::proto3::ListOfSpans parsed;
  ASSERT_TRUE(parsed.ParseFromString(ours));
  EXPECT_TRUE(MessageDifferencer::Equals(parsed, expected)) << parsed.DebugString() << "\nvs\n"
                                                            << expected.DebugString();

  std::string bare;
  AppendProto3Span(record, bare);
  EXPECT_EQ(bare.size(), Proto3SpanSize(record));
  EXPECT_TRUE(ours.ends_with(bare));
}

TEST(Proto3WriterTest, ZipkinTestSpansMatchLibprotobuf) {
  ExpectMatchesLibprotobuf(*ClientSpan());
  ExpectMatchesLibprotobuf(*Utf8Span());
  ExpectMatchesLibprotobuf(*RootServerSpan());
  ExpectMatchesLibprotobuf(*LocalSpan());
  ExpectMatchesLibprotobuf(*ErrorSpan());
  ExpectMatchesLibprotobuf(*MinimumSpan());
  ExpectMatchesLibprotobuf(*ApiExampleSpan());
}

// Sizes asserted by openzipkin/zipkin SpanBytesEncoderTest (*_PROTO3 cases): Zipkin's encode()
// writes a ListOfSpans of one span.
TEST(Proto3WriterTest, SizesMatchZipkinEncoderTest) {
  EXPECT_EQ(EncodeList({ClientSpan().get()}).size(), 182u);  // span_PROTO3
  EXPECT_EQ(EncodeList({LocalSpan().get()}).size(), 58u);    // localSpan_PROTO3
  EXPECT_EQ(EncodeList({ErrorSpan().get()}).size(), 45u);    // errorSpan_PROTO3
  EXPECT_EQ(EncodeList({Utf8Span().get()}).size(), 133u);    // specialCharsInJson_PROTO3
  EXPECT_EQ(EncodeList({MinimumSpan().get()}).size(), 30u);  // span_minimum_PROTO3
  auto span = ClientSpan();
  span->trace_id.high = 0;
  EXPECT_EQ(EncodeList({span.get()}).size(), 174u);  // span_64bitTraceId_PROTO3
  span = ClientSpan();
  span->kind = SpanKind::kServer;
  span->shared = true;
  EXPECT_EQ(EncodeList({span.get()}).size(), 184u);  // span_shared_PROTO3
  span = ClientSpan();
  span->local_endpoint.service_name = {};
  EXPECT_EQ(EncodeList({span.get()}).size(), 172u);  // span_noLocalServiceName_PROTO3
  span = ClientSpan();
  span->remote_endpoint.service_name = {};
  EXPECT_EQ(EncodeList({span.get()}).size(), 173u);  // span_noRemoteServiceName_PROTO3
  span = RootServerSpan();
  EXPECT_EQ(EncodeList({span.get()}).size(), 109u);  // noAnnotations_rootServerSpan_PROTO3
  span->duration_us = 0;
  EXPECT_EQ(EncodeList({span.get()}).size(), 106u);  // ..._PROTO3_incomplete
  span = RootServerSpan();
  span->shared = true;
  EXPECT_EQ(EncodeList({span.get()}).size(), 111u);  // ..._PROTO3_shared
}

// Proto3ZipkinFieldsTest span_write_writesIds and span_write_kind: trace id 1, span id 2.
TEST(Proto3WriterTest, IdsAndKindBytesMatchZipkinFieldsTest) {
  SpanRecord span;
  span.trace_id = {0, 1};
  span.id = 2;
  EXPECT_EQ(Hex(EncodeList({&span})),
            "0a14"                    // ListOfSpans.spans, 20 bytes
            "0a080000000000000001"    // trace_id, 8 bytes
            "1a080000000000000002");  // id, 8 bytes
  span.kind = SpanKind::kProducer;
  EXPECT_EQ(Hex(EncodeList({&span})).substr(44), "2003");  // kind = 3 at index 22
}

TEST(Proto3WriterTest, DebugAndSharedAreTheLastFields) {
  auto span = ClientSpan();
  span->debug = true;
  EXPECT_TRUE(EncodeList({span.get()}).ends_with("\x60\x01"));
  span->debug = false;
  span->kind = SpanKind::kServer;
  span->shared = true;
  EXPECT_TRUE(EncodeList({span.get()}).ends_with("\x68\x01"));
  span->debug = true;
  ExpectMatchesLibprotobuf(*span);
}

TEST(Proto3WriterTest, EmptyTagValueAndKeyAreKept) {
  // ERROR_SPAN's tag "error" -> "": the entry carries key and value, as Zipkin writes it.
  const std::string bytes = EncodeList({ErrorSpan().get()});
  EXPECT_NE(bytes.find(std::string("\x5a\x09\x0a\x05"
                                   "error\x12\x00",
                                   11)),
            std::string::npos)
      << Hex(bytes);
  auto span = MinimumSpan();
  span->SetTag("", "");
  ExpectMatchesLibprotobuf(*span);
}

TEST(Proto3WriterTest, AddressesAreParsedAndBadOnesDropped) {
  auto span = MinimumSpan();
  span->SetLocalEndpoint({"svc", "10.0.0.1", "2001:db8::c001", 8080});
  span->SetRemoteEndpoint({"", "not-an-ip", "::ffff:192.0.2.1", 0});
  ExpectMatchesLibprotobuf(*span);
  const std::string bytes = EncodeList({span.get()});
  EXPECT_NE(bytes.find("\x12\x04\x0a\x00\x00\x01", 0, 6), std::string::npos) << Hex(bytes);

  span->remote_endpoint.ipv6 = std::string_view("::1\0x", 5);  // a NUL inside is no address
  ExpectMatchesLibprotobuf(*span);

  // An endpoint whose only field does not parse is omitted entirely.
  span = MinimumSpan();
  span->SetRemoteEndpoint({"", "300.1.1.1", "", 0});
  span->SetLocalEndpoint({"", "", "fe80::1%eth0", 0});
  EXPECT_EQ(EncodeList({span.get()}), EncodeList({MinimumSpan().get()}));
  ExpectMatchesLibprotobuf(*span);
}

// The IPv4 parser is hand-written; the expected side of ExpectMatchesLibprotobuf uses inet_pton.
TEST(Proto3WriterTest, Ipv4ParsingIsAsStrictAsInetPton) {
  const std::string_view texts[] = {
      "0.0.0.0",    "255.255.255.255", "192.168.99.101", "1.2.3",
      "1.2.3.4.5",  "01.2.3.4",        "1.2.3.00",       "1.2.3.4.",
      ".1.2.3.4",   "1..2.3",          "256.0.0.1",      "1.2.3.256",
      "1.2.3.1000", "1.2.3.-1",        "1.2.3.4 ",       "1.2.3.4/8",
      "0x1.2.3.4",  "1.2.3.a",         "127.1",          "4294967295",
      "::1",        "999.999.999.999", "0.0.0.09",       std::string_view("1.2.3.4\0", 8)};
  for (std::string_view text : texts) {
    SCOPED_TRACE(text);
    auto span = MinimumSpan();
    span->local_endpoint.ipv4 = text;
    span->local_endpoint.port = 1;  // keeps the endpoint present either way
    ExpectMatchesLibprotobuf(*span);
  }
}

TEST(Proto3WriterTest, AnnotationsWithZeroOrEmptyPartsAndNegativeTimes) {
  auto span = MinimumSpan();
  span->AddAnnotation(0, "");
  span->AddAnnotation(0, "value only");
  span->AddAnnotation(-1, "");
  span->timestamp_us = -10;
  span->duration_us = 0;
  ExpectMatchesLibprotobuf(*span);
}

TEST(Proto3WriterTest, LargeValuesUseLongVarints) {
  auto span = ClientSpan();
  span->duration_us = std::numeric_limits<std::int64_t>::max();
  span->local_endpoint.port = 65535;
  span->SetName(std::string(300, 'n'));          // two-byte length prefix
  span->SetTag("big", std::string(20000, 'v'));  // three-byte length prefixes, nested
  ExpectMatchesLibprotobuf(*span);
}

TEST(Proto3WriterTest, IllFormedUtf8IsRepairedSoLibprotobufAcceptsIt) {
  auto span = MinimumSpan();
  span->SetName("bad\xff");
  span->SetLocalServiceName("\xe2\x82");
  span->AddAnnotation(5, "\xed\xa0\x80");
  span->SetTag("k\x80", "v\xc0");
  ExpectMatchesLibprotobuf(*span);
  zipkin::proto3::ListOfSpans parsed;
  ASSERT_TRUE(parsed.ParseFromString(EncodeList({span.get()})));
  EXPECT_EQ(parsed.spans(0).name(), "bad\xef\xbf\xbd");
}

TEST(Proto3WriterTest, ListsConcatenateAndEmptyListIsEmpty) {
  EXPECT_EQ(EncodeList({}), "");
  const auto a = ClientSpan();
  const auto b = RootServerSpan();
  const std::string both = EncodeList({a.get(), b.get()});
  EXPECT_EQ(both, EncodeList({a.get()}) + EncodeList({b.get()}));
  zipkin::proto3::ListOfSpans parsed;
  ASSERT_TRUE(parsed.ParseFromString(both));
  ASSERT_EQ(parsed.spans_size(), 2);
  EXPECT_TRUE(MessageDifferencer::Equals(parsed.spans(1), ToProto(*b)));

  std::string out = "keep";
  AppendProto3Span(*a, out);
  EXPECT_TRUE(out.starts_with("keep"));
}

// Random records, arbitrary bytes in strings: byte-exact against libprotobuf whenever tag order
// is well defined (repairing ill-formed keys can reorder them), parse-equal always.
TEST(Proto3WriterTest, RandomRecordsMatchLibprotobuf) {
  std::mt19937_64 rng(99);
  auto random_text = [&rng]() {
    static constexpr std::string_view kPieces[] = {"a",
                                                   "Z",
                                                   "0",
                                                   " ",
                                                   "\"",
                                                   "\n",
                                                   "\xc3\xa9",
                                                   "\xe2\x80\xa8",
                                                   "\xf0\x9f\x92\xa9",
                                                   "\xff",
                                                   "\x80",
                                                   "\xe2\x82",
                                                   "abcdefgh",
                                                   "10.1.2.3",
                                                   "::1"};
    std::string text;
    const int pieces = static_cast<int>(rng() % 10);
    for (int i = 0; i < pieces; ++i) text += kPieces[rng() % std::size(kPieces)];
    return text;
  };
  static constexpr std::string_view kAddresses[] = {
      "",         "127.0.0.1",      "255.255.255.255", "0.0.0.0",  "1.2.3",     "01.2.3.4",
      "1.2.3.4.", "256.1.1.1",      "1..2.3",          " 1.2.3.4", "1.2.3.4.5", "::1",
      "x",        "2001:db8::c001", "::ffff:1.2.3.4",  "1.2.3.04", "10.0.0.255"};
  for (int iteration = 0; iteration < 300; ++iteration) {
    SpanRecord span;
    span.trace_id = {rng() % 2 == 0 ? 0 : rng(), rng() | 1};
    span.parent_id = rng() % 2 == 0 ? 0 : rng();
    span.id = rng();
    span.kind = static_cast<SpanKind>(rng() % 5);
    span.SetName(random_text());
    span.timestamp_us = static_cast<std::int64_t>(rng() >> 1) * (rng() % 4 == 0 ? -1 : 1);
    span.duration_us = static_cast<std::int64_t>(rng() >> (rng() % 64));
    span.SetLocalEndpoint({random_text(), kAddresses[rng() % std::size(kAddresses)],
                           kAddresses[rng() % std::size(kAddresses)],
                           static_cast<std::uint16_t>(rng() % 3 == 0 ? 0 : rng())});
    span.SetRemoteEndpoint({random_text(), kAddresses[rng() % std::size(kAddresses)], "", 0});
    span.debug = rng() % 2 == 0;
    span.shared = rng() % 2 == 0;
    const int annotations = static_cast<int>(rng() % 6);
    for (int i = 0; i < annotations; ++i) {
      span.AddAnnotation(static_cast<std::int64_t>(rng() >> (rng() % 64)), random_text());
    }
    const int tags = static_cast<int>(rng() % 12);
    bool keys_valid = true;
    for (int i = 0; i < tags; ++i) {
      const std::string key = random_text() + "#" + std::to_string(i);  // distinct once repaired
      keys_valid = keys_valid && IsValidUtf8(key);
      span.SetTag(key, random_text());
    }
    if (keys_valid) {
      ExpectMatchesLibprotobuf(span);
    } else {
      zipkin::proto3::ListOfSpans parsed;
      ASSERT_TRUE(parsed.ParseFromString(EncodeList({&span})));
      ASSERT_EQ(parsed.spans_size(), 1);
      EXPECT_TRUE(MessageDifferencer::Equals(parsed.spans(0), ToProto(span)));
    }
  }
}

}  // namespace
}  // namespace cairn::model
