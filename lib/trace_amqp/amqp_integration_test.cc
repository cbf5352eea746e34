// Publisher and Consumer against a real, private RabbitMQ node (one per test binary, started in
// SetUpTestSuite: about 7 s). Skipped when rabbitmq-server is not installed.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "lib/trace/tracer_test_util.h"
#include "lib/trace_amqp/amqp_connection.h"
#include "lib/trace_amqp/consumer.h"
#include "lib/trace_amqp/publisher.h"
#include "lib/trace_amqp/testing/rabbitmq_node.h"

namespace cairn::trace_amqp {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using testing::RabbitMqNode;
using trace::SpanKind;
using trace::SpanRecordPtr;

template <typename Pred>
bool WaitFor(Pred pred, milliseconds timeout = milliseconds(10000)) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!pred()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(5));
  }
  return true;
}

std::string TagOr(const trace::SpanRecord& span, std::string_view key) {
  const trace::TagView* tag = span.FindTag(key);
  return tag ? std::string(tag->value) : "-";
}

const trace::SpanRecord* FindSpan(const std::vector<SpanRecordPtr>& spans, SpanKind kind) {
  for (const auto& span : spans) {
    if (span->kind == kind) return span.get();
  }
  return nullptr;
}

// What one consumer saw, safe to read from the test thread.
struct Received {
  std::mutex mu;
  std::vector<std::string> bodies;
  std::vector<std::string> content_types;
  std::vector<std::string> b3;  // the `b3` header as the handler saw it

  std::size_t size() {
    std::lock_guard<std::mutex> lock(mu);
    return bodies.size();
  }
  bool Contains(const std::string& body) {
    std::lock_guard<std::mutex> lock(mu);
    return std::find(bodies.begin(), bodies.end(), body) != bodies.end();
  }
};

class AmqpIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!RabbitMqNode::Available()) return;
    auto started = RabbitMqNode::Launch();
    ASSERT_TRUE(started.ok()) << started.status().message();
    node_ = std::move(started).value().release();
  }

  static void TearDownTestSuite() {
    if (node_ == nullptr) return;
    EXPECT_TRUE(node_->Stop().ok());
    // Nothing of the broker survives a stop: no beam, no epmd, no watchdog.
    EXPECT_THAT(node_->Processes(), ::testing::IsEmpty());
    delete node_;
    node_ = nullptr;
  }

  void SetUp() override {
    if (node_ == nullptr) GTEST_SKIP() << RabbitMqNode::UnavailableReason();
    producer_tracer_ = NewTracer("accountservice", producer_spans_);
    consumer_tracer_ = NewTracer("vipservice", consumer_spans_);
  }

  static std::unique_ptr<trace::Tracer> NewTracer(
      const std::string& service, const std::shared_ptr<trace::testing::RecordingReporter>& to) {
    trace::TracerOptions options;
    options.service_name = service;
    options.reporter = to;
    return std::move(trace::Tracer::Create(std::move(options))).value();
  }

  PublisherOptions PublisherFor(const std::string& queue) {
    PublisherOptions options;
    options.url = node_->url();
    options.tracer = producer_tracer_.get();
    options.declare_queues = {queue};
    options.reconnect_backoff = milliseconds(50);
    options.max_reconnect_backoff = milliseconds(300);
    options.connection.connection_name = "cairn test publisher";
    return options;
  }

  std::unique_ptr<Consumer> StartConsumer(const std::string& queue, Received& received,
                                          Status result = Status::Ok()) {
    ConsumerOptions options;
    options.url = node_->url();
    options.tracer = consumer_tracer_.get();
    options.queue = queue;
    options.span_name = "vipservice#onMessage";
    options.reconnect_backoff = milliseconds(50);
    options.max_reconnect_backoff = milliseconds(300);
    options.poll_interval = milliseconds(50);
    auto consumer =
        Consumer::Start(options, [&received, result](const Delivery& delivery, trace::Span& span) {
          std::string_view b3[1];
          const std::size_t n = delivery.headers->Get("b3", b3, 1);
          span.Annotate("handled");
          std::lock_guard<std::mutex> lock(received.mu);
          received.bodies.emplace_back(delivery.body);
          received.content_types.emplace_back(delivery.content_type);
          received.b3.emplace_back(n > 0 ? std::string(b3[0]) : "-");
          return result;
        });
    EXPECT_TRUE(consumer.ok()) << consumer.status().message();
    EXPECT_TRUE((*consumer)->WaitConsuming(milliseconds(10000)));
    return std::move(consumer).value();
  }

  static RabbitMqNode* node_;
  std::shared_ptr<trace::testing::RecordingReporter> producer_spans_ =
      std::make_shared<trace::testing::RecordingReporter>();
  std::shared_ptr<trace::testing::RecordingReporter> consumer_spans_ =
      std::make_shared<trace::testing::RecordingReporter>();
  std::unique_ptr<trace::Tracer> producer_tracer_;
  std::unique_ptr<trace::Tracer> consumer_tracer_;
};

