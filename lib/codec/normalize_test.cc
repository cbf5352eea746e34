#include "lib/codec/normalize.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace cairn::codec {
namespace {

using trace::SpanKind;
using trace::SpanRecord;

std::unique_ptr<SpanRecord> Valid() {
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = {0, 1};
  span->id = 2;
  return span;
}

TEST(NormalizeTest, RequiresTraceIdAndId) {
  SpanRecord none;
  EXPECT_EQ(NormalizeSpan(none).message(), "Missing : traceId id");
  SpanRecord no_id;
  no_id.trace_id = {0, 1};
  EXPECT_EQ(NormalizeSpan(no_id).message(), "Missing : id");
  SpanRecord no_trace;
  no_trace.id = 1;
  Status status = NormalizeSpan(no_trace);
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), "Missing : traceId");
}

TEST(NormalizeTest, LowerCasesNameAndServiceNames) {
  auto span = Valid();
  span->SetName("GET /Users");
  span->SetLocalServiceName("FrontEnd");
  span->SetRemoteServiceName("\xC3\x89TAT");
  ASSERT_TRUE(NormalizeSpan(*span).ok());
  EXPECT_EQ(span->name, "get /users");
  EXPECT_EQ(span->local_endpoint.service_name, "frontend");
  EXPECT_EQ(span->remote_endpoint.service_name, "\xC3\xA9tat");
}

TEST(NormalizeTest, DropsSelfParentNegativeTimesAndSharedClient) {
  auto span = Valid();
  span->parent_id = span->id;
  span->timestamp_us = -5;
  span->duration_us = -1;
  span->kind = SpanKind::kClient;
  span->shared = true;
  ASSERT_TRUE(NormalizeSpan(*span).ok());
  EXPECT_EQ(span->parent_id, 0u);
  EXPECT_EQ(span->timestamp_us, 0);
  EXPECT_EQ(span->duration_us, 0);
  EXPECT_FALSE(span->shared);

  auto server = Valid();
  server->kind = SpanKind::kServer;
  server->shared = true;
  server->parent_id = 9;
  ASSERT_TRUE(NormalizeSpan(*server).ok());
  EXPECT_TRUE(server->shared);
  EXPECT_EQ(server->parent_id, 9u);
}

TEST(NormalizeTest, CanonicalisesIps) {
  auto span = Valid();
  span->SetLocalEndpoint({"", "not an ip", "2001:DB8:0:0::C001", 80});
  span->SetRemoteEndpoint({"", "", "::ffff:10.0.0.1", 0});
  ASSERT_TRUE(NormalizeSpan(*span).ok());
  EXPECT_EQ(span->local_endpoint.ipv4, "");
  EXPECT_EQ(span->local_endpoint.ipv6, "2001:db8::c001");
  EXPECT_EQ(span->local_endpoint.port, 80);
  EXPECT_EQ(span->remote_endpoint.ipv4, "10.0.0.1");
  EXPECT_EQ(span->remote_endpoint.ipv6, "");
}

TEST(NormalizeTest, SortsAndDeduplicatesAnnotations) {
  auto span = Valid();
  span->AddAnnotation(30, "c");
  span->AddAnnotation(10, "b");
  span->AddAnnotation(10, "a");
  span->AddAnnotation(30, "c");
  span->AddAnnotation(20, "z");
  span->AddAnnotation(10, "b");
  ASSERT_TRUE(NormalizeSpan(*span).ok());
  std::vector<std::pair<std::int64_t, std::string>> got;
  for (const auto& a : span->annotations()) got.emplace_back(a.timestamp_us, std::string(a.value));
  std::vector<std::pair<std::int64_t, std::string>> want = {
      {10, "a"}, {10, "b"}, {20, "z"}, {30, "c"}};
  EXPECT_EQ(got, want);
}

TEST(NormalizeTest, SortsTagsLastDuplicateWins) {
  auto span = Valid();
  span->AppendTag("z", "1");
  span->AppendTag("a", "first");
  span->AppendTag("m", "x");
  span->AppendTag("a", "second");
  span->AppendTag("a", "last");
  ASSERT_TRUE(NormalizeSpan(*span).ok());
  std::vector<std::pair<std::string, std::string>> got;
  for (const auto& t : span->tags()) got.emplace_back(t.key, t.value);
  std::vector<std::pair<std::string, std::string>> want = {{"a", "last"}, {"m", "x"}, {"z", "1"}};
  EXPECT_EQ(got, want);
}

TEST(NormalizeTest, ManyTagsSpillingToHeapAreSorted) {
  auto span = Valid();
  for (int i = 99; i >= 0; --i) span->AppendTag("k" + std::to_string(1000 + i), "v");
  span->AppendTag("k1050", "dup");
  ASSERT_TRUE(NormalizeSpan(*span).ok());
  ASSERT_EQ(span->tags().size(), 100u);
  EXPECT_EQ(span->tags().front().key, "k1000");
  EXPECT_EQ(span->tags().back().key, "k1099");
  EXPECT_EQ(span->FindTag("k1050")->value, "dup");
}

TEST(NormalizeTest, IsIdempotent) {
  auto span = Valid();
  span->SetName("Name");
  span->AddAnnotation(2, "b");
  span->AddAnnotation(1, "a");
  span->AppendTag("b", "1");
  span->AppendTag("a", "2");
  ASSERT_TRUE(NormalizeSpan(*span).ok());
  std::string_view name = span->name;
  ASSERT_TRUE(NormalizeSpan(*span).ok());
  EXPECT_EQ(span->name.data(), name.data());  // nothing re-interned the second time
  EXPECT_EQ(span->annotations()[0].value, "a");
  EXPECT_EQ(span->tags()[0].key, "a");
}

}  // namespace
}  // namespace cairn::codec
