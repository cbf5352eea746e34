// ApproximateBytes against the real encoder: it must not under-estimate spans without characters
// that need escaping, and must stay close (it bounds reporter queues by bytes).
#include <gtest/gtest.h>

#include <string>

#include "cairn/trace/span_record.h"
#include "lib/model/json_v2_writer.h"

namespace cairn::trace {
namespace {

void ExpectCloseUpperBound(const SpanRecord& record) {
  std::string json;
  model::AppendJsonV2(record, json);
  EXPECT_GE(record.ApproximateBytes(), json.size()) << json;
  EXPECT_LE(record.ApproximateBytes(), json.size() + 400) << json;
}

TEST(SpanRecordJsonSizeTest, MinimalSpan) {
  SpanRecord record;
  record.trace_id = {0, 1};
  record.id = 1;
  ExpectCloseUpperBound(record);
}

TEST(SpanRecordJsonSizeTest, FullSpanAtWorstCaseWidths) {
  SpanRecord record;
  record.trace_id = {~0ULL, ~0ULL};
  record.parent_id = ~0ULL;
  record.id = ~0ULL;
  record.kind = SpanKind::kConsumer;
  record.SetName("get /accounts/{id}");
  record.timestamp_us = 1'700'000'000'000'000;
  record.duration_us = 9'223'372'036'854'775'807;
  record.debug = true;
  record.shared = true;
  record.SetLocalEndpoint(
      {"accountservice", "255.255.255.255", "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff", 65535});
  record.SetRemoteEndpoint({"quotes-service", "10.0.0.1", "2001:db8::1", 8080});
  for (int i = 0; i < 12; ++i) {
    record.AddAnnotation(1'700'000'000'000'000 + i, "annotation " + std::to_string(i));
    record.SetTag("tag.key." + std::to_string(i), "value number " + std::to_string(i));
  }
  ExpectCloseUpperBound(record);
}

TEST(SpanRecordJsonSizeTest, TypicalClientSpan) {
  SpanRecord record;
  record.trace_id = {0x463ac35c9f6413adULL, 0x48485a3953bb6124ULL};
  record.id = 0x1234;
  record.parent_id = 0x5678;
  record.kind = SpanKind::kClient;
  record.SetName("get");
  record.timestamp_us = 1'700'000'000'000'000;
  record.duration_us = 1234;
  record.SetLocalEndpoint({"accountservice", "192.168.1.10", {}, 0});
  record.SetTag("http.method", "GET");
  record.SetTag("http.path", "/accounts/10000");
  record.SetTag("http.status_code", "200");
  ExpectCloseUpperBound(record);
}

}  // namespace
}  // namespace cairn::trace