RabbitMqNode* AmqpIntegrationTest::node_ = nullptr;

TEST_F(AmqpIntegrationTest, ConsumerSpanIsAChildOfTheProducerSpan) {
  Received received;
  auto consumer = StartConsumer("vip_queue", received);
  auto publisher = std::move(Publisher::Create(PublisherFor("vip_queue"))).value();
  ASSERT_TRUE(publisher->WaitConnected(milliseconds(5000)));

  trace::Span request = producer_tracer_->StartSpan("getaccount");
  const std::string body = R"({"accountId":"10000","readAt":"2024-01-01T00:00:00Z"})";
  ASSERT_TRUE(publisher->Publish("", "vip_queue", body, "application/json", request).ok());
  ASSERT_TRUE(publisher->Flush(milliseconds(5000)).ok());
  ASSERT_TRUE(WaitFor([&] { return consumer_spans_->size() == 1; }));
  request.Finish();

  const std::vector<SpanRecordPtr> produced = producer_spans_->Take();
  const std::vector<SpanRecordPtr> consumed = consumer_spans_->Take();
  const trace::SpanRecord* producer = FindSpan(produced, SpanKind::kProducer);
  const trace::SpanRecord* server = FindSpan(produced, SpanKind::kUnspecified);
  ASSERT_NE(producer, nullptr);
  ASSERT_NE(server, nullptr);
  ASSERT_EQ(consumed.size(), 1u);
  const trace::SpanRecord& consumer_span = *consumed[0];

  EXPECT_EQ(producer->name, "send vip_queue");
  EXPECT_EQ(producer->parent_id, server->id);
  EXPECT_EQ(producer->local_endpoint.service_name, "accountservice");
  EXPECT_EQ(producer->remote_endpoint.service_name, "rabbitmq");
  EXPECT_EQ(producer->remote_endpoint.port, node_->port());
  EXPECT_EQ(TagOr(*producer, "messaging.destination"), "vip_queue");
  EXPECT_EQ(TagOr(*producer, "amqp.routing_key"), "vip_queue");
  EXPECT_EQ(TagOr(*producer, "error"), "-");
  EXPECT_GT(producer->duration_us, 0);

  EXPECT_EQ(consumer_span.kind, SpanKind::kConsumer);
  EXPECT_EQ(consumer_span.name, "vipservice#onMessage");
  EXPECT_EQ(consumer_span.trace_id, server->trace_id);
  EXPECT_EQ(consumer_span.parent_id, producer->id);
  EXPECT_NE(consumer_span.id, producer->id);
  EXPECT_FALSE(consumer_span.shared);
  EXPECT_EQ(consumer_span.local_endpoint.service_name, "vipservice");
  EXPECT_EQ(consumer_span.remote_endpoint.service_name, "rabbitmq");
  EXPECT_EQ(TagOr(consumer_span, "messaging.destination"), "vip_queue");
  EXPECT_EQ(TagOr(consumer_span, "amqp.routing_key"), "vip_queue");
  ASSERT_EQ(consumer_span.annotations().size(), 1u);
  EXPECT_EQ(consumer_span.annotations()[0].value, "handled");

  ASSERT_EQ(received.size(), 1u);
  EXPECT_EQ(received.bodies[0], body);
  EXPECT_EQ(received.content_types[0], "application/json");
  EXPECT_EQ(received.b3[0], producer->trace_id.ToHex() + "-" + trace::Hex64(producer->id) + "-1");

  EXPECT_EQ(publisher->metrics().published.load(), 1u);
  EXPECT_EQ(publisher->metrics().failed.load(), 0u);
  EXPECT_TRUE(WaitFor([&] { return consumer->metrics().acked.load() == 1; }));
  EXPECT_EQ(consumer->metrics().received.load(), 1u);
}

