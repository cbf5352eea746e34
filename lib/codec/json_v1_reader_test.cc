// JSON v1 decoding and v1 -> v2 conversion. The conversion cases are Zipkin's own
// (zipkin/src/test/java/zipkin2/v1/SpanConverterTest.java and V1SpanConverterTest.java), with the
// v1 spans written as JSON and the expected v2 spans as JSON v2.
#include "lib/codec/json_v1_reader.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

#include "lib/codec/codec_test_util.h"

namespace cairn::codec {
namespace {

using testing::Json;
using testing::Normalized;

const std::string kFrontend = R"({"serviceName":"frontend","ipv4":"127.0.0.1"})";
const std::string kBackend = R"({"serviceName":"backend","ipv4":"192.168.99.101","port":9000})";
const std::string kKafka = R"({"serviceName":"kafka"})";

std::string A(long long timestamp, const std::string& value, const std::string& endpoint) {
  return R"({"timestamp":)" + std::to_string(timestamp) + R"(,"value":")" + value +
         R"(","endpoint":)" + endpoint + "}";
}
std::string Tag(const std::string& key, const std::string& value, const std::string& endpoint) {
  return R"({"key":")" + key + R"(","value":")" + value + R"(","endpoint":)" + endpoint + "}";
}
std::string Addr(const std::string& key, const std::string& endpoint) {
  return R"({"key":")" + key + R"(","value":true,"endpoint":)" + endpoint + "}";
}
// A v1 span list: `head` holds the id/name/timestamp fields.
std::string V1(const std::string& head, const std::string& annotations,
               const std::string& binary_annotations = "") {
  return "[{" + head + R"(,"annotations":[)" + annotations + R"(],"binaryAnnotations":[)" +
         binary_annotations + "]}]";
}

std::string Decode(std::string_view body) {
  auto spans = ReadJsonV1List(body);
  if (!spans.ok()) return "error: " + spans.status().message();
  return Json(*spans);
}

constexpr char kIds[] = R"("traceId":"1","parentId":"2","id":"3","name":"get")";
constexpr char kTs[] = R"(,"timestamp":1472470996199000,"duration":207000)";

struct Case {
  const char* name;
  std::string v1;
  std::string v2;
  // Keeps gtest from printing the raw bytes (padding included) of the struct.
  friend void PrintTo(const Case& c, std::ostream* os) { *os << c.name; }
};

class ConverterTest : public ::testing::TestWithParam<Case> {};

TEST_P(ConverterTest, MatchesZipkinV1SpanConverter) {
  EXPECT_EQ(Decode(GetParam().v1), Normalized(GetParam().v2));
}

const std::string kV2Ids = R"("traceId":"1","parentId":"2","id":"3","name":"get")";
const std::string kF2 = R"("localEndpoint":)" + kFrontend;
const std::string kB2 = R"("localEndpoint":)" + kBackend;

