// Decodes what real Zipkin clients sent and real traces published with Zipkin's UI
// (../shared/testdata, see its README); skips when that folder is absent.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "lib/codec/codec_test_util.h"
#include "lib/codec/json_v2_reader.h"
#include "lib/codec/proto3_reader.h"
#include "lib/codec/span_decoder.h"
#include "lib/model/json_v2_writer.h"
#include "lib/model/proto3_writer.h"

namespace cairn::codec {
namespace {

using testing::Json;
using testing::ReadFile;
using testing::SharedTestdata;
using trace::SpanKind;

struct Request {
  ApiVersion version = ApiVersion::kV2;
  std::string content_type;
  std::string content_encoding;
};

std::string Lower(std::string text) {
  for (char& c : text) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return text;
}

// NAME.headers: "POST /api/v2/spans" then "Header: value" lines.
Request ParseHeaders(const std::string& text) {
  Request request;
  std::size_t start = 0;
  bool first = true;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    std::string line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.pop_back();
    start = end + 1;
    if (first) {
      request.version =
          line.find("/api/v1/") != std::string::npos ? ApiVersion::kV1 : ApiVersion::kV2;
      first = false;
      continue;
    }
    std::size_t colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string name = Lower(line.substr(0, colon));
    std::string value = line.substr(colon + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (name == "content-type") request.content_type = value;
    if (name == "content-encoding") request.content_encoding = value;
  }
  return request;
}

SpanList DecodeClientBody(const std::filesystem::path& dir, const std::string& name,
                          Encoding* used = nullptr) {
  Request request = ParseHeaders(ReadFile(dir / (name + ".headers")));
  Encoding encoding = EncodingForRequest(request.version, request.content_type);
  if (used != nullptr) *used = encoding;
  auto spans =
      DecodeCollectorMessage(ReadFile(dir / (name + ".bin")), request.content_encoding, encoding);
  EXPECT_TRUE(spans.ok()) << name << ": " << spans.status().message();
  if (!spans.ok()) return {};
  return std::move(spans).value();
}

TEST(TestdataTest, EveryClientBodyDecodes) {
  std::filesystem::path testdata = SharedTestdata();
  if (testdata.empty()) GTEST_SKIP() << "../shared/testdata is absent";
  std::filesystem::path dir = testdata / "clients";
  // Span counts after v1 -> v2 conversion: py_zipkin's v1 client span has cs/sr/ss/cr of one
  // service, which Zipkin splits into a CLIENT and a shared SERVER span (loopback).
  const std::map<std::string, std::size_t> expected = {{"js-0", 2},
                                                       {"js-1", 1},
                                                       {"js-2", 1},
                                                       {"py_zipkin-json_v1-0", 3},
                                                       {"py_zipkin-json_v2-0", 2},
                                                       {"py_zipkin-thrift-0", 3},
                                                       {"zipkin-go-json-v2-0", 3}};
  std::size_t seen = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() != ".bin") continue;
    std::string name = entry.path().stem().string();
    ASSERT_TRUE(expected.count(name)) << "new client capture " << name << ": add it here";
    SpanList spans = DecodeClientBody(dir, name);
    EXPECT_EQ(spans.size(), expected.at(name)) << name;
    for (const auto& span : spans) {
      EXPECT_TRUE(span->trace_id.IsValid()) << name;
      EXPECT_NE(span->id, 0u) << name;
      EXPECT_FALSE(span->local_endpoint.service_name.empty()) << name;
    }
    ++seen;
  }
  EXPECT_EQ(seen, expected.size());
}

TEST(TestdataTest, ClientFieldValues) {
  std::filesystem::path testdata = SharedTestdata();
  if (testdata.empty()) GTEST_SKIP() << "../shared/testdata is absent";
  std::filesystem::path dir = testdata / "clients";

  SpanList go = DecodeClientBody(dir, "zipkin-go-json-v2-0");
  ASSERT_EQ(go.size(), 3u);
  EXPECT_EQ(go[0]->trace_id.ToHex(), "12c047b261d17caf4ddb702506993684");
  EXPECT_EQ(go[0]->kind, SpanKind::kClient);
  EXPECT_EQ(go[0]->remote_endpoint.service_name, "payments");
  EXPECT_EQ(go[0]->FindTag("error")->value, "card declined");
  EXPECT_EQ(go[0]->local_endpoint.port, 8081);
  EXPECT_EQ(go[2]->name, "get /checkout");  // lower-cased

  SpanList js = DecodeClientBody(dir, "js-0");
  ASSERT_EQ(js.size(), 2u);
  EXPECT_EQ(js[1]->kind, SpanKind::kServer);
  EXPECT_EQ(js[1]->FindTag("http.path")->value, "/cart");
  EXPECT_EQ(js[0]->parent_id, js[1]->id);

  SpanList otel = DecodeClientBody(dir, "js-1");
  ASSERT_EQ(otel.size(), 1u);
  EXPECT_EQ(otel[0]->name, "db insert");
  ASSERT_EQ(otel[0]->annotations().size(), 1u);
  EXPECT_EQ(otel[0]->annotations()[0].value, "row written");

  // The same py_zipkin trace shape sent as JSON v1 and as Thrift converts identically.
  Encoding thrift_encoding;
  SpanList v1 = DecodeClientBody(dir, "py_zipkin-json_v1-0");
  SpanList thrift = DecodeClientBody(dir, "py_zipkin-thrift-0", &thrift_encoding);
  EXPECT_EQ(thrift_encoding, Encoding::kThrift);
  for (const SpanList* spans : {&v1, &thrift}) {
    ASSERT_EQ(spans->size(), 3u);
    const auto& client = *(*spans)[0];
    const auto& loopback_server = *(*spans)[1];
    const auto& server = *(*spans)[2];
    EXPECT_EQ(client.kind, SpanKind::kClient);
    EXPECT_EQ(client.name, "sql-insert");
    EXPECT_FALSE(client.shared);
    EXPECT_EQ(loopback_server.kind, SpanKind::kServer);
    EXPECT_TRUE(loopback_server.shared);
    EXPECT_EQ(loopback_server.id, client.id);
    EXPECT_EQ(server.kind, SpanKind::kServer);
    EXPECT_EQ(server.name, "post /invoice");
    EXPECT_TRUE(server.shared);
    EXPECT_EQ(server.local_endpoint.service_name, "py-billing");
    EXPECT_EQ(server.local_endpoint.ipv4, "127.0.0.1");
    EXPECT_EQ(server.local_endpoint.port, 8000);
    EXPECT_EQ(server.FindTag("invoice.id")->value, "42");
  }
  EXPECT_EQ(v1[0]->duration_us, 2148);  // the v1 span's own duration wins for the client side
}

