// The reporter's small parts: ContentType, NoopReporter, options validation, metrics, the
// rate-limited log and the message builder.
#include "cairn/trace/reporter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "lib/model/json_v2_writer.h"
#include "lib/model/proto3_writer.h"
#include "lib/trace/reporter_log.h"
#include "lib/trace/reporter_message.h"
#include "lib/trace/reporter_test_util.h"

namespace cairn::trace {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testing::JsonSpanIds;
using testing::MakeSpan;
using testing::Proto3SpanIds;

TEST(ContentTypeTest, NamesEachEncoding) {
  EXPECT_EQ(ContentType(Encoding::kJsonV2), "application/json");
  EXPECT_EQ(ContentType(Encoding::kProto3), "application/x-protobuf");
}

TEST(NoopReporterTest, AcceptsAndDropsEverything) {
  std::shared_ptr<Reporter> reporter = NoopReporter();
  ASSERT_NE(reporter, nullptr);
  EXPECT_EQ(reporter, NoopReporter()) << "one shared instance";
  reporter->Report(MakeSpan(1));
  reporter->Report(nullptr);
  EXPECT_TRUE(reporter->Flush(std::chrono::milliseconds(0)).ok());
}

TEST(AsyncReporterOptionsTest, DefaultsAreValidAndMatchBrave) {
  AsyncReporterOptions options;
  EXPECT_TRUE(options.Validate().ok());
  EXPECT_EQ(options.queued_max_spans, 10000u);
  EXPECT_EQ(options.message_max_bytes, 500'000u);
  EXPECT_EQ(options.message_timeout, std::chrono::seconds(1));
  EXPECT_EQ(options.close_timeout, std::chrono::seconds(1));
  EXPECT_EQ(options.send_backoff, std::chrono::milliseconds(100));
  EXPECT_EQ(options.max_send_backoff, std::chrono::seconds(2));
}

struct BadOption {
  std::string name;
  void (*apply)(AsyncReporterOptions&);
  std::string message;
};

class AsyncReporterOptionsErrorTest : public ::testing::TestWithParam<BadOption> {};

TEST_P(AsyncReporterOptionsErrorTest, NamesTheField) {
  AsyncReporterOptions options;
  GetParam().apply(options);
  const Status status = options.Validate();
  EXPECT_EQ(status.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(status.message(), GetParam().message);
}

INSTANTIATE_TEST_SUITE_P(
    Fields, AsyncReporterOptionsErrorTest,
    ::testing::Values(
        BadOption{"encoding", [](auto& o) { o.encoding = static_cast<Encoding>(7); },
                  "encoding must be kJsonV2 or kProto3, got 7"},
        BadOption{"zero_spans", [](auto& o) { o.queued_max_spans = 0; },
                  "queued_max_spans must be > 0"},
        BadOption{"huge_spans", [](auto& o) { o.queued_max_spans = 2'000'000; },
                  "queued_max_spans must be <= 1048576, got 2000000"},
        BadOption{"zero_bytes", [](auto& o) { o.queued_max_bytes = 0; },
                  "queued_max_bytes must be > 0"},
        BadOption{"huge_bytes", [](auto& o) { o.queued_max_bytes = std::size_t{1} << 33; },
                  "queued_max_bytes must be <= 4294967296, got 8589934592"},
        BadOption{"message_bytes", [](auto& o) { o.message_max_bytes = 0; },
                  "message_max_bytes must be > 0"},
        BadOption{"message_timeout",
                  [](auto& o) { o.message_timeout = std::chrono::milliseconds(0); },
                  "message_timeout must be > 0 ms, got 0"},
        BadOption{"close_timeout", [](auto& o) { o.close_timeout = std::chrono::milliseconds(-1); },
                  "close_timeout must be >= 0 ms, got -1"},
        BadOption{"retries", [](auto& o) { o.max_send_retries = -2; },
                  "max_send_retries must be >= 0, got -2"},
        BadOption{"backoff", [](auto& o) { o.send_backoff = std::chrono::milliseconds(0); },
                  "send_backoff must be > 0 ms, got 0"},
        BadOption{"max_backoff",
                  [](auto& o) { o.max_send_backoff = std::chrono::milliseconds(50); },
                  "max_send_backoff (50 ms) must be >= send_backoff (100 ms)"}),
    [](const ::testing::TestParamInfo<BadOption>& param) { return param.param.name; });

TEST(AsyncReporterOptionsTest, CreateRejectsBadOptionsAndNullSender) {
  auto no_sender = AsyncReporter::Create(nullptr);
  ASSERT_FALSE(no_sender.ok());
  EXPECT_EQ(no_sender.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(no_sender.status().message(), "sender must not be null");

  AsyncReporterOptions options;
  options.queued_max_spans = 0;
  auto bad = AsyncReporter::Create(
      std::make_unique<testing::FakeSender>(std::make_shared<testing::SenderScript>()), options);
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "queued_max_spans must be > 0");
}

TEST(ReporterMetricsTest, SpansDroppedSumsEveryCause) {
  ReporterMetrics metrics;
  EXPECT_EQ(metrics.SpansDropped(), 0u);
  metrics.spans_dropped_queue_full = 1;
  metrics.spans_dropped_bytes_full = 20;
  metrics.spans_dropped_send_failed = 300;
  metrics.spans_dropped_too_large = 4000;
  metrics.spans_dropped_closed = 50000;
  metrics.spans = 7;  // accepted spans are not drops
  EXPECT_EQ(metrics.SpansDropped(), 54321u);
}

TEST(ReporterLogTest, WritesFirstLineThenRateLimits) {
  std::vector<std::string> lines;
  internal::ReporterLog log(std::chrono::seconds(10),
                            [&](std::string_view line) { lines.emplace_back(line); });
  const auto t0 = internal::ReporterLog::Clock::time_point{} + std::chrono::hours(1);
  EXPECT_TRUE(log.Warn("first", t0));
  EXPECT_FALSE(log.Warn("second", t0 + std::chrono::seconds(1)));
  EXPECT_FALSE(log.Warn("third", t0 + std::chrono::seconds(9)));
  EXPECT_EQ(log.suppressed(), 2u);
  EXPECT_TRUE(log.Warn("fourth", t0 + std::chrono::seconds(10)));
  EXPECT_FALSE(log.Warn("fifth", t0 + std::chrono::seconds(11)));
  log.Always("closing");
  EXPECT_THAT(lines, ElementsAre("cairn AsyncReporter: first",
                                 "cairn AsyncReporter: fourth (2 warnings suppressed before this "
                                 "one)",
                                 "cairn AsyncReporter: closing"));
}

std::string JsonOf(const std::vector<const SpanRecord*>& spans) {
  std::string out;
  model::AppendJsonV2List(spans, out);
  return out;
}

TEST(MessageBuilderTest, JsonMessageEqualsTheListEncoder) {
  auto a = MakeSpan(1), b = MakeSpan(2), c = MakeSpan(3);
  internal::MessageBuilder builder(Encoding::kJsonV2, 100'000);
  EXPECT_TRUE(builder.empty());
  EXPECT_EQ(builder.size(), 2u);
  for (const auto* span : {a.get(), b.get(), c.get()}) {
    ASSERT_EQ(builder.Add(*span), internal::MessageBuilder::AddResult::kAdded);
  }
  EXPECT_EQ(builder.span_count(), 3u);
  const std::string expected = JsonOf({a.get(), b.get(), c.get()});
  EXPECT_EQ(builder.size(), expected.size());
  EXPECT_EQ(builder.Finish(), expected);
  EXPECT_EQ(builder.Finish(), expected) << "Finish is idempotent";
  builder.Reset();
  EXPECT_TRUE(builder.empty());
  ASSERT_EQ(builder.Add(*b), internal::MessageBuilder::AddResult::kAdded);
  EXPECT_EQ(builder.Finish(), JsonOf({b.get()}));
}

TEST(MessageBuilderTest, Proto3MessageEqualsTheListEncoder) {
  auto a = MakeSpan(10), b = MakeSpan(11);
  internal::MessageBuilder builder(Encoding::kProto3, 100'000);
  ASSERT_EQ(builder.Add(*a), internal::MessageBuilder::AddResult::kAdded);
  ASSERT_EQ(builder.Add(*b), internal::MessageBuilder::AddResult::kAdded);
  std::string expected;
  const SpanRecord* spans[] = {a.get(), b.get()};
  model::AppendProto3List(spans, expected);
  EXPECT_EQ(builder.size(), expected.size());
  EXPECT_EQ(builder.Finish(), expected);
  auto ids = Proto3SpanIds(builder.Finish());
  ASSERT_TRUE(ids.has_value());
  EXPECT_THAT(*ids, ElementsAre(10u, 11u));
}

TEST(MessageBuilderTest, FullWhenTheNextSpanDoesNotFitExactly) {
  auto span = MakeSpan(1);
  const std::size_t one = JsonOf({span.get()}).size();
  const std::size_t two = JsonOf({span.get(), span.get()}).size();
  {
    internal::MessageBuilder builder(Encoding::kJsonV2, two);
    EXPECT_EQ(builder.Add(*span), internal::MessageBuilder::AddResult::kAdded);
    EXPECT_EQ(builder.Add(*span), internal::MessageBuilder::AddResult::kAdded);
    EXPECT_EQ(builder.Add(*span), internal::MessageBuilder::AddResult::kFull);
    EXPECT_EQ(builder.Finish().size(), two);
  }
  {
    internal::MessageBuilder builder(Encoding::kJsonV2, two - 1);
    EXPECT_EQ(builder.Add(*span), internal::MessageBuilder::AddResult::kAdded);
    EXPECT_EQ(builder.Add(*span), internal::MessageBuilder::AddResult::kFull);
    EXPECT_EQ(builder.Finish().size(), one);
  }
  {
    internal::MessageBuilder builder(Encoding::kJsonV2, one - 1);
    EXPECT_EQ(builder.Add(*span), internal::MessageBuilder::AddResult::kTooLarge);
    EXPECT_TRUE(builder.empty());
    EXPECT_EQ(builder.last_span_bytes(), one - 2);
  }
}

TEST(MessageBuilderTest, Proto3SizeLimitIsExact) {
  auto span = MakeSpan(1);
  const std::size_t entry = model::Proto3ListEntrySize(*span);
  internal::MessageBuilder builder(Encoding::kProto3, 2 * entry);
  EXPECT_EQ(builder.Add(*span), internal::MessageBuilder::AddResult::kAdded);
  EXPECT_EQ(builder.Add(*span), internal::MessageBuilder::AddResult::kAdded);
  EXPECT_EQ(builder.Add(*span), internal::MessageBuilder::AddResult::kFull);
  EXPECT_EQ(builder.Finish().size(), 2 * entry);
  internal::MessageBuilder tiny(Encoding::kProto3, entry - 1);
  EXPECT_EQ(tiny.Add(*span), internal::MessageBuilder::AddResult::kTooLarge);
}

TEST(ReporterTestUtilTest, ReadsIdsBackAndRejectsMalformedProto3) {
  auto a = MakeSpan(0xabc), b = MakeSpan(0xdef);
  EXPECT_THAT(JsonSpanIds(JsonOf({a.get(), b.get()})), ElementsAre(0xabcu, 0xdefu));
  std::string proto;
  const SpanRecord* spans[] = {a.get()};
  model::AppendProto3List(spans, proto);
  EXPECT_TRUE(Proto3SpanIds(proto).has_value());
  EXPECT_FALSE(Proto3SpanIds(proto.substr(0, proto.size() - 1)).has_value());
  EXPECT_FALSE(Proto3SpanIds("\x12\x00").has_value());
}

}  // namespace
}  // namespace cairn::trace
