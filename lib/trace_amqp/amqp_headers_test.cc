#include "lib/trace_amqp/amqp_headers.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "cairn/trace/tracer.h"
#include "lib/trace/tracer_test_util.h"
#include "lib/trace_amqp/messaging_span.h"

namespace cairn::trace_amqp {
namespace {

using trace::ExtractOutcome;
using trace::SamplingDecision;

// An AMQP table built entry by entry, with values of any kind.
class TableBuilder {
 public:
  TableBuilder& Str(std::string key, std::string value, std::uint8_t kind = AMQP_FIELD_KIND_UTF8) {
    keys_.push_back(std::move(key));
    values_.push_back(std::move(value));
    kinds_.push_back(kind);
    return *this;
  }
  TableBuilder& Bytes(std::string key, std::string value) {
    return Str(std::move(key), std::move(value), AMQP_FIELD_KIND_BYTES);
  }
  TableBuilder& Int(std::string key, std::int32_t value) {
    keys_.push_back(std::move(key));
    values_.emplace_back();
    kinds_.push_back(AMQP_FIELD_KIND_I32);
    ints_.push_back({keys_.size() - 1, value});
    return *this;
  }
  amqp_table_t Build() {
    entries_.resize(keys_.size());
    for (std::size_t i = 0; i < keys_.size(); ++i) {
      entries_[i].key = amqp_bytes_t{keys_[i].size(), keys_[i].data()};
      entries_[i].value.kind = kinds_[i];
      entries_[i].value.value.bytes = amqp_bytes_t{values_[i].size(), values_[i].data()};
    }
    for (const auto& [index, value] : ints_) entries_[index].value.value.i32 = value;
    return amqp_table_t{static_cast<int>(entries_.size()), entries_.data()};
  }

 private:
  std::vector<std::string> keys_;
  std::vector<std::string> values_;
  std::vector<std::uint8_t> kinds_;
  std::vector<std::pair<std::size_t, std::int32_t>> ints_;
  std::vector<amqp_table_entry_t> entries_;
};

class AmqpHeadersTest : public ::testing::Test {
 protected:
  std::unique_ptr<trace::Tracer> NewTracer(bool inject_w3c = true) {
    trace::TracerOptions options;
    options.service_name = "accountservice";
    options.reporter = reporter_;
    options.propagation.inject_w3c = inject_w3c;
    auto tracer = trace::Tracer::Create(std::move(options));
    EXPECT_TRUE(tracer.ok()) << tracer.status().message();
    return std::move(tracer).value();
  }

  trace::Extracted Extract(amqp_table_t table) {
    auto tracer = NewTracer();
    return tracer->Extract(AmqpTableReader(table));
  }

