// decode(encode(span)) == span for lib/model's encoders and these decoders, over the spans of
// Zipkin's own codec tests (lib/model/test_spans.h) and spans with every field and edge value.
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "lib/codec/codec_test_util.h"
#include "lib/codec/json_v2_reader.h"
#include "lib/codec/normalize.h"
#include "lib/codec/proto3_reader.h"
#include "lib/model/json_v2_writer.h"
#include "lib/model/proto3_writer.h"
#include "lib/model/test_spans.h"

namespace cairn::codec {
namespace {

using testing::Json;
using trace::SpanRecord;

std::vector<std::unique_ptr<SpanRecord>> Spans(bool with_empty_strings) {
  std::vector<std::unique_ptr<SpanRecord>> spans;
  spans.push_back(model::testing::ClientSpan());
  spans.push_back(model::testing::Utf8Span());
  spans.push_back(model::testing::RootServerSpan());
  spans.push_back(model::testing::LocalSpan());
  spans.push_back(model::testing::ErrorSpan());
  spans.push_back(model::testing::MinimumSpan());
  spans.push_back(model::testing::ApiExampleSpan());

  auto full = std::make_unique<SpanRecord>();
  full->trace_id = {0xffffffffffffffff, 0xffffffffffffffff};
  full->parent_id = 0xffffffffffffffff;
  full->id = 1;
  full->kind = trace::SpanKind::kProducer;
  full->SetName("sixteen chars!!!");
  full->timestamp_us = 0x7fffffffffffffff;
  full->duration_us = 0x7fffffffffffffff;
  full->SetLocalEndpoint(
      {"svc", "255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535});
  full->SetRemoteEndpoint({"", "0.0.0.1", "::1", 1});
  if (with_empty_strings) {  // proto3 cannot carry these (zero-length strings read as absent)
    full->AddAnnotation(1, "");
    full->AppendTag("", "empty key");
  }
  full->AddAnnotation(1, "a");
  full->AppendTag("empty value", "");
  full->AppendTag("control\x01\x1f", "\"quoted\\\" \xF0\x9F\x98\x80 \xEE\x80\x80");
  full->debug = true;
  spans.push_back(std::move(full));
  for (auto& span : spans) EXPECT_TRUE(NormalizeSpan(*span).ok());  // the stored form
  return spans;
}

std::vector<const SpanRecord*> Pointers(const std::vector<std::unique_ptr<SpanRecord>>& spans) {
  std::vector<const SpanRecord*> out;
  for (const auto& span : spans) out.push_back(span.get());
  return out;
}

void ExpectRoundTrip(
    const std::function<void(std::span<const SpanRecord* const>, std::string&)>& encode,
    const std::function<Result<SpanList>(std::string_view)>& decode, bool with_empty_strings) {
  auto spans = Spans(with_empty_strings);
  std::string encoded;
  encode(Pointers(spans), encoded);
  auto decoded = decode(encoded);
  ASSERT_TRUE(decoded.ok()) << decoded.status().message();
  ASSERT_EQ(decoded->size(), spans.size());
  for (std::size_t i = 0; i < spans.size(); ++i) {
    const SpanRecord& a = *spans[i];
    const SpanRecord& b = *(*decoded)[i];
    EXPECT_EQ(Json(b), Json(a)) << i;
    // Field by field too, in case the JSON writer hides a difference.
    EXPECT_EQ(a.trace_id, b.trace_id) << i;
    EXPECT_EQ(a.parent_id, b.parent_id) << i;
    EXPECT_EQ(a.id, b.id) << i;
    EXPECT_EQ(a.kind, b.kind) << i;
    EXPECT_EQ(a.name, b.name) << i;
    EXPECT_EQ(a.timestamp_us, b.timestamp_us) << i;
    EXPECT_EQ(a.duration_us, b.duration_us) << i;
    EXPECT_EQ(a.debug, b.debug) << i;
    EXPECT_EQ(a.shared, b.shared) << i;
    EXPECT_EQ(a.tags().size(), b.tags().size()) << i;
    EXPECT_EQ(a.annotations().size(), b.annotations().size()) << i;
  }
}

TEST(RoundTripTest, JsonV2) {
  ExpectRoundTrip([](std::span<const SpanRecord* const> spans,
                     std::string& out) { model::AppendJsonV2List(spans, out); },
                  [](std::string_view body) { return ReadJsonV2List(body); }, true);
}

TEST(RoundTripTest, Proto3) {
  ExpectRoundTrip([](std::span<const SpanRecord* const> spans,
                     std::string& out) { model::AppendProto3List(spans, out); },
                  [](std::string_view body) { return ReadProto3List(body); }, false);
}

TEST(RoundTripTest, Proto3DropsEmptyAnnotationValuesAndTagKeysLikeZipkin) {
  auto spans = Spans(true);
  std::string encoded;
  model::AppendProto3List(Pointers(spans), encoded);
  auto decoded = ReadProto3List(encoded);
  ASSERT_TRUE(decoded.ok());
  const SpanRecord& full = *decoded->back();
  ASSERT_EQ(full.annotations().size(), 1u);
  EXPECT_EQ(full.annotations()[0].value, "a");
  EXPECT_EQ(full.FindTag(""), nullptr);
  ASSERT_NE(full.FindTag("empty value"), nullptr);  // an empty value is kept
}

}  // namespace
}  // namespace cairn::codec