INSTANTIATE_TEST_SUITE_P(
    Zipkin, ConverterTest,
    ::testing::Values(
        Case{
            "client",
            V1(std::string(kIds) + kTs,
               A(1472470996199000, "cs", kFrontend) + "," + A(1472470996238000, "ws", kFrontend) +
                   "," + A(1472470996403000, "wr", kFrontend) + "," +
                   A(1472470996406000, "cr", kFrontend),
               Tag("http.path", "/api", kFrontend) + "," +
                   Tag("clnt/finagle.version", "6.45.0", kFrontend) + "," + Addr("sa", kBackend)),
            "[{" + kV2Ids + R"(,"kind":"CLIENT","timestamp":1472470996199000,"duration":207000,)" +
                kF2 + R"(,"remoteEndpoint":)" + kBackend +
                R"(,"annotations":[{"timestamp":1472470996238000,"value":"ws"},{"timestamp":1472470996403000,"value":"wr"}],)"
                R"("tags":{"http.path":"/api","clnt/finagle.version":"6.45.0"}}])"},
        Case{"client_unfinished",
             V1(std::string(kIds) + R"(,"timestamp":1472470996199000)",
                A(1472470996199000, "cs", kFrontend) + "," + A(1472470996238000, "ws", kFrontend)),
             "[{" + kV2Ids + R"(,"kind":"CLIENT","timestamp":1472470996199000,)" + kF2 +
                 R"(,"annotations":[{"timestamp":1472470996238000,"value":"ws"}]}])"},
        Case{"late_remote_endpoint_cr",
             V1(kIds, A(1472470996199000, "cr", kFrontend), Addr("sa", kBackend)),
             "[{" + kV2Ids + R"(,"kind":"CLIENT",)" + kF2 + R"(,"remoteEndpoint":)" + kBackend +
                 R"(,"annotations":[{"timestamp":1472470996199000,"value":"cr"}]}])"},
        Case{"late_remote_endpoint_sa",
             V1(R"("traceId":"1","parentId":"2","id":"3")", "", Addr("sa", kBackend)),
             R"([{"traceId":"1","parentId":"2","id":"3","remoteEndpoint":)" + kBackend + "}]"},
        Case{"no_annotations_except_addresses",
             V1(std::string(kIds) + kTs, "", Tag("lc", "", kFrontend) + "," + Addr("sa", kBackend)),
             "[{" + kV2Ids + R"(,"timestamp":1472470996199000,"duration":207000,)" + kF2 +
                 R"(,"remoteEndpoint":)" + kBackend + "}]"},
        Case{
            "server",
            V1(std::string(R"("traceId":"1","id":"2","name":"get")") + kTs,
               A(1472470996199000, "sr", kBackend) + "," + A(1472470996406000, "ss", kBackend),
               Tag("http.path", "/api", kBackend) + "," +
                   Tag("finagle.version", "6.45.0", kBackend) + "," + Addr("ca", kFrontend)),
            R"([{"traceId":"1","id":"2","name":"get","kind":"SERVER","timestamp":1472470996199000,"duration":207000,)" +
                kB2 + R"(,"remoteEndpoint":)" + kFrontend +
                R"(,"tags":{"http.path":"/api","finagle.version":"6.45.0"}}])"},
        Case{
            "server_client_address_finagle",
            V1(R"("traceId":"1","id":"2","name":"get")",
               A(1472470996199000, "sr", kBackend) + "," +
                   A(1472470996199500,
                     "Gc(9,0.PSScavenge,2015-09-17 12:37:02 "
                     "+0000,304.milliseconds+762.microseconds)",
                     kBackend) +
                   "," + A(1472470996406000, "ss", kBackend),
               Tag("srv/finagle.version", "6.28.0",
                   R"({"serviceName":"backend","ipv4":"192.168.99.101"})") +
                   "," + Addr("sa", kBackend) + "," +
                   Addr("ca", R"({"serviceName":"frontend","ipv4":"127.0.0.1","port":63840})")),
            R"([{"traceId":"1","id":"2","name":"get","kind":"SERVER","timestamp":1472470996199000,"duration":207000,)" +
                kB2 +
                R"(,"remoteEndpoint":{"serviceName":"frontend","ipv4":"127.0.0.1","port":63840},)"
                R"j("annotations":[{"timestamp":1472470996199500,"value":"Gc(9,0.PSScavenge,2015-09-17 12:37:02 +0000,304.milliseconds+762.microseconds)"}],)j"
                R"("tags":{"srv/finagle.version":"6.28.0"},"shared":true}])"},
        Case{
            "missing_endpoints",
            V1(R"("traceId":"1","parentId":"1","id":"2","name":"foo")" + std::string(kTs), ""),
            R"([{"traceId":"1","parentId":"1","id":"2","name":"foo","timestamp":1472470996199000,"duration":207000}])"},
        Case{
            "missing_endpoint_core_annotation",
            V1(R"("traceId":"1","parentId":"1","id":"2","name":"foo","timestamp":1472470996199000)",
               R"({"timestamp":1472470996199000,"value":"sr","endpoint":null})"),
            R"([{"traceId":"1","parentId":"1","id":"2","name":"foo","timestamp":1472470996199000,"annotations":[{"timestamp":1472470996199000,"value":"sr"}]}])"},
        Case{"server_shared_no_timestamp_duration",
             V1(kIds,
                A(1472470996199000, "sr", kBackend) + "," + A(1472470996406000, "ss", kBackend)),
             "[{" + kV2Ids + R"(,"kind":"SERVER","timestamp":1472470996199000,"duration":207000,)" +
                 kB2 + R"(,"shared":true}])"},
        Case{"server_incomplete_shared", V1(kIds, A(1472470996199000, "sr", kBackend)),
             "[{" + kV2Ids + R"(,"kind":"SERVER","timestamp":1472470996199000,)" + kB2 +
                 R"(,"shared":true}])"},
        Case{"late_remote_endpoint_ss",
             V1(R"("traceId":"1","id":"2","name":"get")", A(1472470996199000, "ss", kBackend),
                Addr("ca", kFrontend)),
             R"([{"traceId":"1","id":"2","name":"get","kind":"SERVER",)" + kB2 +
                 R"(,"remoteEndpoint":)" + kFrontend +
                 R"(,"annotations":[{"timestamp":1472470996199000,"value":"ss"}]}])"},
        Case{"late_remote_endpoint_ca", V1(R"("traceId":"1","id":"2")", "", Addr("ca", kFrontend)),
             R"([{"traceId":"1","id":"2","kind":"SERVER","remoteEndpoint":)" + kFrontend + "}]"},
        Case{
            "local_span_empty_component",
            V1(R"("traceId":"1","id":"2","name":"local")" + std::string(kTs), "",
               Tag("lc", "", R"({"serviceName":"frontend"})")),
            R"([{"traceId":"1","id":"2","name":"local","timestamp":1472470996199000,"duration":207000,"localEndpoint":{"serviceName":"frontend"}}])"},
        Case{
            "producer_remote",
            V1(R"("traceId":"1","parentId":"2","id":"3","name":"send","timestamp":1472470996199000)",
               A(1472470996199000, "ms", kFrontend), Addr("ma", kKafka)),
            R"([{"traceId":"1","parentId":"2","id":"3","name":"send","kind":"PRODUCER","timestamp":1472470996199000,)" +
                kF2 + R"(,"remoteEndpoint":)" + kKafka + "}]"},
        Case{
            "producer_duration",
            V1(R"("traceId":"1","parentId":"2","id":"3","name":"send","timestamp":1472470996199000,"duration":51000)",
               A(1472470996199000, "ms", kFrontend) + "," + A(1472470996250000, "ws", kFrontend)),
            R"([{"traceId":"1","parentId":"2","id":"3","name":"send","kind":"PRODUCER","timestamp":1472470996199000,"duration":51000,)" +
                kF2 + "}]"},
        Case{
            "consumer_remote",
            V1(R"("traceId":"1","parentId":"2","id":"3","name":"next-message","timestamp":1472470996199000)",
               A(1472470996199000, "mr", kBackend), Addr("ma", kKafka)),
            R"([{"traceId":"1","parentId":"2","id":"3","name":"next-message","kind":"CONSUMER","timestamp":1472470996199000,)" +
                kB2 + R"(,"remoteEndpoint":)" + kKafka + "}]"},
        Case{
            "consumer_duration",
            V1(R"("traceId":"1","parentId":"2","id":"3","name":"next-message","timestamp":1472470996199000,"duration":51000)",
               A(1472470996199000, "wr", kBackend) + "," + A(1472470996250000, "mr", kBackend)),
            R"([{"traceId":"1","parentId":"2","id":"3","name":"next-message","kind":"CONSUMER","timestamp":1472470996199000,"duration":51000,)" +
                kB2 + "}]"},
        Case{
            "client_and_server_split",
            V1(std::string(kIds) + kTs,
               A(1472470996199000, "cs", kFrontend) + "," + A(1472470996238000, "ws", kFrontend) +
                   "," + A(1472470996250000, "sr", kBackend) + "," +
                   A(1472470996350000, "ss", kBackend) + "," +
                   A(1472470996403000, "wr", kFrontend) + "," +
                   A(1472470996406000, "cr", kFrontend),
               Tag("http.path", "/api", kFrontend) + "," + Tag("http.path", "/BACKEND", kBackend) +
                   "," + Tag("clnt/finagle.version", "6.45.0", kFrontend) + "," +
                   Tag("srv/finagle.version", "6.44.0", kBackend) + "," + Addr("ca", kFrontend) +
                   "," + Addr("sa", kBackend)),
            "[{" + kV2Ids + R"(,"kind":"CLIENT","timestamp":1472470996199000,"duration":207000,)" +
                kF2 + R"(,"remoteEndpoint":)" + kBackend +
                R"(,"annotations":[{"timestamp":1472470996238000,"value":"ws"},{"timestamp":1472470996403000,"value":"wr"}],)"
                R"("tags":{"http.path":"/api","clnt/finagle.version":"6.45.0"}},)"
                "{" +
                kV2Ids + R"(,"kind":"SERVER","timestamp":1472470996250000,"duration":100000,)" +
                kB2 + R"(,"remoteEndpoint":)" + kFrontend +
                R"(,"tags":{"http.path":"/BACKEND","srv/finagle.version":"6.44.0"},"shared":true}])"},
        Case{"server_without_timestamp_is_shared",
             V1(kIds,
                A(1472470996250000, "sr", kBackend) + "," + A(1472470996350000, "ss", kBackend)),
             "[{" + kV2Ids + R"(,"kind":"SERVER","timestamp":1472470996250000,"duration":100000,)" +
                 kB2 + R"(,"shared":true}])"},
        Case{"client_and_server_loopback",
             V1(std::string(kIds) + kTs, A(1472470996199000, "cs", kFrontend) + "," +
                                             A(1472470996250000, "sr", kFrontend) + "," +
                                             A(1472470996350000, "ss", kFrontend) + "," +
                                             A(1472470996406000, "cr", kFrontend)),
             "[{" + kV2Ids + R"(,"kind":"CLIENT","timestamp":1472470996199000,"duration":207000,)" +
                 kF2 + "},{" + kV2Ids +
                 R"(,"kind":"SERVER","timestamp":1472470996250000,"duration":100000,)" + kF2 +
                 R"(,"shared":true}])"},
        Case{"oneway_loopback",
             V1(kIds,
                A(1472470996199000, "cs", kFrontend) + "," + A(1472470996250000, "sr", kFrontend)),
             "[{" + kV2Ids + R"(,"kind":"CLIENT","timestamp":1472470996199000,)" + kF2 + "},{" +
                 kV2Ids + R"(,"kind":"SERVER","timestamp":1472470996250000,)" + kF2 +
                 R"(,"shared":true}])"},
        Case{
            "client_missing_cs",
            V1(R"("traceId":"1","id":"2","name":"get")" + std::string(kTs),
               A(1472470996406000, "cs", kFrontend)),
            R"([{"traceId":"1","id":"2","name":"get","kind":"CLIENT","timestamp":1472470996199000,"duration":207000,)" +
                kF2 + "}]"},
        Case{
            "server_missing_sr",
            V1(R"("traceId":"1","id":"2","name":"get")" + std::string(kTs),
               A(1472470996406000, "ss", kBackend)),
            R"([{"traceId":"1","id":"2","name":"get","kind":"SERVER","timestamp":1472470996199000,"duration":207000,)" +
                kB2 + "}]"},
        Case{"redundant_address_annotations_client",
             V1(std::string(kIds) + kTs,
                A(1472470996199000, "cs", kFrontend) + "," + A(1472470996406000, "cr", kFrontend),
                Addr("ca", kFrontend) + "," + Addr("sa", kFrontend)),
             "[{" + kV2Ids + R"(,"kind":"CLIENT","timestamp":1472470996199000,"duration":207000,)" +
                 kF2 + R"(,"remoteEndpoint":)" + kFrontend + "}]"},
        Case{"redundant_service_name_on_address_annotations_server",
             V1(std::string(kIds) + kTs,
                A(1472470996199000, "sr", kFrontend) + "," + A(1472470996406000, "ss", kFrontend),
                Addr("ca", kFrontend) + "," + Addr("sa", kFrontend)),
             "[{" + kV2Ids + R"(,"kind":"SERVER","timestamp":1472470996199000,"duration":207000,)" +
                 kF2 + "}]"},
        Case{"server_retains_client_socket",
             V1(std::string(kIds) + kTs,
                A(1472470996199000, "sr", kBackend) + "," + A(1472470996406000, "ss", kBackend),
                Addr("ca", R"({"serviceName":"backend","ipv4":"127.0.0.1"})") + "," +
                    Addr("sa", kBackend)),
             "[{" + kV2Ids + R"(,"kind":"SERVER","timestamp":1472470996199000,"duration":207000,)" +
                 kB2 + R"(,"remoteEndpoint":{"ipv4":"127.0.0.1"}}])"},
        Case{
            "producer_and_consumer",
            V1(R"("traceId":"1","parentId":"2","id":"3","name":"whatev")",
               A(1472470996199000, "ms", kFrontend) + "," + A(1472470996238000, "ws", kFrontend) +
                   "," + A(1472470996403000, "wr", kBackend) + "," +
                   A(1472470996406000, "mr", kBackend),
               Addr("ma", kKafka)),
            R"([{"traceId":"1","parentId":"2","id":"3","name":"whatev","kind":"PRODUCER","timestamp":1472470996199000,"duration":39000,)" +
                kF2 + R"(,"remoteEndpoint":)" + kKafka +
                R"(},{"traceId":"1","parentId":"2","id":"3","name":"whatev","kind":"CONSUMER","timestamp":1472470996403000,"duration":3000,)" +
                kB2 + R"(,"remoteEndpoint":)" + kKafka + R"(,"shared":true}])"},
        Case{
            "producer_and_consumer_loopback",
            V1(R"("traceId":"1","parentId":"2","id":"3","name":"message")",
               A(1472470996199000, "ms", kFrontend) + "," + A(1472470996238000, "ws", kFrontend) +
                   "," + A(1472470996403000, "wr", kFrontend) + "," +
                   A(1472470996406000, "mr", kFrontend)),
            R"([{"traceId":"1","parentId":"2","id":"3","name":"message","kind":"PRODUCER","timestamp":1472470996199000,"duration":39000,)" +
                kF2 +
                R"(},{"traceId":"1","parentId":"2","id":"3","name":"message","kind":"CONSUMER","timestamp":1472470996403000,"duration":3000,)" +
                kF2 + R"(,"shared":true}])"},
        Case{"only_address_annotations",
             V1(R"("traceId":"1","parentId":"2","id":"3","name":"rpc")", "",
                Addr("ca", kFrontend) + "," + Addr("sa", kBackend)),
             R"([{"traceId":"1","parentId":"2","id":"3","name":"rpc",)" + kF2 +
                 R"(,"remoteEndpoint":)" + kBackend + "}]"},
        Case{
            "data_missing_endpoint_goes_on_first_span",
            V1(R"("traceId":"1","id":"2","name":"missing")",
               A(1472470996199000, "foo", kFrontend) + "," + A(1472470996238000, "bar", kFrontend) +
                   "," + A(1472470996250000, "baz", kBackend) + "," +
                   A(1472470996350000, "qux", kBackend) + "," +
                   R"({"timestamp":1472470996403000,"value":"missing"})",
               Tag("foo", "bar", kFrontend) + "," + Tag("baz", "qux", kBackend) + "," +
                   R"({"key":"missing","value":""})"),
            R"([{"traceId":"1","id":"2","name":"missing",)" + kF2 +
                R"(,"annotations":[{"timestamp":1472470996199000,"value":"foo"},{"timestamp":1472470996238000,"value":"bar"},{"timestamp":1472470996403000,"value":"missing"}],"tags":{"foo":"bar","missing":""}},)"
                R"({"traceId":"1","id":"2","name":"missing",)" +
                kB2 +
                R"(,"annotations":[{"timestamp":1472470996250000,"value":"baz"},{"timestamp":1472470996350000,"value":"qux"}],"tags":{"baz":"qux"}}])"},
        Case{"shared_flag_from_rpc_span_mysql",
             V1(std::string(kIds) + R"(,"timestamp":10)",
                A(20, "sr", kBackend) + "," + A(30, "ss", kBackend)),
             "[{" + kV2Ids + R"(,"kind":"SERVER","timestamp":20,"duration":10,)" + kB2 +
                 R"(,"shared":true}])"},
        // V1SpanConverterTest: address annotations with a "1" string value (old zipkin-ruby).
        Case{"sa_incorrect_value",
             V1(R"("traceId":"1","id":"2")", A(1472470996199000, "cs", kFrontend),
                Tag("sa", "1", kBackend)),
             R"([{"traceId":"1","id":"2","kind":"CLIENT","timestamp":1472470996199000,)" + kF2 +
                 R"(,"remoteEndpoint":)" + kBackend + "}]"},
        Case{"ca_incorrect_value",
             V1(R"("traceId":"1","id":"2")", A(1472470996199000, "sr", kBackend),
                Tag("ca", "1", kFrontend)),
             R"([{"traceId":"1","id":"2","kind":"SERVER","timestamp":1472470996199000,)" + kB2 +
                 R"(,"remoteEndpoint":)" + kFrontend + R"(,"shared":true}])"}),
    [](const ::testing::TestParamInfo<Case>& p) { return std::string(p.param.name); });

