#include "lib/codec/json_v2_reader.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "lib/codec/codec_test_util.h"

namespace cairn::codec {
namespace {

using testing::Json;

constexpr char kSpan[] =
    R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","parentId":"6b221d5bc9e6496c",)"
    R"("id":"5b4185666d50f68b","kind":"CLIENT","name":"get","timestamp":1472470996199000,)"
    R"("duration":207000,"localEndpoint":{"serviceName":"frontend","ipv4":"127.0.0.1"},)"
    R"("remoteEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101","port":9000},)"
    R"("annotations":[{"timestamp":1472470996238000,"value":"foo"},)"
    R"({"timestamp":1472470996403000,"value":"bar"}],)"
    R"("tags":{"clnt/finagle.version":"6.45.0","http.path":"/api"}})";

// Decodes and re-encodes: the JSON the server would store and return.
std::string RoundTrip(std::string_view body) {
  auto spans = ReadJsonV2List(body);
  if (!spans.ok()) return "error: " + spans.status().message();
  return Json(*spans);
}

std::string Error(std::string_view body) {
  auto spans = ReadJsonV2List(body);
  if (spans.ok()) return "no error: " + Json(*spans);
  EXPECT_EQ(spans.status().code(), StatusCode::kInvalidArgument);
  return spans.status().message();
}

TEST(JsonV2ReaderTest, DecodesEveryField) {
  std::string body = std::string("[") + kSpan + "]";
  auto spans = ReadJsonV2List(body);
  ASSERT_TRUE(spans.ok()) << spans.status().message();
  ASSERT_EQ(spans->size(), 1u);
  const trace::SpanRecord& span = *(*spans)[0];
  EXPECT_EQ(span.trace_id.ToHex(), "7180c278b62e8f6a216a2aea45d08fc9");
  EXPECT_EQ(span.parent_id, 0x6b221d5bc9e6496cu);
  EXPECT_EQ(span.id, 0x5b4185666d50f68bu);
  EXPECT_EQ(span.kind, trace::SpanKind::kClient);
  EXPECT_EQ(span.name, "get");
  EXPECT_EQ(span.timestamp_us, 1472470996199000);
  EXPECT_EQ(span.duration_us, 207000);
  EXPECT_EQ(span.local_endpoint.service_name, "frontend");
  EXPECT_EQ(span.local_endpoint.ipv4, "127.0.0.1");
  EXPECT_EQ(span.remote_endpoint.port, 9000);
  ASSERT_EQ(span.annotations().size(), 2u);
  EXPECT_EQ(span.annotations()[1].value, "bar");
  ASSERT_EQ(span.tags().size(), 2u);
  EXPECT_EQ(span.FindTag("http.path")->value, "/api");
  // Zipkin's V2SpanWriter output of the same span is byte-identical to the input here.
  EXPECT_EQ(Json(span), kSpan);
}

TEST(JsonV2ReaderTest, EmptyBodyAndEmptyListHaveNoSpans) {
  EXPECT_EQ(RoundTrip(""), "[]");
  EXPECT_EQ(RoundTrip("[]"), "[]");
  EXPECT_EQ(RoundTrip(" [ ] "), "[]");
}

TEST(JsonV2ReaderTest, ManySpans) {
  std::string body = "[";
  for (int i = 1; i <= 500; ++i) {
    if (i > 1) body += ',';
    body += R"({"traceId":"1","id":")" + std::to_string(i) + R"(","name":"n"})";
  }
  body += "]";
  auto spans = ReadJsonV2List(body);
  ASSERT_TRUE(spans.ok());
  ASSERT_EQ(spans->size(), 500u);
  EXPECT_EQ((*spans)[499]->id, 0x500u);
}

struct Case {
  const char* name;
  std::string body;
  std::string expected;  // normalised JSON of the decoded list
  // Keeps gtest from printing the raw bytes (padding included) of the struct.
  friend void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }
};

class NormalisationTest : public ::testing::TestWithParam<Case> {};

TEST_P(NormalisationTest, MatchesZipkin) {
  EXPECT_EQ(RoundTrip(GetParam().body), GetParam().expected);
}

INSTANTIATE_TEST_SUITE_P(
    Table, NormalisationTest,
    ::testing::Values(
        Case{
            "short_ids_padded", R"([{"traceId":"a","id":"b","parentId":"c"}])",
            R"([{"traceId":"000000000000000a","parentId":"000000000000000c","id":"000000000000000b"}])"},
        Case{"trace_id_128_with_zero_high",
             R"([{"traceId":"00000000000000000000000000000001","id":"1"}])",
             R"([{"traceId":"0000000000000001","id":"0000000000000001"}])"},
        Case{"trace_id_17_chars", R"([{"traceId":"10000000000000001","id":"1"}])",
             R"([{"traceId":"00000000000000010000000000000001","id":"0000000000000001"}])"},
        Case{"zero_parent_absent", R"([{"traceId":"1","id":"2","parentId":"0000000000000000"}])",
             R"([{"traceId":"0000000000000001","id":"0000000000000002"}])"},
        Case{"self_parent_dropped", R"([{"traceId":"1","id":"2","parentId":"2"}])",
             R"([{"traceId":"0000000000000001","id":"0000000000000002"}])"},
        Case{
            "names_lower_cased",
            R"([{"traceId":"1","id":"2","name":"GET /Foo","localEndpoint":{"serviceName":"FrontEnd"},"remoteEndpoint":{"serviceName":"BACK"}}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002","name":"get /foo","localEndpoint":{"serviceName":"frontend"},"remoteEndpoint":{"serviceName":"back"}}])"},
        Case{"empty_name_absent", R"([{"traceId":"1","id":"2","name":""}])",
             R"([{"traceId":"0000000000000001","id":"0000000000000002"}])"},
        Case{"non_positive_times_absent",
             R"([{"traceId":"1","id":"2","timestamp":0,"duration":-5}])",
             R"([{"traceId":"0000000000000001","id":"0000000000000002"}])"},
        Case{
            "empty_endpoints_absent",
            R"([{"traceId":"1","id":"2","localEndpoint":{},"remoteEndpoint":{"serviceName":"","port":0,"ipv4":"nope"}}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002"}])"},
        Case{
            "negative_port_absent",
            R"([{"traceId":"1","id":"2","localEndpoint":{"serviceName":"a","port":-1}}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002","localEndpoint":{"serviceName":"a"}}])"},
        Case{
            "ips_canonical",
            R"([{"traceId":"1","id":"2","localEndpoint":{"ipv4":"::FFFF:10.1.2.3","ipv6":"2001:DB8:0::1"},"remoteEndpoint":{"ipv6":"1.2.3.4"}}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002","localEndpoint":{"ipv4":"10.1.2.3","ipv6":"2001:db8::1"},"remoteEndpoint":{"ipv4":"1.2.3.4"}}])"},
        Case{
            "annotations_sorted_deduped",
            R"([{"traceId":"1","id":"2","annotations":[{"timestamp":3,"value":"c"},{"timestamp":1,"value":"b"},{"timestamp":1,"value":"a"},{"timestamp":3,"value":"c"}]}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002","annotations":[{"timestamp":1,"value":"a"},{"timestamp":1,"value":"b"},{"timestamp":3,"value":"c"}]}])"},
        Case{
            "tags_sorted_last_wins",
            R"([{"traceId":"1","id":"2","tags":{"b":"1","a":"x","b":"2"}}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002","tags":{"a":"x","b":"2"}}])"},
        Case{
            "shared_removed_from_client",
            R"([{"traceId":"1","id":"2","kind":"CLIENT","shared":true,"debug":true}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002","kind":"CLIENT","debug":true}])"},
        Case{
            "shared_kept_on_server",
            R"([{"traceId":"1","id":"2","kind":"SERVER","shared":true,"debug":false}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002","kind":"SERVER","shared":true}])"},
        Case{
            "nulls_and_unknown_fields_skipped",
            R"([{"traceId":"1","parentId":null,"id":"2","name":null,"kind":null,"timestamp":null,"duration":null,"localEndpoint":null,"remoteEndpoint":null,"annotations":null,"tags":null,"debug":null,"shared":null,"extra":{"deep":[1,{"x":[null]}]},"another":"x"}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002"}])"},
        Case{
            "null_endpoint_fields",
            R"([{"traceId":"1","id":"2","localEndpoint":{"serviceName":null,"ipv4":"127.0.0.1","ipv6":null,"port":null}}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002","localEndpoint":{"ipv4":"127.0.0.1"}}])"},
        Case{
            "gson_leniency_numbers_and_strings",
            R"([{"traceId":123,"id":"2","timestamp":"1472470996199000","duration":2.07e5,"localEndpoint":{"port":"8080"},"tags":{"n":42,"f":1.5},"annotations":[{"timestamp":1e3,"value":7}]}])",
            R"([{"traceId":"0000000000000123","id":"0000000000000002","timestamp":1472470996199000,"duration":207000,"localEndpoint":{"port":8080},"annotations":[{"timestamp":1000,"value":"7"}],"tags":{"f":"1.5","n":"42"}}])"},
        Case{
            "escaped_keys_and_values",
            R"([{"trace\u0049d":"1","id":"2","name":"a\"b\u00e9\n","tags":{"k\/1":"\ud83d\ude00"}}])",
            "[{\"traceId\":\"0000000000000001\",\"id\":\"0000000000000002\",\"name\":"
            "\"a\\\"b\xC3\xA9\\n\",\"tags\":{\"k/1\":\"\xF0\x9F\x98\x80\"}}]"},
        Case{
            "repeated_endpoint_replaces",
            R"([{"traceId":"1","id":"2","localEndpoint":{"serviceName":"a","port":1},"localEndpoint":{"serviceName":"b"}}])",
            R"([{"traceId":"0000000000000001","id":"0000000000000002","localEndpoint":{"serviceName":"b"}}])"},
        Case{"surrounding_whitespace", " \n[ {\"traceId\" : \"1\" ,\n \"id\":\"2\" } ]\r\n",
             R"([{"traceId":"0000000000000001","id":"0000000000000002"}])"},
        // Deep nesting in an unknown field is skipped iteratively (Gson has no depth limit either).
        Case{"deep_unknown_field_skipped",
             "[{\"traceId\":\"1\",\"id\":\"2\",\"x\":" + std::string(5000, '[') +
                 std::string(5000, ']') + "}]",
             R"([{"traceId":"0000000000000001","id":"0000000000000002"}])"}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.name); });

