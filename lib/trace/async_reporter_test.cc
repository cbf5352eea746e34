// AsyncReporter behaviour with a scripted Sender: batching by size and time, encodings, every drop
// cause, retries, outages, Flush and Close.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/src.hpp>  // header-only Boost.JSON, to check bodies with a real parser
#include <chrono>
#include <numeric>
#include <string>
#include <thread>
#include <vector>

#include "cairn/trace/reporter.h"
#include "lib/trace/reporter_test_util.h"

namespace cairn::trace {
namespace {

using namespace std::chrono_literals;
using ::testing::ElementsAreArray;
using ::testing::HasSubstr;
using testing::MakeSpan;
using testing::SenderScript;
using Clock = std::chrono::steady_clock;

std::shared_ptr<AsyncReporter> MakeReporter(const std::shared_ptr<SenderScript>& script,
                                            AsyncReporterOptions options = {}) {
  auto reporter = AsyncReporter::Create(std::make_unique<testing::FakeSender>(script), options);
  EXPECT_TRUE(reporter.ok()) << reporter.status().ToString();
  return reporter.ok() ? *reporter : nullptr;
}

// Every span id the sender accepted, in order; checks each body is a well-formed message.
std::vector<std::uint64_t> ReceivedIds(SenderScript& script, Encoding encoding) {
  std::vector<std::uint64_t> all;
  for (const std::string& body : script.bodies()) {
    std::vector<std::uint64_t> ids;
    if (encoding == Encoding::kProto3) {
      auto decoded = testing::Proto3SpanIds(body);
      EXPECT_TRUE(decoded.has_value()) << "malformed ListOfSpans";
      if (decoded) ids = *decoded;
    } else {
      boost::json::error_code error;
      const boost::json::value parsed = boost::json::parse(body, error);
      EXPECT_FALSE(error) << error.message() << " in " << body.substr(0, 200);
      EXPECT_TRUE(parsed.is_array()) << body.substr(0, 200);
      ids = testing::JsonSpanIds(body);
      if (parsed.is_array()) {
        EXPECT_EQ(parsed.as_array().size(), ids.size());
        for (const auto& span : parsed.as_array()) {
          EXPECT_TRUE(span.is_object() && span.as_object().contains("id"));
        }
      }
    }
    all.insert(all.end(), ids.begin(), ids.end());
  }
  return all;
}

std::vector<std::uint64_t> Range(std::uint64_t first, std::uint64_t last) {
  std::vector<std::uint64_t> ids(last - first + 1);
  std::iota(ids.begin(), ids.end(), first);
  return ids;
}

TEST(AsyncReporterTest, FlushSendsOneJsonArrayWithEverySpan) {
  auto script = std::make_shared<SenderScript>();
  auto reporter = MakeReporter(script);
  for (std::uint64_t id = 1; id <= 10; ++id) reporter->Report(MakeSpan(id));
  EXPECT_EQ(reporter->metrics().spans, 10u);
  ASSERT_TRUE(reporter->Flush(5s).ok());
  ASSERT_EQ(script->bodies().size(), 1u);
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 10)));
  EXPECT_EQ(script->encodings()[0], Encoding::kJsonV2);
  const ReporterMetrics& metrics = reporter->metrics();
  EXPECT_EQ(metrics.messages, 1u);
  EXPECT_EQ(metrics.spans_bytes, script->bodies()[0].size());
  EXPECT_EQ(metrics.queued_spans, 0u);
  EXPECT_EQ(metrics.queued_bytes, 0u);
  EXPECT_EQ(metrics.SpansDropped(), 0u);
}

TEST(AsyncReporterTest, Proto3EncodingSendsListOfSpans) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.encoding = Encoding::kProto3;
  auto reporter = MakeReporter(script, options);
  for (std::uint64_t id = 100; id < 120; ++id) reporter->Report(MakeSpan(id));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_THAT(ReceivedIds(*script, Encoding::kProto3), ElementsAreArray(Range(100, 119)));
  for (Encoding encoding : script->encodings()) EXPECT_EQ(encoding, Encoding::kProto3);
}