TEST_F(AmqpIntegrationTest, ConsumesTheGoServicesLowerCaseHeaders) {
  Received received;
  auto consumer = StartConsumer("go_queue", received);
  // Publish as the original Go services did: x-b3-* TextMap keys, `true` for sampled; one value
  // as a byte array.
  internal::Connection raw;
  BrokerUrl broker = std::move(ParseBrokerUrl(node_->url())).value();
  ASSERT_TRUE(raw.Open(broker, ConnectionSettings{}).ok());
  std::vector<std::pair<std::string, std::string>> headers = {
      {"x-b3-traceid", "48485a3953bb6124"},
      {"x-b3-spanid", "a2fb4a1d1a96d312"},
      {"x-b3-parentspanid", "0020000000000001"},
      {"x-b3-sampled", "true"},
      {"x-b3-flags", "0"}};
  std::vector<amqp_table_entry_t> entries(headers.size());
  for (std::size_t i = 0; i < headers.size(); ++i) {
    entries[i].key = amqp_bytes_t{headers[i].first.size(), headers[i].first.data()};
    entries[i].value.kind = i == 1 ? AMQP_FIELD_KIND_BYTES : AMQP_FIELD_KIND_UTF8;
    entries[i].value.value.bytes = amqp_bytes_t{headers[i].second.size(), headers[i].second.data()};
  }
  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_HEADERS_FLAG | AMQP_BASIC_CONTENT_TYPE_FLAG;
  props.headers = amqp_table_t{static_cast<int>(entries.size()), entries.data()};
  props.content_type = amqp_cstring_bytes("application/json");
  ASSERT_EQ(amqp_basic_publish(raw.get(), internal::Connection::kChannel, amqp_empty_bytes,
                               amqp_cstring_bytes("go_queue"), 0, 0, &props,
                               amqp_cstring_bytes(R"({"accountId":"10000"})")),
            AMQP_STATUS_OK);
  // A message with garbage trace headers still reaches the handler, in a new trace.
  std::string bad_key = "b3";
  std::string bad_value = "garbage";
  amqp_table_entry_t bad{amqp_bytes_t{bad_key.size(), bad_key.data()}, {}};
  bad.value.kind = AMQP_FIELD_KIND_UTF8;
  bad.value.value.bytes = amqp_bytes_t{bad_value.size(), bad_value.data()};
  props.headers = amqp_table_t{1, &bad};
  ASSERT_EQ(amqp_basic_publish(raw.get(), internal::Connection::kChannel, amqp_empty_bytes,
                               amqp_cstring_bytes("go_queue"), 0, 0, &props,
                               amqp_cstring_bytes("second")),
            AMQP_STATUS_OK);
  raw.Close();

  ASSERT_TRUE(WaitFor([&] { return consumer_spans_->size() == 2; }));
  const std::vector<SpanRecordPtr> spans = consumer_spans_->Take();
  EXPECT_EQ(spans[0]->trace_id.ToHex(), "48485a3953bb6124");
  EXPECT_EQ(trace::Hex64(spans[0]->parent_id), "a2fb4a1d1a96d312");
  EXPECT_EQ(spans[0]->kind, SpanKind::kConsumer);
  EXPECT_NE(spans[1]->trace_id.ToHex(), "48485a3953bb6124");
  EXPECT_EQ(spans[1]->parent_id, 0u);  // a new root
  EXPECT_TRUE(received.Contains("second"));
  EXPECT_TRUE(WaitFor([&] { return consumer->metrics().acked.load() == 2; }));
}

TEST_F(AmqpIntegrationTest, HandlerErrorRejectsTheMessageAndTagsTheSpan) {
  Received received;
  auto consumer = StartConsumer("failing_queue", received, Internal("database unavailable"));
  auto publisher = std::move(Publisher::Create(PublisherFor("failing_queue"))).value();
  ASSERT_TRUE(publisher->Publish("", "failing_queue", "x", "text/plain").ok());
  ASSERT_TRUE(WaitFor([&] { return consumer_spans_->size() == 1; }));
  const std::vector<SpanRecordPtr> spans = consumer_spans_->Take();
  EXPECT_EQ(TagOr(*spans[0], "error"), "database unavailable");
  EXPECT_EQ(consumer->metrics().handler_errors.load(), 1u);
  // Rejected without requeue: not delivered again.
  std::this_thread::sleep_for(milliseconds(200));
  EXPECT_EQ(received.size(), 1u);
  EXPECT_EQ(consumer->metrics().acked.load(), 0u);
}

TEST_F(AmqpIntegrationTest, BrokerRefusalsFailTheMessageNotThePublisher) {
  auto publisher = std::move(Publisher::Create(PublisherFor("good_queue"))).value();
  ASSERT_TRUE(publisher->Publish("", "no_such_queue", "lost", "text/plain").ok());
  ASSERT_TRUE(publisher->Publish("no_such_exchange", "k", "lost", "text/plain").ok());
  ASSERT_TRUE(publisher->Publish("", "good_queue", "kept", "text/plain").ok());
  ASSERT_TRUE(publisher->Flush(milliseconds(10000)).ok());
  EXPECT_EQ(publisher->metrics().failed.load(), 2u);
  EXPECT_EQ(publisher->metrics().published.load(), 1u);

  const std::vector<SpanRecordPtr> spans = producer_spans_->Take();
  ASSERT_EQ(spans.size(), 3u);
  EXPECT_THAT(TagOr(*spans[0], "error"), HasSubstr("unroutable: 312 NO_ROUTE"));
  EXPECT_THAT(TagOr(*spans[1], "error"), HasSubstr("404 NOT_FOUND"));
  EXPECT_EQ(spans[1]->name, "send k");
  EXPECT_EQ(TagOr(*spans[1], "amqp.exchange"), "no_such_exchange");
  EXPECT_EQ(TagOr(*spans[2], "error"), "-");
}