  std::shared_ptr<trace::testing::RecordingReporter> reporter_ =
      std::make_shared<trace::testing::RecordingReporter>();
};

TEST_F(AmqpHeadersTest, SingleB3HeaderAsLongString) {
  TableBuilder table;
  table.Str("b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1");
  const trace::Extracted got = Extract(table.Build());
  ASSERT_EQ(got.outcome, ExtractOutcome::kContext);
  EXPECT_EQ(got.context.trace_id.ToHex(), "463ac35c9f6413ad48485a3953bb6124");
  EXPECT_EQ(trace::Hex64(got.context.span_id), "a2fb4a1d1a96d312");
  EXPECT_EQ(got.context.sampled, SamplingDecision::kAccept);
}

TEST_F(AmqpHeadersTest, SingleB3HeaderAsByteArrayAndUpperCaseKey) {
  TableBuilder table;
  table.Bytes("B3", "48485a3953bb6124-a2fb4a1d1a96d312-d");
  const trace::Extracted got = Extract(table.Build());
  ASSERT_EQ(got.outcome, ExtractOutcome::kContext);
  EXPECT_EQ(got.context.trace_id.ToHex(), "48485a3953bb6124");
  EXPECT_TRUE(got.context.debug);
}

TEST_F(AmqpHeadersTest, GoServicesLowerCaseMultiHeaders) {
  // What zipkin-go-opentracing's TextMap injector wrote into the original services' messages.
  TableBuilder table;
  table.Str("x-b3-traceid", "48485a3953bb6124")
      .Str("x-b3-spanid", "a2fb4a1d1a96d312")
      .Str("x-b3-parentspanid", "0020000000000001")
      .Bytes("x-b3-sampled", "true")
      .Str("x-b3-flags", "0");
  const trace::Extracted got = Extract(table.Build());
  ASSERT_EQ(got.outcome, ExtractOutcome::kContext);
  EXPECT_EQ(got.context.trace_id.ToHex(), "48485a3953bb6124");
  EXPECT_EQ(trace::Hex64(got.context.span_id), "a2fb4a1d1a96d312");
  EXPECT_EQ(trace::Hex64(got.context.parent_id), "0020000000000001");
  EXPECT_EQ(got.context.sampled, SamplingDecision::kAccept);
  EXPECT_FALSE(got.context.debug);
}

TEST_F(AmqpHeadersTest, MultiHeaderDebugFlagAndDeniedSampling) {
  TableBuilder debug;
  debug.Str("x-b3-traceid", "48485a3953bb6124")
      .Str("x-b3-spanid", "a2fb4a1d1a96d312")
      .Str("x-b3-flags", "1");
  EXPECT_TRUE(Extract(debug.Build()).context.debug);

  TableBuilder denied;
  denied.Str("x-b3-traceid", "48485a3953bb6124")
      .Str("x-b3-spanid", "a2fb4a1d1a96d312")
      .Str("x-b3-sampled", "false");
  const trace::Extracted got = Extract(denied.Build());
  ASSERT_EQ(got.outcome, ExtractOutcome::kContext);
  EXPECT_EQ(got.context.sampled, SamplingDecision::kDeny);
}

TEST_F(AmqpHeadersTest, SingleHeaderWinsOverMultiHeaders) {
  TableBuilder table;
  table.Str("x-b3-traceid", "1111111111111111")
      .Str("x-b3-spanid", "2222222222222222")
      .Str("b3", "3333333333333333-4444444444444444-1");
  const trace::Extracted got = Extract(table.Build());
  ASSERT_EQ(got.outcome, ExtractOutcome::kContext);
  EXPECT_EQ(got.context.trace_id.ToHex(), "3333333333333333");
}

TEST_F(AmqpHeadersTest, ValuesOfOtherTypesAreIgnored) {
  TableBuilder table;
  table.Int("x-b3-traceid", 12345).Int("x-b3-spanid", 678).Int("b3", 1);
  EXPECT_EQ(Extract(table.Build()).outcome, ExtractOutcome::kAbsent);

  // A string trace id with a numeric span id is an incomplete context, not a crash.
  TableBuilder mixed;
  mixed.Str("x-b3-traceid", "48485a3953bb6124").Int("x-b3-spanid", 678);
  EXPECT_NE(Extract(mixed.Build()).outcome, ExtractOutcome::kContext);
}

TEST_F(AmqpHeadersTest, BadValuesNeverYieldAContext) {
  const std::vector<std::vector<std::pair<std::string, std::string>>> cases = {
      {{"b3", "not-a-trace"}},
      {{"b3", ""}},
      {{"b3", "463AC35C9F6413AD-A2FB4A1D1A96D312-1"}},  // upper case
      {{"b3", std::string(200, 'a')}},
      {{"x-b3-traceid", "xyz"}, {"x-b3-spanid", "a2fb4a1d1a96d312"}},
      {{"x-b3-traceid", "48485a3953bb6124"}, {"x-b3-spanid", "-"}},
      {{"x-b3-traceid", "48485a3953bb6124"},
       {"x-b3-spanid", "a2fb4a1d1a96d312"},
       {"x-b3-sampled", "maybe"}},
      {{"x-b3-traceid", std::string("48485a3953bb\0"
                                    "124",
                                    16)},
       {"x-b3-spanid", "a2fb4a1d1a96d312"}},
  };
  for (const auto& entries : cases) {
    TableBuilder table;
    for (const auto& [key, value] : entries) table.Str(key, value);
    const trace::Extracted got = Extract(table.Build());
    EXPECT_NE(got.outcome, ExtractOutcome::kContext) << entries.front().second;
    EXPECT_FALSE(got.context.IsValid());
  }
}

TEST_F(AmqpHeadersTest, EmptyAndNullTables) {
  EXPECT_EQ(Extract(amqp_empty_table).outcome, ExtractOutcome::kAbsent);
  amqp_table_t null_entries{3, nullptr};  // a count without entries must not be read
  EXPECT_EQ(Extract(null_entries).outcome, ExtractOutcome::kAbsent);
}

TEST_F(AmqpHeadersTest, ReaderReturnsEveryValueOfARepeatedKey) {
  TableBuilder table;
  table.Str("b3", "first").Bytes("B3", "second").Int("b3", 3);
  amqp_table_t built = table.Build();
  AmqpTableReader reader(built);
  std::string_view values[4];
  ASSERT_EQ(reader.Get("b3", values, 4), 2u);
  EXPECT_EQ(values[0], "first");
  EXPECT_EQ(values[1], "second");
  EXPECT_EQ(reader.Get("b3", values, 1), 2u);  // the total, even when fewer are copied
  EXPECT_EQ(reader.Get("x-b3-traceid", values, 4), 0u);
}

TEST_F(AmqpHeadersTest, ProducerInjectionWritesSingleB3WithoutParent) {
  auto tracer = NewTracer(/*inject_w3c=*/false);
  trace::Span parent = tracer->StartSpan("getaccount");
  trace::SpanOptions options;
  options.kind = trace::SpanKind::kProducer;
  options.parent = &parent.context();
  trace::Span producer = tracer->StartSpan("send vip_queue", options);

  MessageHeaders headers;
  headers.Set("app", "accountservice");
  tracer->Inject(producer.context(), trace::SpanKind::kProducer, headers);
  ASSERT_EQ(headers.entries().size(), 2u);
  EXPECT_EQ(headers.entries()[1].first, "b3");
  EXPECT_EQ(headers.entries()[1].second, producer.context().trace_id.ToHex() + "-" +
                                             trace::Hex64(producer.context().span_id) + "-1");
}

TEST_F(AmqpHeadersTest, InjectedHeadersSurviveTheWireEncoding) {
  auto tracer = NewTracer();
  trace::SpanOptions options;
  options.kind = trace::SpanKind::kProducer;
  trace::Span producer = tracer->StartSpan("send vip_queue", options);
  MessageHeaders headers;
  tracer->Inject(producer.context(), trace::SpanKind::kProducer, headers);
  EXPECT_TRUE(std::any_of(headers.entries().begin(), headers.entries().end(),
                          [](const auto& entry) { return entry.first == "traceparent"; }));

  // Encode as rabbitmq-c does on publish, decode as it does on receive.
  std::vector<char> buffer(4096);
  amqp_bytes_t encoded{buffer.size(), buffer.data()};
  amqp_table_t table = headers.AsTable();
  std::size_t offset = 0;
  ASSERT_EQ(amqp_encode_table(encoded, &table, &offset), AMQP_STATUS_OK);
  amqp_pool_t pool;
  init_amqp_pool(&pool, 4096);
  amqp_table_t decoded;
  std::size_t read_offset = 0;
  ASSERT_EQ(amqp_decode_table(amqp_bytes_t{offset, buffer.data()}, &pool, &decoded, &read_offset),
            AMQP_STATUS_OK);
  const trace::Extracted got = tracer->Extract(AmqpTableReader(decoded));
  empty_amqp_pool(&pool);
  ASSERT_EQ(got.outcome, ExtractOutcome::kContext);
  EXPECT_EQ(got.context.trace_id, producer.context().trace_id);
  EXPECT_EQ(got.context.span_id, producer.context().span_id);
}

TEST_F(AmqpHeadersTest, MessageHeadersSetReplacesCaseInsensitivelyAndRefusesLongNames) {
  MessageHeaders headers;
  headers.Set("B3", "0");
  headers.Set("b3", "1");
  headers.Set("", "x");
  headers.Set(std::string(256, 'k'), "x");
  ASSERT_EQ(headers.entries().size(), 1u);
  EXPECT_EQ(headers.entries()[0].first, "b3");
  EXPECT_EQ(headers.entries()[0].second, "1");
  EXPECT_EQ(headers.ByteSize(), 3u);
  const amqp_table_t table = headers.AsTable();
  ASSERT_EQ(table.num_entries, 1);
  EXPECT_EQ(table.entries[0].value.kind, AMQP_FIELD_KIND_UTF8);
}

TEST(MessagingSpanTest, ProducerSpanNames) {
  EXPECT_EQ(ProducerSpanName("", "vip_queue"), "send vip_queue");
  EXPECT_EQ(ProducerSpanName("events", "user.created"), "send user.created");
  EXPECT_EQ(ProducerSpanName("fanout", ""), "send fanout");
  EXPECT_EQ(ProducerSpanName("", ""), "send");
}

}  // namespace
}  // namespace cairn::trace_amqp