TEST(AsyncReporterTest, BatchesBySizeNeverExceedingMessageMaxBytes) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.message_max_bytes = 1500;
  options.message_timeout = 10s;
  auto reporter = MakeReporter(script, options);
  for (std::uint64_t id = 1; id <= 40; ++id) reporter->Report(MakeSpan(id, 100));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  const auto bodies = script->bodies();
  EXPECT_GE(bodies.size(), 8u);
  std::uint64_t total = 0;
  for (const auto& body : bodies) {
    EXPECT_LE(body.size(), 1500u);
    // Packed: another span would not have fit.
    total += body.size();
  }
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 40)));
  EXPECT_EQ(reporter->metrics().messages, bodies.size());
  EXPECT_EQ(reporter->metrics().spans_bytes, total);
}

TEST(AsyncReporterTest, SendsAFullMessageWithoutWaitingForTheTimeout) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.message_max_bytes = 2000;
  options.message_timeout = 60s;
  auto reporter = MakeReporter(script, options);
  for (std::uint64_t id = 1; id <= 30; ++id) reporter->Report(MakeSpan(id, 100));
  EXPECT_TRUE(script->WaitForBodies(1, 3s)) << "a full message goes out at once";
}

TEST(AsyncReporterTest, SendsAPartialMessageAfterMessageTimeout) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.message_timeout = 100ms;
  auto reporter = MakeReporter(script, options);
  const auto start = Clock::now();
  for (std::uint64_t id = 1; id <= 3; ++id) reporter->Report(MakeSpan(id));
  ASSERT_TRUE(script->WaitForBodies(1, 5s));
  EXPECT_GE(script->body_times()[0] - start, 95ms);
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 3)));
  // And again for a second batch.
  reporter->Report(MakeSpan(4));
  ASSERT_TRUE(script->WaitForBodies(2, 5s));
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 4)));
}

TEST(AsyncReporterTest, DropsASpanLargerThanMessageMaxBytes) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.message_max_bytes = 1000;
  auto reporter = MakeReporter(script, options);
  reporter->Report(MakeSpan(1));
  reporter->Report(MakeSpan(2, 2000));
  reporter->Report(MakeSpan(3));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray({1u, 3u}));
  EXPECT_EQ(reporter->metrics().spans_dropped_too_large, 1u);
  EXPECT_EQ(reporter->metrics().SpansDropped(), 1u);
  EXPECT_EQ(reporter->metrics().spans, 3u);
}

TEST(AsyncReporterTest, DropsAndCountsWhenTheSpanLimitIsReached) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.queued_max_spans = 5;
  options.message_timeout = 1ms;
  auto reporter = MakeReporter(script, options);
  script->Block();
  reporter->Report(MakeSpan(1));
  ASSERT_TRUE(script->WaitForCalls(1));  // the worker is stuck sending span 1
  for (std::uint64_t id = 2; id <= 11; ++id) reporter->Report(MakeSpan(id));
  const ReporterMetrics& metrics = reporter->metrics();
  EXPECT_EQ(metrics.spans_dropped_queue_full, 5u);
  EXPECT_EQ(metrics.spans_dropped_bytes_full, 0u);
  EXPECT_EQ(metrics.queued_spans, 5u);
  EXPECT_EQ(metrics.queued_bytes, 5 * MakeSpan(1)->ApproximateBytes());
  EXPECT_EQ(metrics.spans, 6u);
  script->Unblock();
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 6)));
  EXPECT_EQ(reporter->metrics().queued_spans, 0u);
}

TEST(AsyncReporterTest, DropsAndCountsWhenTheByteLimitIsReached) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.queued_max_bytes = 3 * MakeSpan(1)->ApproximateBytes();
  options.message_timeout = 1ms;
  auto reporter = MakeReporter(script, options);
  script->Block();
  reporter->Report(MakeSpan(1));
  ASSERT_TRUE(script->WaitForCalls(1));
  for (std::uint64_t id = 2; id <= 6; ++id) reporter->Report(MakeSpan(id));
  reporter->Report(MakeSpan(7, 100'000));  // bigger than the whole byte budget
  EXPECT_EQ(reporter->metrics().spans_dropped_bytes_full, 3u);
  EXPECT_EQ(reporter->metrics().spans_dropped_queue_full, 0u);
  EXPECT_EQ(reporter->metrics().queued_bytes, options.queued_max_bytes);
  script->Unblock();
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 4)));
}

