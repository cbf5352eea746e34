#include "lib/model/json_v2_writer.h"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "lib/model/sorted_tags.h"
#include "lib/model/test_spans.h"
#include "lib/model/utf8.h"

namespace cairn::model {
namespace {

using namespace cairn::model::testing;  // NOLINT: test span builders

// Encodes one span and checks JsonV2SizeBound predicted its size exactly.
std::string Encode(const SpanRecord& span) {
  std::string out;
  AppendJsonV2(span, out);
  EXPECT_EQ(out.size(), JsonV2SizeBound(span)) << out;
  return out;
}

// Expected outputs below are quoted from openzipkin/zipkin SpanBytesEncoderTest.java (JSON_V2
// cases), with the Java string escapes undone.

TEST(JsonV2WriterTest, ClientSpanMatchesZipkin) {
  // span_JSON_V2. Tags were added as http.path, clnt/finagle.version: written in key order.
  EXPECT_EQ(Encode(*ClientSpan()),
            R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","parentId":"6b221d5bc9e6496c",)"
            R"("id":"5b4185666d50f68b","kind":"CLIENT","name":"get","timestamp":1472470996199000,)"
            R"("duration":207000,"localEndpoint":{"serviceName":"frontend","ipv4":"127.0.0.1"},)"
            R"("remoteEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101","port":9000},)"
            R"("annotations":[{"timestamp":1472470996238000,"value":"foo"},)"
            R"({"timestamp":1472470996403000,"value":"bar"}],)"
            R"("tags":{"clnt/finagle.version":"6.45.0","http.path":"/api"}})");
}

TEST(JsonV2WriterTest, SixtyFourBitTraceIdMatchesZipkin) {
  // span_64bitTraceId_JSON_V2
  auto span = ClientSpan();
  span->trace_id.high = 0;
  EXPECT_EQ(
      Encode(*span),
      R"({"traceId":"216a2aea45d08fc9","parentId":"6b221d5bc9e6496c","id":"5b4185666d50f68b",)"
      R"("kind":"CLIENT","name":"get","timestamp":1472470996199000,"duration":207000,)"
      R"("localEndpoint":{"serviceName":"frontend","ipv4":"127.0.0.1"},)"
      R"("remoteEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101","port":9000},)"
      R"("annotations":[{"timestamp":1472470996238000,"value":"foo"},)"
      R"({"timestamp":1472470996403000,"value":"bar"}],)"
      R"("tags":{"clnt/finagle.version":"6.45.0","http.path":"/api"}})");
}

TEST(JsonV2WriterTest, SharedServerSpanMatchesZipkin) {
  // span_shared_JSON_V2
  auto span = ClientSpan();
  span->kind = SpanKind::kServer;
  span->shared = true;
  EXPECT_EQ(Encode(*span),
            R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","parentId":"6b221d5bc9e6496c",)"
            R"("id":"5b4185666d50f68b","kind":"SERVER","name":"get","timestamp":1472470996199000,)"
            R"("duration":207000,"localEndpoint":{"serviceName":"frontend","ipv4":"127.0.0.1"},)"
            R"("remoteEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101","port":9000},)"
            R"("annotations":[{"timestamp":1472470996238000,"value":"foo"},)"
            R"({"timestamp":1472470996403000,"value":"bar"}],)"
            R"("tags":{"clnt/finagle.version":"6.45.0","http.path":"/api"},"shared":true})");
}

TEST(JsonV2WriterTest, SpecialCharactersMatchZipkin) {
  // specialCharsInJson_JSON_V2
  EXPECT_EQ(Encode(*Utf8Span()),
            R"({"traceId":"0000000000000001","id":"0000000000000001","name":"\"\\\t\b\n\r\f",)"
            R"("annotations":[{"timestamp":1,"value":"\u2028 and \u2029"}],)"
            R"("tags":{"\"foo":"Database error: ORA-00942:\u2028 and \u2029 table or view )"
            R"(does not exist\n"}})");
}

TEST(JsonV2WriterTest, MinimumSpanMatchesZipkin) {
  // span_minimum_JSON_V2
  EXPECT_EQ(Encode(*MinimumSpan()),
            R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","id":"5b4185666d50f68b"})");
}