TEST(JsonV1ReaderTest, ReaderDetails) {
  // 128-bit trace ids, lenient id lengths, upper-case names lower-cased, non-string binary
  // annotation values ignored, debug kept, nulls skipped.
  std::string body = R"([{"traceId":"48485a3953bb61246b221d5bc9e6496c","id":"1234567890abcdef1",)"
                     R"("parentId":null,"name":"GET","debug":true,"timestamp":null,)"
                     R"("annotations":null,"binaryAnnotations":[{"key":"n","value":42},)"
                     R"({"key":"b","value":false,"endpoint":{"serviceName":"X"}},)"
                     R"({"key":"s","value":"v","endpoint":{"serviceName":"Svc"}}],"unknown":[1]}])";
  EXPECT_EQ(
      Decode(body),
      R"([{"traceId":"48485a3953bb61246b221d5bc9e6496c","id":"234567890abcdef1","name":"get",)"
      R"("localEndpoint":{"serviceName":"svc"},"tags":{"s":"v"},"debug":true}])");
}

TEST(JsonV1ReaderTest, EmptyMessages) {
  EXPECT_EQ(Decode(""), "[]");
  EXPECT_EQ(Decode("[]"), "[]");
}

struct ErrorCase {
  const char* name;
  std::string body;
  std::string message;
  // Keeps gtest from printing the raw bytes (padding included) of the struct.
  friend void PrintTo(const ErrorCase& c, std::ostream* os) { *os << c.name; }
};