TEST_F(AmqpIntegrationTest, CloseIsBoundedWhenTheBrokerBlocksPublishers) {
  PublisherOptions options = PublisherFor("blocked_queue");
  options.confirm_timeout = milliseconds(30000);
  options.close_timeout = milliseconds(200);
  auto publisher = std::move(Publisher::Create(options)).value();
  ASSERT_TRUE(publisher->WaitConnected(milliseconds(5000)));
  // A memory alarm: the broker stops reading from publishing connections.
  ASSERT_TRUE(node_->Ctl({"set_vm_memory_high_watermark", "0"}).ok());
  ASSERT_TRUE(publisher->Publish("", "blocked_queue", "stuck", "text/plain").ok());
  ASSERT_TRUE(WaitFor([&] { return publisher->metrics().queued.load() == 0; }));
  std::this_thread::sleep_for(milliseconds(300));
  EXPECT_EQ(publisher->metrics().published.load(), 0u);

  const auto start = std::chrono::steady_clock::now();
  publisher->Close();
  const auto took = std::chrono::steady_clock::now() - start;
  EXPECT_TRUE(node_->Ctl({"set_vm_memory_high_watermark", "0.4"}).ok());
  EXPECT_LT(took, milliseconds(3000));
  EXPECT_EQ(publisher->metrics().abandoned.load(), 1u);
  const std::vector<SpanRecordPtr> spans = producer_spans_->Take();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_THAT(TagOr(*spans[0], "error"), HasSubstr("publisher closed"));
}

TEST_F(AmqpIntegrationTest, BrokerRestartPublishingResumesAndOutageIsCounted) {
  Received received;
  auto consumer = StartConsumer("restart_queue", received);
  auto publisher = std::move(Publisher::Create(PublisherFor("restart_queue"))).value();
  PublisherOptions small = PublisherFor("restart_queue");
  small.queue_max_messages = 3;
  auto small_publisher = std::move(Publisher::Create(small)).value();
  ASSERT_TRUE(publisher->WaitConnected(milliseconds(5000)));
  ASSERT_TRUE(small_publisher->WaitConnected(milliseconds(5000)));
  ASSERT_TRUE(publisher->Publish("", "restart_queue", "before", "text/plain").ok());
  ASSERT_TRUE(WaitFor([&] { return received.Contains("before"); }));

  ASSERT_TRUE(node_->Stop().ok());
  ASSERT_TRUE(WaitFor([&] {
    return !publisher->metrics().connected.load() && !small_publisher->metrics().connected.load() &&
           !consumer->metrics().consuming.load();
  }));

  // While the broker is down Publish returns at once: messages queue up, the overflow is dropped.
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(
        publisher->Publish("", "restart_queue", "during-" + std::to_string(i), "text/plain").ok());
    (void)small_publisher->Publish("", "restart_queue", "small-" + std::to_string(i), "text/plain");
  }
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(500));
  EXPECT_EQ(publisher->metrics().queued.load(), 5u);
  EXPECT_EQ(small_publisher->metrics().queued.load(), 3u);
  EXPECT_EQ(small_publisher->metrics().dropped.load(), 2u);
  EXPECT_TRUE(WaitFor([&] { return publisher->metrics().connect_failures.load() > 0; }));

  ASSERT_TRUE(node_->Start().ok());
  ASSERT_TRUE(publisher->Flush(milliseconds(15000)).ok());
  ASSERT_TRUE(small_publisher->Flush(milliseconds(15000)).ok());
  ASSERT_TRUE(publisher->Publish("", "restart_queue", "after", "text/plain").ok());
  ASSERT_TRUE(WaitFor([&] { return received.Contains("after"); }, milliseconds(15000)));
  for (int i = 0; i < 5; ++i) {
    EXPECT_TRUE(WaitFor([&] { return received.Contains("during-" + std::to_string(i)); }));
  }
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(received.Contains("small-" + std::to_string(i)));
  EXPECT_FALSE(received.Contains("small-3"));

  EXPECT_EQ(publisher->metrics().published.load(), 7u);
  EXPECT_EQ(publisher->metrics().failed.load(), 0u);
  EXPECT_GE(publisher->metrics().connects.load(), 2u);
  EXPECT_EQ(small_publisher->metrics().published.load(), 3u);
  EXPECT_GE(consumer->metrics().connects.load(), 2u);
  EXPECT_TRUE(consumer->metrics().consuming.load());
}

}  // namespace
}  // namespace cairn::trace_amqp