TEST(JsonV2WriterTest, MissingServiceNamesMatchZipkin) {
  // span_noLocalServiceName_JSON_V2 and span_noRemoteServiceName_JSON_V2
  auto span = ClientSpan();
  span->local_endpoint.service_name = {};
  EXPECT_EQ(Encode(*span),
            R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","parentId":"6b221d5bc9e6496c",)"
            R"("id":"5b4185666d50f68b","kind":"CLIENT","name":"get","timestamp":1472470996199000,)"
            R"("duration":207000,"localEndpoint":{"ipv4":"127.0.0.1"},)"
            R"("remoteEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101","port":9000},)"
            R"("annotations":[{"timestamp":1472470996238000,"value":"foo"},)"
            R"({"timestamp":1472470996403000,"value":"bar"}],)"
            R"("tags":{"clnt/finagle.version":"6.45.0","http.path":"/api"}})");

  span = ClientSpan();
  span->remote_endpoint.service_name = {};
  EXPECT_EQ(Encode(*span),
            R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","parentId":"6b221d5bc9e6496c",)"
            R"("id":"5b4185666d50f68b","kind":"CLIENT","name":"get","timestamp":1472470996199000,)"
            R"("duration":207000,"localEndpoint":{"serviceName":"frontend","ipv4":"127.0.0.1"},)"
            R"("remoteEndpoint":{"ipv4":"192.168.99.101","port":9000},)"
            R"("annotations":[{"timestamp":1472470996238000,"value":"foo"},)"
            R"({"timestamp":1472470996403000,"value":"bar"}],)"
            R"("tags":{"clnt/finagle.version":"6.45.0","http.path":"/api"}})");
}

TEST(JsonV2WriterTest, RootServerSpanVariantsMatchZipkin) {
  // noAnnotations_rootServerSpan_JSON_V2, _incomplete and _shared
  EXPECT_EQ(Encode(*RootServerSpan()),
            R"({"traceId":"dc955a1d4768875d","id":"dc955a1d4768875d","kind":"SERVER",)"
            R"("name":"get","timestamp":1510256710021866,"duration":1117,)"
            R"("localEndpoint":{"serviceName":"isao01","ipv4":"10.23.14.72"},)"
            R"("tags":{"http.path":"/rs/A","location":"T67792","other":"A"}})");

  auto incomplete = RootServerSpan();
  incomplete->duration_us = 0;
  EXPECT_EQ(Encode(*incomplete),
            R"({"traceId":"dc955a1d4768875d","id":"dc955a1d4768875d","kind":"SERVER",)"
            R"("name":"get","timestamp":1510256710021866,)"
            R"("localEndpoint":{"serviceName":"isao01","ipv4":"10.23.14.72"},)"
            R"("tags":{"http.path":"/rs/A","location":"T67792","other":"A"}})");

  auto shared = RootServerSpan();
  shared->shared = true;
  EXPECT_EQ(Encode(*shared),
            R"({"traceId":"dc955a1d4768875d","id":"dc955a1d4768875d","kind":"SERVER",)"
            R"("name":"get","timestamp":1510256710021866,"duration":1117,)"
            R"("localEndpoint":{"serviceName":"isao01","ipv4":"10.23.14.72"},)"
            R"("tags":{"http.path":"/rs/A","location":"T67792","other":"A"},"shared":true})");
}

TEST(JsonV2WriterTest, LocalAndErrorSpansMatchZipkin) {
  // localSpan_JSON_V2 and errorSpan_JSON_V2 (an empty tag value is kept)
  EXPECT_EQ(Encode(*LocalSpan()),
            R"({"traceId":"dc955a1d4768875d","id":"dc955a1d4768875d","name":"encode",)"
            R"("timestamp":1510256710021866,"duration":1117,)"
            R"("localEndpoint":{"serviceName":"isao01","ipv4":"10.23.14.72"}})");
  EXPECT_EQ(Encode(*ErrorSpan()),
            R"({"traceId":"dc955a1d4768875d","id":"dc955a1d4768875d","kind":"CLIENT",)"
            R"("localEndpoint":{"serviceName":"isao01"},"tags":{"error":""}})");
}

TEST(JsonV2WriterTest, ApiYamlExampleInZipkinFieldOrder) {
  // zipkin2-api.yaml definitions/Span/example, compacted and in V2SpanWriter's field order.
  EXPECT_EQ(Encode(*ApiExampleSpan()),
            R"({"traceId":"5af7183fb1d4cf5f","parentId":"6b221d5bc9e6496c",)"
            R"("id":"352bff9a74ca9ad2","kind":"SERVER","name":"get /api",)"
            R"("timestamp":1556604172355737,"duration":1431,)"
            R"("localEndpoint":{"serviceName":"backend","ipv4":"192.168.99.1","port":3306},)"
            R"("remoteEndpoint":{"ipv4":"172.19.0.2","port":58648},)"
            R"("tags":{"http.method":"GET","http.path":"/api"}})");
}