TEST(AsyncReporterTest, RetriesUnavailableWithBackoffThenSucceeds) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.send_backoff = 20ms;
  options.max_send_backoff = 30ms;
  auto reporter = MakeReporter(script, options);
  script->FailNext(3);
  const auto start = Clock::now();
  for (std::uint64_t id = 1; id <= 3; ++id) reporter->Report(MakeSpan(id));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_GE(Clock::now() - start, 20ms + 30ms + 30ms) << "backoff doubles up to its cap";
  EXPECT_EQ(script->calls(), 4);
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 3)));
  EXPECT_EQ(reporter->metrics().messages, 1u);
  EXPECT_EQ(reporter->metrics().messages_dropped, 0u);
}

TEST(AsyncReporterTest, DropsTheMessageWhenRetriesAreExhaustedThenWorksAgain) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.max_send_retries = 2;
  options.send_backoff = 5ms;
  auto reporter = MakeReporter(script, options);
  script->FailNext(1000);
  for (std::uint64_t id = 1; id <= 4; ++id) reporter->Report(MakeSpan(id));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_EQ(script->calls(), 3) << "one try and two retries";
  EXPECT_EQ(reporter->metrics().messages_dropped, 1u);
  EXPECT_EQ(reporter->metrics().spans_dropped_send_failed, 4u);
  script->FailNext(0);
  reporter->Report(MakeSpan(5));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray({5u}));
  EXPECT_EQ(reporter->metrics().messages, 1u);
}

TEST(AsyncReporterTest, DoesNotRetryAMessageTheCollectorRejected) {
  auto script = std::make_shared<SenderScript>();
  auto reporter = MakeReporter(script);
  script->FailNext(1, InvalidArgument("400 Bad Request"));
  reporter->Report(MakeSpan(1));
  reporter->Report(MakeSpan(2));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_EQ(script->calls(), 1);
  EXPECT_EQ(reporter->metrics().spans_dropped_send_failed, 2u);
  EXPECT_EQ(reporter->metrics().messages_dropped, 1u);
  reporter->Report(MakeSpan(3));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray({3u}));
}

TEST(AsyncReporterTest, ASenderThatThrowsLosesOnlyItsMessage) {
  auto script = std::make_shared<SenderScript>();
  auto reporter = MakeReporter(script);
  script->ThrowNext();
  reporter->Report(MakeSpan(1));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_EQ(reporter->metrics().spans_dropped_send_failed, 1u);
  reporter->Report(MakeSpan(2));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray({2u}));
}

TEST(AsyncReporterTest, CollectorDownThenBackLosesNothingWhileThereIsRoom) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.message_max_bytes = 2000;
  options.message_timeout = 10ms;
  options.send_backoff = 10ms;
  options.max_send_backoff = 40ms;
  options.max_send_retries = 100;
  auto reporter = MakeReporter(script, options);
  script->FailUntil(Clock::now() + 300ms);
  std::uint64_t id = 0;
  for (int wave = 0; wave < 6; ++wave) {
    for (int i = 0; i < 10; ++i) reporter->Report(MakeSpan(++id, 50));
    std::this_thread::sleep_for(60ms);
  }
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_GT(script->calls(), static_cast<int>(script->bodies().size())) << "some sends failed";
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 60)));
  EXPECT_EQ(reporter->metrics().SpansDropped(), 0u);
  EXPECT_EQ(reporter->metrics().messages_dropped, 0u);
}

TEST(AsyncReporterTest, FlushReturnsDeadlineExceededWhileTheSenderIsStuck) {
  auto script = std::make_shared<SenderScript>();
  auto reporter = MakeReporter(script);
  script->Block();
  reporter->Report(MakeSpan(1));
  const auto start = Clock::now();
  const Status status = reporter->Flush(50ms);
  EXPECT_GE(Clock::now() - start, 50ms);
  EXPECT_EQ(status.code(), StatusCode::kDeadlineExceeded);
  EXPECT_THAT(status.message(), HasSubstr("1 spans still queued or being sent after 50 ms"));
  script->Unblock();
  EXPECT_TRUE(reporter->Flush(5s).ok());
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray({1u}));
}