class V1ErrorTest : public ::testing::TestWithParam<ErrorCase> {};

TEST_P(V1ErrorTest, MatchesZipkin) {
  EXPECT_EQ(Decode(GetParam().body), "error: " + GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Table, V1ErrorTest,
    ::testing::Values(
        ErrorCase{"malformed", "hello", "Malformed reading List<Span> from json"},
        ErrorCase{"missing_trace_id", R"([{"id":"1"}])",
                  "traceId == 0 reading List<Span> from json"},
        ErrorCase{"zero_trace_id", R"([{"traceId":"0","id":"1"}])",
                  "traceId == 0 reading List<Span> from json"},
        ErrorCase{"missing_id", R"([{"traceId":"1"}])", "id == 0 reading List<Span> from json"},
        ErrorCase{
            "null_trace_id", R"([{"traceId":null,"id":"1"}])",
            "Expected a string but was NULL at path $[0].traceId reading List<Span> from json"},
        ErrorCase{"bad_hex", R"([{"traceId":"xyz","id":"1"}])",
                  "xyz should be a 1 to 32 character lower-hex string with no prefix reading "
                  "List<Span> from json"},
        ErrorCase{
            "incomplete_annotation", R"([{"traceId":"1","id":"1","annotations":[{"value":"cs"}]}])",
            "Incomplete annotation at $[0].annotations[0].value reading List<Span> from json"},
        ErrorCase{"binary_annotation_without_key",
                  R"([{"traceId":"1","id":"1","binaryAnnotations":[{"value":"x"}]}])",
                  "No key at $[0].binaryAnnotations[0].value reading List<Span> from json"},
        ErrorCase{
            "port_too_big",
            R"([{"traceId":"1","id":"1","annotations":[{"timestamp":1,"value":"cs","endpoint":{"port":70000}}]}])",
            "invalid port 70000 reading List<Span> from json"}),
    [](const ::testing::TestParamInfo<ErrorCase>& p) { return std::string(p.param.name); });

TEST(JsonV1ReaderTest, ManyServicesInOneSpanStayLinear) {
  // Each annotation names another service, so the converter makes one v2 span per service; the
  // service index keeps this linear (and the output follows Zipkin's order).
  std::string annotations;
  for (int i = 0; i < 3000; ++i) {
    if (i) annotations += ',';
    annotations += A(1000 + i, "event", R"({"serviceName":"svc)" + std::to_string(i) + R"("})");
  }
  annotations += "," + A(9999, "late", R"({"serviceName":"svc7"})");
  auto spans = ReadJsonV1List(V1(R"("traceId":"1","id":"2")", annotations));
  ASSERT_TRUE(spans.ok()) << spans.status().message();
  ASSERT_EQ(spans->size(), 3000u);
  EXPECT_EQ((*spans)[0]->local_endpoint.service_name, "svc0");
  EXPECT_EQ((*spans)[7]->local_endpoint.service_name, "svc7");
  EXPECT_EQ((*spans)[7]->annotations().size(), 2u);

  DecodeOptions options;
  options.max_spans = 100;
  auto limited = ReadJsonV1List(V1(R"("traceId":"1","id":"2")", annotations), options);
  ASSERT_FALSE(limited.ok());
  EXPECT_EQ(limited.status().code(), StatusCode::kResourceExhausted);
}

}  // namespace
}  // namespace cairn::codec