TEST(JsonV2WriterTest, NonAsciiAndIpv6PassThrough) {
  // The last span of TestObjects.TRACE: an IPv6 endpoint, a CJK annotation and an emoji tag,
  // which Zipkin writes as raw UTF-8.
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = Trace("7180c278b62e8f6a216a2aea45d08fc9");
  span->parent_id = Id("2");
  span->id = Id("3");
  span->SetName("query");
  span->kind = SpanKind::kClient;
  span->SetLocalEndpoint(kBackend);
  span->SetRemoteEndpoint(kDb);
  span->timestamp_us = 1700000000150000;
  span->duration_us = 50000;
  span->AddAnnotation(1700000000190000, "\u2ee9");
  span->SetTag("error", "\U0001F4A9");
  EXPECT_EQ(Encode(*span),
            R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","parentId":"0000000000000002",)"
            R"("id":"0000000000000003","kind":"CLIENT","name":"query",)"
            R"("timestamp":1700000000150000,"duration":50000,)"
            R"("localEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101","port":9000},)"
            R"("remoteEndpoint":{"serviceName":"db","ipv6":"2001:db8::c001","port":3036},)"
            R"("annotations":[{"timestamp":1700000000190000,"value":"⻩"}],)"
            R"("tags":{"error":"💩"}})");
}

TEST(JsonV2WriterTest, DebugIsWrittenBeforeShared) {
  auto span = MinimumSpan();
  span->debug = true;
  span->shared = true;
  EXPECT_EQ(Encode(*span),
            R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","id":"5b4185666d50f68b",)"
            R"("debug":true,"shared":true})");
}

TEST(JsonV2WriterTest, OmitsNonPositiveTimesAndEmptyEndpoints) {
  auto span = MinimumSpan();
  span->timestamp_us = -5;
  span->duration_us = -1;
  span->local_endpoint = {};
  span->remote_endpoint.port = 0;
  EXPECT_EQ(Encode(*span),
            R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","id":"5b4185666d50f68b"})");
}

TEST(JsonV2WriterTest, EndpointWithOnlyAPortOrIpv6) {
  auto span = MinimumSpan();
  span->local_endpoint.port = 65535;
  span->remote_endpoint.ipv6 = "::1";
  EXPECT_EQ(Encode(*span),
            R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","id":"5b4185666d50f68b",)"
            R"("localEndpoint":{"port":65535},"remoteEndpoint":{"ipv6":"::1"}})");
}

TEST(JsonV2WriterTest, EveryKindName) {
  const std::pair<SpanKind, std::string_view> kinds[] = {{SpanKind::kClient, "CLIENT"},
                                                         {SpanKind::kServer, "SERVER"},
                                                         {SpanKind::kProducer, "PRODUCER"},
                                                         {SpanKind::kConsumer, "CONSUMER"}};
  for (const auto& [kind, name] : kinds) {
    auto span = MinimumSpan();
    span->kind = kind;
    EXPECT_EQ(Encode(*span), std::string(R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9",)") +
                                 R"("id":"5b4185666d50f68b","kind":")" + std::string(name) +
                                 R"("})");
  }
  EXPECT_EQ(JsonV2KindName(SpanKind::kUnspecified), "");
}

TEST(JsonV2WriterTest, AnnotationsKeepRecordOrderAndNegativeValues) {
  auto span = MinimumSpan();
  span->AddAnnotation(20, "b");
  span->AddAnnotation(10, "a");
  span->AddAnnotation(-3, "");
  EXPECT_EQ(Encode(*span),
            R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","id":"5b4185666d50f68b",)"
            R"("annotations":[{"timestamp":20,"value":"b"},{"timestamp":10,"value":"a"},)"
            R"({"timestamp":-3,"value":""}]})");
}

TEST(JsonV2WriterTest, ManyUnsortedTagsAreSortedWithoutLosingAny) {
  // More tags than SortedTags sorts inline, in reverse order.
  auto span = MinimumSpan();
  for (int i = 49; i >= 0; --i) {
    char key[8];
    std::snprintf(key, sizeof key, "k%02d", i);
    span->SetTag(key, std::to_string(i));
  }
  const std::string json = Encode(*span);
  std::string expected_tags = R"("tags":{)";
  for (int i = 0; i < 50; ++i) {
    char entry[32];
    std::snprintf(entry, sizeof entry, R"(%s"k%02d":"%d")", i == 0 ? "" : ",", i, i);
    expected_tags += entry;
  }
  expected_tags += "}}";
  EXPECT_TRUE(json.ends_with(expected_tags)) << json;
}