TEST(AsyncReporterTest, FlushWithNothingQueuedReturnsAtOnce) {
  auto script = std::make_shared<SenderScript>();
  auto reporter = MakeReporter(script);
  EXPECT_TRUE(reporter->Flush(0ms).ok());
  reporter->Report(MakeSpan(1));
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_TRUE(reporter->Flush(0ms).ok()) << "everything reported is already sent";
  EXPECT_EQ(script->calls(), 1);
}

TEST(AsyncReporterTest, CloseSendsWhatIsQueuedAndLaterReportsAreDropped) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.message_timeout = 60s;
  auto reporter = MakeReporter(script, options);
  for (std::uint64_t id = 1; id <= 20; ++id) reporter->Report(MakeSpan(id));
  reporter->Close();
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 20)));
  EXPECT_EQ(reporter->metrics().spans_dropped_closed, 0u);
  reporter->Close();  // idempotent
  reporter->Report(MakeSpan(21));
  EXPECT_EQ(reporter->metrics().spans_dropped_closed, 1u);
  EXPECT_EQ(reporter->metrics().spans, 20u);
  EXPECT_TRUE(reporter->Flush(1s).ok());
  EXPECT_EQ(script->calls(), 1);
}

TEST(AsyncReporterTest, CloseGivesUpAtCloseTimeoutAndCountsTheLoss) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.close_timeout = 100ms;
  options.send_backoff = 10s;
  options.max_send_backoff = 10s;
  options.message_timeout = 60s;
  auto reporter = MakeReporter(script, options);
  script->FailNext(1000);
  for (std::uint64_t id = 1; id <= 5; ++id) reporter->Report(MakeSpan(id));
  const auto start = Clock::now();
  reporter->Close();
  const auto took = Clock::now() - start;
  EXPECT_GE(took, 100ms);
  EXPECT_LT(took, 2s) << "the 10 s backoff is cut short by the close deadline";
  EXPECT_EQ(reporter->metrics().spans_dropped_closed, 5u);
  EXPECT_EQ(reporter->metrics().messages_dropped, 1u);
  EXPECT_EQ(reporter->metrics().spans_dropped_send_failed, 0u);
}

TEST(AsyncReporterTest, CloseWhileRetryingAMessageStillSendsOnceTheCollectorAnswers) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.close_timeout = 2s;
  options.send_backoff = 20ms;
  options.max_send_retries = 50;
  auto reporter = MakeReporter(script, options);
  script->FailUntil(Clock::now() + 150ms);
  for (std::uint64_t id = 1; id <= 5; ++id) reporter->Report(MakeSpan(id));
  reporter->Close();
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 5)));
  EXPECT_EQ(reporter->metrics().SpansDropped(), 0u);
}

TEST(AsyncReporterTest, QueueStaysBoundedWhileTheSenderBlocks) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.queued_max_spans = 100;
  options.message_timeout = 1ms;
  auto reporter = MakeReporter(script, options);
  script->Block();
  reporter->Report(MakeSpan(1));
  ASSERT_TRUE(script->WaitForCalls(1));
  for (std::uint64_t id = 2; id <= 5001; ++id) {
    reporter->Report(MakeSpan(id));
    ASSERT_LE(reporter->metrics().queued_spans, 100u);
  }
  EXPECT_EQ(reporter->metrics().spans, 101u);
  EXPECT_EQ(reporter->metrics().spans_dropped_queue_full, 4900u);
  script->Unblock();
  ASSERT_TRUE(reporter->Flush(5s).ok());
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 101)));
}

TEST(AsyncReporterTest, DestructorClosesAndSends) {
  auto script = std::make_shared<SenderScript>();
  AsyncReporterOptions options;
  options.message_timeout = 60s;
  auto reporter = MakeReporter(script, options);
  for (std::uint64_t id = 1; id <= 3; ++id) reporter->Report(MakeSpan(id));
  reporter.reset();
  EXPECT_THAT(ReceivedIds(*script, Encoding::kJsonV2), ElementsAreArray(Range(1, 3)));
}

TEST(AsyncReporterTest, NullSpansAreIgnored) {
  auto script = std::make_shared<SenderScript>();
  auto reporter = MakeReporter(script);
  reporter->Report(nullptr);
  EXPECT_EQ(reporter->metrics().spans, 0u);
  EXPECT_EQ(reporter->metrics().SpansDropped(), 0u);
}

}  // namespace
}  // namespace cairn::trace
