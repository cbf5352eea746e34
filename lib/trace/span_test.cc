#include "cairn/trace/span.h"

#include <gtest/gtest.h>

#include <limits>

#include "cairn/trace/tracer.h"
#include "lib/trace/tracer_test_fixture.h"

namespace cairn::trace {
namespace {

class SpanTest : public testing::TracerFixture {};

TEST_F(SpanTest, DefaultSpanIsANoOp) {
  Span span;
  EXPECT_FALSE(span.IsRecording());
  EXPECT_FALSE(span.context().IsValid());
  span.SetName("x").Tag("k", "v").Tag("n", 1).Annotate("a").SetError("e").SetKind(
      SpanKind::kClient);
  span.SetRemoteServiceName("r").SetRemoteIpAndPort("1.2.3.4", 1);
  span.Finish();
  span.Finish(5);
  span.Abandon();
  EXPECT_EQ(span.record(), nullptr);
}

TEST_F(SpanTest, RecordsWhatItIsGiven) {
  Span span = tracer_->StartSpan("Get /Accounts", {.kind = SpanKind::kClient});
  span.SetRemoteServiceName("QuotesService")
      .Tag("http.method", "GET")
      .Tag("http.status_code", std::int64_t{200})
      .Tag("min", std::numeric_limits<std::int64_t>::min())
      .Tag("max", std::numeric_limits<std::int64_t>::max());
  span.Finish();
  auto record = TakeOnly();
  EXPECT_EQ(record->name, "Get /Accounts");  // stored as given; Zipkin lower-cases on ingest
  EXPECT_EQ(record->remote_endpoint.service_name, "QuotesService");
  EXPECT_EQ(record->kind, SpanKind::kClient);
  EXPECT_EQ(record->FindTag("http.method")->value, "GET");
  EXPECT_EQ(record->FindTag("http.status_code")->value, "200");
  EXPECT_EQ(record->FindTag("min")->value, "-9223372036854775808");
  EXPECT_EQ(record->FindTag("max")->value, "9223372036854775807");
}

TEST_F(SpanTest, SetNameAndKindAfterStart) {
  Span span = tracer_->StartSpan("first");
  span.SetName("second").SetKind(SpanKind::kProducer);
  span.Finish();
  auto record = TakeOnly();
  EXPECT_EQ(record->name, "second");
  EXPECT_EQ(record->kind, SpanKind::kProducer);
}

TEST_F(SpanTest, TimestampFromWallClockDurationFromMonotonicRoundedUp) {
  clock_.SetNowMicros(1'700'000'000'000'123);
  Span span = tracer_->StartSpan("op");
  clock_.SetNowMicros(1'600'000'000'000'000);  // the wall clock steps back: duration unaffected
  clock_.SetMonotonicNanos(clock_.MonotonicNanos() + 1'500);
  span.Finish();
  auto record = TakeOnly();
  EXPECT_EQ(record->timestamp_us, 1'700'000'000'000'123);
  EXPECT_EQ(record->duration_us, 2);  // 1.5 µs rounds up
}

TEST_F(SpanTest, DurationIsNeverZero) {
  for (std::int64_t elapsed_ns : {0, 1, 999, 1000, 1001}) {
    Span span = tracer_->StartSpan("op");
    clock_.SetMonotonicNanos(clock_.MonotonicNanos() + elapsed_ns);
    span.Finish();
    auto record = TakeOnly();
    const std::int64_t expected = elapsed_ns <= 1000 ? 1 : 2;
    EXPECT_EQ(record->duration_us, expected) << elapsed_ns << " ns";
  }
}

TEST_F(SpanTest, ExplicitStartAndFinish) {
  Span span = tracer_->StartSpan("op", {.start_timestamp_us = 1'000'000});
  span.Finish(1'004'000);
  auto record = TakeOnly();
  EXPECT_EQ(record->timestamp_us, 1'000'000);
  EXPECT_EQ(record->duration_us, 4'000);

  Span same = tracer_->StartSpan("op", {.start_timestamp_us = 1'000'000});
  same.Finish(1'000'000);
  EXPECT_EQ(TakeOnly()->duration_us, 1);
  Span backwards = tracer_->StartSpan("op", {.start_timestamp_us = 1'000'000});
  backwards.Finish(900'000);
  EXPECT_EQ(TakeOnly()->duration_us, 1);
}

TEST_F(SpanTest, ExplicitStartWithImplicitFinishUsesTheWallClock) {
  clock_.SetNowMicros(2'000'500);
  Span span = tracer_->StartSpan("op", {.start_timestamp_us = 2'000'000});
  span.Finish();
  EXPECT_EQ(TakeOnly()->duration_us, 500);
}

TEST_F(SpanTest, ImplicitStartWithExplicitFinish) {
  clock_.SetNowMicros(3'000'000);
  Span span = tracer_->StartSpan("op");
  span.Finish(3'000'250);
  auto record = TakeOnly();
  EXPECT_EQ(record->timestamp_us, 3'000'000);
  EXPECT_EQ(record->duration_us, 250);
}

TEST_F(SpanTest, FinishIsIdempotent) {
  Span span = tracer_->StartSpan("op");
  span.Finish();
  EXPECT_FALSE(span.IsRecording());
  span.Finish();
  span.Finish(123);
  span.Tag("late", "ignored");
  EXPECT_EQ(reporter_->size(), 1u);
  EXPECT_TRUE(span.context().IsValid());  // the context outlives recording
}

TEST_F(SpanTest, UnfinishedSpansAreAbandoned) {
  {
    Span span = tracer_->StartSpan("dropped");
    span.Tag("k", "v");
  }
  Span abandoned = tracer_->StartSpan("abandoned");
  abandoned.Abandon();
  EXPECT_FALSE(abandoned.IsRecording());
  abandoned.Finish();
  EXPECT_EQ(reporter_->size(), 0u);
}

TEST_F(SpanTest, MovedSpansReportOnce) {
  Span a = tracer_->StartSpan("a");
  Span b = std::move(a);
  EXPECT_TRUE(b.IsRecording());
  EXPECT_FALSE(a.IsRecording());  // NOLINT(bugprone-use-after-move): checking the moved-from state
  a.Finish();
  b.Finish();
  EXPECT_EQ(TakeOnly()->name, "a");

  Span c = tracer_->StartSpan("c");
  Span d = tracer_->StartSpan("d");
  d = std::move(c);  // d's own unfinished span is abandoned
  d.Finish();
  EXPECT_EQ(TakeOnly()->name, "c");
}

TEST_F(SpanTest, UnsampledSpansRecordNothing) {
  TracerOptions options;
  options.sampler = NeverSample();
  Build(std::move(options));
  Span span = tracer_->StartSpan("op");
  EXPECT_FALSE(span.IsRecording());
  EXPECT_EQ(span.record(), nullptr);
  EXPECT_TRUE(span.context().IsValid());
  span.Tag("k", "v").Annotate("a");
  span.Finish();
  EXPECT_EQ(reporter_->size(), 0u);
}

TEST_F(SpanTest, UnsampledSpansNeverReadTheClock) {
  class ExplodingClock final : public Clock {
   public:
    std::int64_t NowMicros() override {
      ADD_FAILURE() << "clock read";
      return 1;
    }
    std::int64_t MonotonicNanos() override {
      ADD_FAILURE() << "clock read";
      return 1;
    }
  } clock;
  TracerOptions options;
  options.sampler = NeverSample();
  options.clock = &clock;
  Build(std::move(options));
  Span span = tracer_->StartSpan("op");
  span.Annotate("a");
  span.Finish();
}

TEST_F(SpanTest, SetErrorFirstMessageWins) {
  Span span = tracer_->StartSpan("op");
  span.SetError("connection refused").SetError("second");
  span.Finish();
  EXPECT_EQ(TakeOnly()->FindTag("error")->value, "connection refused");

  Span empty = tracer_->StartSpan("op");
  empty.SetError("").SetError("later");
  empty.Finish();
  EXPECT_EQ(TakeOnly()->FindTag("error")->value, "true");
}

TEST_F(SpanTest, RemoteIpAndPort) {
  struct Case {
    const char* input;
    const char* ipv4;
    const char* ipv6;
  };
  for (const Case& c :
       {Case{"10.1.2.3", "10.1.2.3", ""}, Case{"2001:DB8:0:0:0:0:0:1", "", "2001:db8::1"},
        Case{"::ffff:192.168.0.7", "192.168.0.7", ""}, Case{"::1", "", "::1"}}) {
    Span span = tracer_->StartSpan("op");
    span.SetRemoteIpAndPort(c.input, 8080);
    span.Finish();
    auto record = TakeOnly();
    EXPECT_EQ(record->remote_endpoint.ipv4, c.ipv4) << c.input;
    EXPECT_EQ(record->remote_endpoint.ipv6, c.ipv6) << c.input;
    EXPECT_EQ(record->remote_endpoint.port, 8080) << c.input;
  }
}

TEST_F(SpanTest, InvalidRemoteIpIsIgnoredAndTheLatestValidAddressWins) {
  Span span = tracer_->StartSpan("op");
  span.SetRemoteIpAndPort("2001:db8::2", 1);
  for (const char* bad : {"", "1.2.3", "1.2.3.4.5", "01.2.3.4", "[::1]", "fe80::1%eth0",
                          "host.example", "1.2.3.4:80", " 1.2.3.4"}) {
    span.SetRemoteIpAndPort(bad, 9);
  }
  span.Finish();
  auto record = TakeOnly();
  EXPECT_EQ(record->remote_endpoint.ipv6, "2001:db8::2");
  EXPECT_EQ(record->remote_endpoint.port, 1);

  Span replaced = tracer_->StartSpan("op");
  replaced.SetRemoteIpAndPort("2001:db8::2", 1).SetRemoteIpAndPort("10.0.0.1", 2);
  replaced.Finish();
  record = TakeOnly();
  EXPECT_EQ(record->remote_endpoint.ipv4, "10.0.0.1");
  EXPECT_EQ(record->remote_endpoint.ipv6, "");
  EXPECT_EQ(record->remote_endpoint.port, 2);
}

TEST_F(SpanTest, AnnotationsUseTheSpansOwnClock) {
  clock_.SetNowMicros(5'000'000);
  Span span = tracer_->StartSpan("op");
  clock_.AdvanceNanos(250'000);
  clock_.SetNowMicros(1);  // a wall clock step does not move annotations out of the span
  span.Annotate("ws");
  span.Annotate(4'999'999, "explicit");
  clock_.AdvanceNanos(250'000);
  span.Finish();
  auto record = TakeOnly();
  ASSERT_EQ(record->annotations().size(), 2u);
  EXPECT_EQ(record->annotations()[0].timestamp_us, 5'000'250);
  EXPECT_EQ(record->annotations()[0].value, "ws");
  EXPECT_EQ(record->annotations()[1].timestamp_us, 4'999'999);
  EXPECT_EQ(record->duration_us, 500);
}

TEST_F(SpanTest, AnnotationsOfExplicitlyTimedSpansUseTheWallClock) {
  clock_.SetNowMicros(7'000'000);
  Span span = tracer_->StartSpan("op", {.start_timestamp_us = 6'000'000});
  span.Annotate("now");
  span.Finish(7'500'000);
  EXPECT_EQ(TakeOnly()->annotations()[0].timestamp_us, 7'000'000);
}

TEST_F(SpanTest, RecordAccessForInstrumentation) {
  Span span = tracer_->StartSpan("op");
  ASSERT_NE(span.record(), nullptr);
  span.record()->SetTag("direct", "yes");
  span.Finish();
  EXPECT_EQ(span.record(), nullptr);
  EXPECT_EQ(TakeOnly()->FindTag("direct")->value, "yes");
}

}  // namespace
}  // namespace cairn::trace