TEST(JsonV2WriterTest, SortedTagsOrdersBytewiseAndKeepsTiesInRecordOrder) {
  const trace::TagView tags[] = {{"b", "1"}, {"\xc3\xa9", "2"}, {"a", "3"}, {"b", "4"}, {"B", "5"}};
  const SortedTags sorted(tags);
  ASSERT_EQ(sorted.size(), 5u);
  EXPECT_EQ(sorted[0].value, "5");  // "B" (0x42)
  EXPECT_EQ(sorted[1].value, "3");  // "a"
  EXPECT_EQ(sorted[2].value, "1");  // first "b"
  EXPECT_EQ(sorted[3].value, "4");  // second "b"
  EXPECT_EQ(sorted[4].value, "2");  // U+00E9 sorts after ASCII, as in Java
}

TEST(JsonV2WriterTest, IllFormedUtf8IsReplacedAndControlCharactersEscaped) {
  auto span = MinimumSpan();
  span->name =
      "a\xff"
      "b\x01\x1f\x7f";
  span->local_endpoint.service_name = "svc\xe2\x82";  // truncated sequence at the end
  span->local_endpoint.ipv4 = "1.2.3.4\"";            // garbage IP text is still escaped
  EXPECT_EQ(Encode(*span),
            "{\"traceId\":\"7180c278b62e8f6a216a2aea45d08fc9\",\"id\":\"5b4185666d50f68b\","
            "\"name\":\"a\xef\xbf\xbd"
            "b\\u0001\\u001f\x7f\","
            "\"localEndpoint\":{\"serviceName\":\"svc\xef\xbf\xbd\",\"ipv4\":\"1.2.3.4\\\"\"}}");
}

TEST(JsonV2WriterTest, LargeStringsAreWrittenWhole) {
  // Past AppendJsonV2's loose-bound limit it sizes `out` exactly; the result must not change.
  auto span = MinimumSpan();
  const std::string value(40000, 'v');
  const std::string escaped_name = std::string(10000, '\n');
  span->SetTag("big", value);
  span->SetName(escaped_name);
  const std::string json = Encode(*span);
  EXPECT_EQ(
      json, R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","id":"5b4185666d50f68b",)"
            R"("name":")" +
                [] {
                  std::string out;
                  for (int i = 0; i < 10000; ++i) out += "\\n";
                  return out;
                }() +
                R"(","tags":{"big":")" + value + R"("}})");
}

TEST(JsonV2WriterTest, AppendKeepsExistingContent) {
  std::string out = "prefix";
  AppendJsonV2(*MinimumSpan(), out);
  EXPECT_EQ(out, R"(prefix{"traceId":"7180c278b62e8f6a216a2aea45d08fc9","id":"5b4185666d50f68b"})");
}

TEST(JsonV2WriterTest, ListsAreArrays) {
  const auto a = MinimumSpan();
  const auto b = LocalSpan();
  std::string out;
  AppendJsonV2List({}, out);
  EXPECT_EQ(out, "[]");

  out.clear();
  const SpanRecord* one[] = {a.get()};
  AppendJsonV2List(one, out);
  EXPECT_EQ(out, "[" + Encode(*a) + "]");
  EXPECT_EQ(out.size(), JsonV2SizeBound(*a) + 2);

  out.clear();
  const SpanRecord* two[] = {a.get(), b.get()};
  AppendJsonV2List(two, out);
  EXPECT_EQ(out, "[" + Encode(*a) + "," + Encode(*b) + "]");
  EXPECT_EQ(out.size(), JsonV2SizeBound(*a) + JsonV2SizeBound(*b) + 3);
}