TEST(TestdataTest, ZipkinLensTracesDecodeAndRoundTrip) {
  std::filesystem::path testdata = SharedTestdata();
  if (testdata.empty()) GTEST_SKIP() << "../shared/testdata is absent";
  const std::map<std::string, std::size_t> expected = {{"ascend", 8},
                                                       {"envoy", 1},
                                                       {"messaging-kafka", 28},
                                                       {"messaging", 4},
                                                       {"messaging2", 11},
                                                       {"simple-db-p6", 5},
                                                       {"skew", 4},
                                                       {"smartthings-mobile-web-install", 1041},
                                                       {"smartthings-oauth-authorization", 175},
                                                       {"yelp", 16}};
  for (const auto& [name, count] : expected) {
    std::string body = ReadFile(testdata / "zipkin-lens" / (name + ".json"));
    ASSERT_FALSE(body.empty()) << name;
    auto spans = DecodeCollectorMessage(body, "", Encoding::kJsonV2);
    ASSERT_TRUE(spans.ok()) << name << ": " << spans.status().message();
    EXPECT_EQ(spans->size(), count) << name;

    // Encode with lib/model and decode again: JSON v2 and proto3 both give the same spans.
    std::vector<const trace::SpanRecord*> records;
    for (const auto& span : *spans) records.push_back(span.get());
    std::string json;
    model::AppendJsonV2List(records, json);
    auto from_json = ReadJsonV2List(json);
    ASSERT_TRUE(from_json.ok()) << name << ": " << from_json.status().message();
    ASSERT_EQ(from_json->size(), spans->size()) << name;
    for (std::size_t i = 0; i < spans->size(); ++i) {
      EXPECT_EQ(Json(*(*from_json)[i]), Json(*(*spans)[i])) << name << " span " << i;
    }
    std::string proto;
    model::AppendProto3List(records, proto);
    auto from_proto = ReadProto3List(proto);
    ASSERT_TRUE(from_proto.ok()) << name << ": " << from_proto.status().message();
    ASSERT_EQ(from_proto->size(), spans->size()) << name;
    for (std::size_t i = 0; i < spans->size(); ++i) {
      EXPECT_EQ(Json(*(*from_proto)[i]), Json(*(*spans)[i])) << name << " span " << i;
    }
  }
}

TEST(TestdataTest, LensTraceFieldValues) {
  std::filesystem::path testdata = SharedTestdata();
  if (testdata.empty()) GTEST_SKIP() << "../shared/testdata is absent";
  auto envoy = ReadJsonV2List(ReadFile(testdata / "zipkin-lens" / "envoy.json"));
  ASSERT_TRUE(envoy.ok());
  const auto& span = *(*envoy)[0];
  EXPECT_EQ(span.trace_id.ToHex(), "978883983d506fa5");
  EXPECT_EQ(span.kind, SpanKind::kServer);
  EXPECT_EQ(span.local_endpoint.ipv4, "169.254.65.45");
  EXPECT_EQ(span.timestamp_us, 1570523661059232);
  EXPECT_EQ(span.duration_us, 127115);
  EXPECT_EQ(span.FindTag("component")->value, "proxy");
  // Tags come out sorted by key, as Zipkin's TreeMap keeps them.
  EXPECT_TRUE(std::is_sorted(span.tags().begin(), span.tags().end(),
                             [](const auto& a, const auto& b) { return a.key < b.key; }));

  auto kafka = ReadJsonV2List(ReadFile(testdata / "zipkin-lens" / "messaging-kafka.json"));
  ASSERT_TRUE(kafka.ok());
  std::size_t consumers = 0;
  std::size_t producers = 0;
  for (const auto& s : *kafka) {
    consumers += s->kind == SpanKind::kConsumer;
    producers += s->kind == SpanKind::kProducer;
  }
  EXPECT_GT(consumers, 0u);
  EXPECT_GT(producers, 0u);
}

}  // namespace
}  // namespace cairn::codec