struct ErrorCase {
  const char* name;
  std::string body;
  std::string message;
  // Keeps gtest from printing the raw bytes (padding included) of the struct.
  friend void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }
};

class ErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(ErrorTest, FailsWholeBatchWithZipkinMessage) {
  EXPECT_EQ(Error(GetParam().body), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, ErrorTest,
    ::testing::Values(
        ErrorCase{"not_json", "hello", "Malformed reading List<Span> from json"},
        ErrorCase{"screwed_up_json", "[\"='", "Malformed reading List<Span> from json"},
        ErrorCase{"object_not_list", R"({"traceId":"1","id":"2"})",
                  "Malformed reading List<Span> from json"},
        ErrorCase{"element_not_object", "[1]", "Malformed reading List<Span> from json"},
        ErrorCase{"truncated", R"([{"traceId":"1","id":"2")",
                  "Malformed reading List<Span> from json"},
        ErrorCase{"invalid_utf8", "[{\"traceId\":\"1\",\"id\":\"2\",\"name\":\"\xFF\"}]",
                  "Malformed reading List<Span> from json"},
        ErrorCase{"deep_list", std::string(5000, '[') + std::string(5000, ']'),
                  "Malformed reading List<Span> from json"},
        ErrorCase{"deep_tag_value",
                  "[{\"traceId\":\"1\",\"id\":\"2\",\"tags\":{\"a\":" + std::string(5000, '[') +
                      std::string(5000, ']') + "}}]",
                  "Expected a string but was BEGIN_ARRAY at path $[0].tags.a reading List<Span> "
                  "from json"},
        // Stricter than Gson, which stops reading after the list.
        ErrorCase{"trailing_garbage", R"([{"traceId":"1","id":"2"}] garbage)",
                  "Malformed reading List<Span> from json"},
        ErrorCase{"missing_ids", R"([{"name":"x"}])",
                  "Missing : traceId id reading List<Span> from json"},
        ErrorCase{"missing_id", R"([{"traceId":"1"}])",
                  "Missing : id reading List<Span> from json"},
        ErrorCase{"second_span_bad", R"([{"traceId":"1","id":"2"},{"traceId":"1"}])",
                  "Missing : id reading List<Span> from json"},
        ErrorCase{"upper_case_trace_id", R"([{"traceId":"48485A3953BB6124","id":"1"}])",
                  "48485A3953BB6124 should be lower-hex encoded with no prefix reading List<Span> "
                  "from json"},
        ErrorCase{"long_trace_id", R"([{"traceId":"123456789012345678901234567890123","id":"1"}])",
                  "traceId.length > 32 reading List<Span> from json"},
        ErrorCase{"zero_trace_id", R"([{"traceId":"0","id":"1"}])",
                  "traceId is all zeros reading List<Span> from json"},
        ErrorCase{"empty_id", R"([{"traceId":"1","id":""}])",
                  "id is empty reading List<Span> from json"},
        ErrorCase{"zero_id", R"([{"traceId":"1","id":"0000000000000000"}])",
                  "id is all zeros reading List<Span> from json"},
        ErrorCase{"long_parent_id", R"([{"traceId":"1","id":"1","parentId":"12345678901234567"}])",
                  "parentId.length > 16 reading List<Span> from json"},
        ErrorCase{
            "null_trace_id", R"([{"traceId":null,"id":"1"}])",
            "Expected a string but was NULL at path $[0].traceId reading List<Span> from json"},
        ErrorCase{"null_id", R"([{"traceId":"1","id":null}])",
                  "Expected a string but was NULL at path $[0].id reading List<Span> from json"},
        ErrorCase{"bad_kind", R"([{"traceId":"1","id":"1","kind":"client"}])",
                  "No enum constant zipkin2.Span.Kind.client reading List<Span> from json"},
        ErrorCase{"bool_tag", R"([{"traceId":"1","id":"1","tags":{"error":true}}])",
                  "Expected a string but was BOOLEAN at path $[0].tags.error reading List<Span> "
                  "from json"},
        ErrorCase{"object_tag", R"([{"traceId":"1","id":"1","tags":{"a":"b","error":{}}}])",
                  "Expected a string but was BEGIN_OBJECT at path $[0].tags.error reading "
                  "List<Span> from json"},
        ErrorCase{"null_tag", R"([{"traceId":"1","id":"1","tags":{"foo":null}}])",
                  "No value at $[0].tags.foo reading List<Span> from json"},
        ErrorCase{"tags_not_object", R"([{"traceId":"1","id":"1","tags":[]}])",
                  "Malformed reading List<Span> from json"},
        ErrorCase{
            "annotation_no_value",
            R"([{"traceId":"1","id":"1","annotations":[{"timestamp":1472470996199000}]}])",
            "Incomplete annotation at $[0].annotations[0].timestamp reading List<Span> from json"},
        ErrorCase{"annotation_empty",
                  R"([{"traceId":"1","id":"1","annotations":[{"timestamp":1,"value":"a"},{}]}])",
                  "Incomplete annotation at $[0].annotations[1]. reading List<Span> from json"},
        ErrorCase{"annotation_null_timestamp",
                  R"([{"traceId":"1","id":"1","annotations":[{"timestamp":null,"value":"foo"}]}])",
                  "Expected a long but was NULL at path $[0].annotations[0].timestamp reading "
                  "List<Span> from json"},
        ErrorCase{"annotations_not_array", R"([{"traceId":"1","id":"1","annotations":{}}])",
                  "Malformed reading List<Span> from json"},
        ErrorCase{"port_too_big", R"([{"traceId":"1","id":"1","localEndpoint":{"port":65536}}])",
                  "invalid port 65536 reading List<Span> from json"},
        ErrorCase{"port_not_int", R"([{"traceId":"1","id":"1","localEndpoint":{"port":80.5}}])",
                  "Expected an int but was 80.5 at path $[0].localEndpoint.port reading List<Span> "
                  "from json"},
        ErrorCase{"port_out_of_int",
                  R"([{"traceId":"1","id":"1","localEndpoint":{"port":4294967296}}])",
                  "Expected an int but was 4294967296 at path $[0].localEndpoint.port reading "
                  "List<Span> from json"},
        ErrorCase{"endpoint_not_object", R"([{"traceId":"1","id":"1","localEndpoint":"x"}])",
                  "Malformed reading List<Span> from json"},
        ErrorCase{
            "timestamp_fraction", R"([{"traceId":"1","id":"1","timestamp":1.5}])",
            "Expected a long but was 1.5 at path $[0].timestamp reading List<Span> from json"},
        ErrorCase{"timestamp_word", R"([{"traceId":"1","id":"1","timestamp":"soon"}])",
                  "For input string: \"soon\" reading List<Span> from json"},
        ErrorCase{
            "timestamp_bool", R"([{"traceId":"1","id":"1","timestamp":true}])",
            "Expected a long but was BOOLEAN at path $[0].timestamp reading List<Span> from json"},
        ErrorCase{"timestamp_overflow",
                  R"([{"traceId":"1","id":"1","timestamp":99999999999999999999}])",
                  "Expected a long but was 99999999999999999999 at path $[0].timestamp reading "
                  "List<Span> from json"},
        ErrorCase{
            "debug_string", R"([{"traceId":"1","id":"1","debug":"true"}])",
            "Expected a boolean but was STRING at path $[0].debug reading List<Span> from json"}),
    [](const ::testing::TestParamInfo<ErrorCase>& p) { return std::string(p.param.name); });

TEST(JsonV2ReaderTest, MaxSpans) {
  DecodeOptions options;
  options.max_spans = 2;
  std::string two = R"([{"traceId":"1","id":"1"},{"traceId":"1","id":"2"}])";
  EXPECT_TRUE(ReadJsonV2List(two, options).ok());
  std::string three =
      R"([{"traceId":"1","id":"1"},{"traceId":"1","id":"2"},{"traceId":"1","id":"3"}])";
  auto result = ReadJsonV2List(three, options);
  ASSERT_FALSE(result.ok());
  EXPECT_EQ(result.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(result.status().message(), "More than 2 spans in one message");
}

TEST(JsonV2ReaderTest, PaddedInputIsParsedInPlace) {
  std::string body = R"([{"traceId":"1","id":"2","name":"x"}])";
  std::string padded = body + std::string(64, '\0');
  DecodeOptions options;
  options.input_is_padded = true;
  auto spans = ReadJsonV2List(std::string_view(padded.data(), body.size()), options);
  ASSERT_TRUE(spans.ok());
  EXPECT_EQ((*spans)[0]->name, "x");
}

TEST(JsonV2ReaderTest, SpansOutliveTheParser) {
  auto first = ReadJsonV2List(R"([{"traceId":"1","id":"2","name":"first","tags":{"k":"v"}}])");
  auto second = ReadJsonV2List(R"([{"traceId":"1","id":"3","name":"second","tags":{"x":"y"}}])");
  ASSERT_TRUE(first.ok() && second.ok());
  EXPECT_EQ((*first)[0]->name, "first");
  EXPECT_EQ((*first)[0]->tags()[0].value, "v");
}

TEST(JsonV2ReaderTest, HostileInputNeverCrashes) {
  std::string big_tags = R"([{"traceId":"1","id":"2","tags":{)";
  for (int i = 0; i < 20000; ++i) {
    if (i) big_tags += ',';
    big_tags += "\"k" + std::to_string(i % 5000) + "\":\"v\"";
  }
  big_tags += "}}]";
  auto spans = ReadJsonV2List(big_tags);
  ASSERT_TRUE(spans.ok());
  EXPECT_EQ((*spans)[0]->tags().size(), 5000u);

  for (std::size_t cut = 0; cut < sizeof(kSpan) - 1; cut += 7) {
    std::string body = std::string("[") + std::string(kSpan).substr(0, cut);
    EXPECT_FALSE(ReadJsonV2List(body).ok()) << body;
  }
}

}  // namespace
}  // namespace cairn::codec