// Random records with arbitrary bytes in every string: the output must always be valid JSON
// (Boost.JSON rejects ill-formed UTF-8), carry every value back (strings as repaired UTF-8), and be
// exactly as long as JsonV2SizeBound said.
TEST(JsonV2WriterTest, RandomRecordsAlwaysEncodeToValidJson) {
  std::mt19937_64 rng(20240611);
  auto random_text = [&rng]() {
    static constexpr std::string_view kPieces[] = {"a",
                                                   "Z",
                                                   "0",
                                                   " ",
                                                   "\"",
                                                   "\\",
                                                   "/",
                                                   "\n",
                                                   "\x01",
                                                   "\x7f",
                                                   "\xc3\xa9",
                                                   "\xe2\x80\xa8",
                                                   "\xe2\x80\xa9",
                                                   "\xf0\x9f\x92\xa9",
                                                   "\xff",
                                                   "\x80",
                                                   "\xed\xa0\x80",
                                                   "\xe2\x82",
                                                   "abcdefgh"};
    std::string text;
    const int pieces = static_cast<int>(rng() % 24);
    for (int i = 0; i < pieces; ++i) text += kPieces[rng() % std::size(kPieces)];
    return text;
  };
  auto repaired = [](std::string_view text) {
    std::string out;
    AppendUtf8Repaired(text, out);
    return out;
  };
  for (int iteration = 0; iteration < 500; ++iteration) {
    std::vector<std::string> texts;  // owns what the record's views point at
    texts.reserve(64);
    auto keep = [&texts](std::string text) -> std::string_view {
      return texts.emplace_back(std::move(text));
    };
    SpanRecord span;
    span.trace_id = {rng() % 2 == 0 ? 0 : rng(), rng() | 1};
    span.parent_id = rng() % 2 == 0 ? 0 : rng();
    span.id = rng();
    span.kind = static_cast<SpanKind>(rng() % 5);
    span.name = keep(random_text());
    span.timestamp_us = static_cast<std::int64_t>(rng() >> 1) * (rng() % 2 == 0 ? 1 : -1);
    span.duration_us = static_cast<std::int64_t>(rng() % 100000);
    span.local_endpoint = {
        keep(random_text()), keep(random_text()), {}, static_cast<std::uint16_t>(rng())};
    span.remote_endpoint = {{}, {}, keep(random_text()), 0};
    span.debug = rng() % 2 == 0;
    span.shared = rng() % 2 == 0;
    const int annotations = static_cast<int>(rng() % 4);
    for (int i = 0; i < annotations; ++i) {
      span.AddAnnotation(static_cast<std::int64_t>(rng() >> 8), random_text());
    }
    const int tags = static_cast<int>(rng() % 12);
    // The unique '#' suffix keeps keys distinct even after repair.
    for (int i = 0; i < tags; ++i)
      span.SetTag(random_text() + "#" + std::to_string(i), random_text());
    bool keys_valid = true;
    for (const trace::TagView& tag : span.tags()) keys_valid = keys_valid && IsValidUtf8(tag.key);

    const std::string json = Encode(span);
    boost::json::error_code error;
    const boost::json::value parsed = boost::json::parse(json, error);
    ASSERT_FALSE(error) << error.message() << " in " << json;
    const boost::json::object& object = parsed.as_object();
    EXPECT_EQ(object.at("id").as_string(), trace::Hex64(span.id));
    EXPECT_EQ(object.at("traceId").as_string(), span.trace_id.ToHex());
    if (!span.name.empty()) {
      EXPECT_EQ(object.at("name").as_string(), repaired(span.name));
    } else {
      EXPECT_FALSE(object.contains("name"));
    }
    EXPECT_EQ(object.contains("timestamp"), span.timestamp_us > 0);
    if (!span.local_endpoint.service_name.empty()) {
      EXPECT_EQ(object.at("localEndpoint").at("serviceName").as_string(),
                repaired(span.local_endpoint.service_name));
    }
    EXPECT_EQ(object.contains("debug"), span.debug);
    if (tags != 0) {
      const boost::json::object& json_tags = object.at("tags").as_object();
      EXPECT_EQ(json_tags.size(), span.tags().size());
      // Keys are sorted as recorded; repairing ill-formed keys can change their relative order.
      std::string previous;
      for (const auto& [key, value] : json_tags) {
        if (keys_valid) {
          EXPECT_LE(previous, std::string(key)) << "tags out of order in " << json;
        }
        previous = key;
      }
      for (const trace::TagView& tag : span.tags()) {
        const boost::json::value* value = json_tags.if_contains(repaired(tag.key));
        ASSERT_NE(value, nullptr) << json;
        EXPECT_EQ(value->as_string(), repaired(tag.value));
      }
    }
    const auto json_annotations = object.if_contains("annotations");
    ASSERT_EQ(json_annotations != nullptr, annotations != 0);
    if (json_annotations != nullptr) {
      const boost::json::array& array = json_annotations->as_array();
      ASSERT_EQ(array.size(), span.annotations().size());
      for (std::size_t i = 0; i < array.size(); ++i) {
        EXPECT_EQ(array[i].at("timestamp").as_int64(), span.annotations()[i].timestamp_us);
        EXPECT_EQ(array[i].at("value").as_string(), repaired(span.annotations()[i].value));
      }
    }
  }
}

}  // namespace
}  // namespace cairn::model
