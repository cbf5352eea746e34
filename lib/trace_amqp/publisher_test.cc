// Publisher and Consumer without a broker: option validation, and behaviour while the broker is
// unreachable (a loopback port nobody listens on). The broker tests are in
// amqp_integration_test.cc.
#include "lib/trace_amqp/publisher.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <mutex>
#include <thread>

#include "cairn/trace/current_span.h"
#include "lib/trace/tracer_test_util.h"
#include "lib/trace_amqp/consumer.h"

namespace cairn::trace_amqp {
namespace {

using std::chrono::milliseconds;
using ::testing::HasSubstr;
using ::testing::Not;

// A loopback port with no listener: connecting is refused at once.
std::uint16_t ClosedPort() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof(addr);
  EXPECT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
  EXPECT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

template <typename Pred>
bool WaitFor(Pred pred, milliseconds timeout = milliseconds(5000)) {
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

class OfflineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    trace::TracerOptions options;
    options.service_name = "accountservice";
    options.reporter = reporter_;
    tracer_ = std::move(trace::Tracer::Create(std::move(options))).value();
    url_ = "amqp://guest:secret@127.0.0.1:" + std::to_string(ClosedPort()) + "/";
  }

  PublisherOptions Options() {
    PublisherOptions options;
    options.url = url_;
    options.tracer = tracer_.get();
    options.declare_queues = {"vip_queue"};
    options.reconnect_backoff = milliseconds(20);
    options.max_reconnect_backoff = milliseconds(50);
    options.close_timeout = milliseconds(200);
    options.log = [this](std::string_view line) {
      std::lock_guard<std::mutex> lock(log_mu_);
      log_.emplace_back(line);
    };
    return options;
  }

  std::vector<std::string> Log() {
    std::lock_guard<std::mutex> lock(log_mu_);
    return log_;
  }

  std::shared_ptr<trace::testing::RecordingReporter> reporter_ =
      std::make_shared<trace::testing::RecordingReporter>();
  std::unique_ptr<trace::Tracer> tracer_;
  std::string url_;
  std::mutex log_mu_;
  std::vector<std::string> log_;
};

TEST_F(OfflineTest, PublisherOptionsAreValidated) {
  auto expect_error = [&](PublisherOptions options, std::string_view text) {
    auto publisher = Publisher::Create(std::move(options));
    ASSERT_FALSE(publisher.ok()) << text;
    EXPECT_EQ(publisher.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(publisher.status().message(), HasSubstr(text));
  };
  PublisherOptions options = Options();
  options.tracer = nullptr;
  expect_error(options, "tracer is required");
  options = Options();
  options.url = "amqps://h/";
  expect_error(options, "amqp publisher: amqp url");
  options = Options();
  options.queue_max_messages = 0;
  expect_error(options, "queue_max_messages");
  options = Options();
  options.max_body_bytes = options.queue_max_bytes + 1;
  expect_error(options, "max_body_bytes");
  options = Options();
  options.max_attempts = 0;
  expect_error(options, "max_attempts");
  options = Options();
  options.declare_queues = {std::string(256, 'q')};
  expect_error(options, "declare_queues");
  options = Options();
  options.max_reconnect_backoff = milliseconds(1);
  expect_error(options, "max_reconnect_backoff");
  options = Options();
  options.connection.heartbeat = std::chrono::seconds(-5);
  expect_error(options, "heartbeat");
}

TEST_F(OfflineTest, BrokerDownPublishNeverBlocksAndCountsDrops) {
  PublisherOptions options = Options();
  options.queue_max_messages = 5;
  auto created = Publisher::Create(options);
  ASSERT_TRUE(created.ok()) << created.status().message();
  Publisher& publisher = **created;
  ASSERT_TRUE(WaitFor([&] { return publisher.metrics().connect_failures.load() >= 2; }));

  trace::Span parent = tracer_->StartSpan("getaccount");
  int ok = 0;
  int full = 0;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 20; ++i) {
    Status status =
        publisher.Publish("", "vip_queue", R"({"accountId":"10000"})", "application/json", parent);
    if (status.ok()) ++ok;
    if (status.code() == StatusCode::kResourceExhausted) ++full;
  }
  // Far below one reconnect attempt's worth of blocking; a blocking publish would take seconds.
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  EXPECT_EQ(ok, 5);
  EXPECT_EQ(full, 15);
  EXPECT_EQ(publisher.metrics().accepted.load(), 5u);
  EXPECT_EQ(publisher.metrics().dropped.load(), 15u);
  EXPECT_EQ(publisher.metrics().queued.load(), 5u);
  EXPECT_FALSE(publisher.metrics().connected.load());
  EXPECT_FALSE(publisher.WaitConnected(milliseconds(50)));

  // The dropped messages' spans are finished at once, with an error, under the caller's span.
  std::vector<trace::SpanRecordPtr> spans = reporter_->Take();
  ASSERT_EQ(spans.size(), 15u);
  const trace::SpanRecord& dropped = *spans[0];
  EXPECT_EQ(dropped.kind, trace::SpanKind::kProducer);
  EXPECT_EQ(dropped.name, "send vip_queue");
  EXPECT_EQ(dropped.parent_id, parent.context().span_id);
  EXPECT_EQ(dropped.trace_id, parent.context().trace_id);
  EXPECT_EQ(dropped.remote_endpoint.service_name, "rabbitmq");
  EXPECT_EQ(dropped.remote_endpoint.ipv4, "127.0.0.1");
  EXPECT_EQ(TagOr(dropped, "messaging.destination"), "vip_queue");
  EXPECT_EQ(TagOr(dropped, "amqp.routing_key"), "vip_queue");
  EXPECT_EQ(TagOr(dropped, "amqp.exchange"), "-");
  EXPECT_THAT(TagOr(dropped, "error"), HasSubstr("queue full"));

  Status flush = publisher.Flush(milliseconds(50));
  EXPECT_EQ(flush.code(), StatusCode::kDeadlineExceeded);
  EXPECT_THAT(flush.message(), HasSubstr("5 messages still unsent"));

  // Close gives up on the queued messages after close_timeout and says so on their spans.
  publisher.Close();
  EXPECT_EQ(publisher.metrics().abandoned.load(), 5u);
  EXPECT_EQ(publisher.metrics().queued.load(), 0u);
  EXPECT_EQ(publisher.metrics().published.load(), 0u);
  spans = reporter_->Take();
  ASSERT_EQ(spans.size(), 5u);
  EXPECT_THAT(TagOr(*spans[0], "error"), HasSubstr("publisher closed"));
  EXPECT_TRUE(publisher.Flush(milliseconds(0)).ok());

  Status after = publisher.Publish("", "vip_queue", "{}", "application/json");
  EXPECT_EQ(after.code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(publisher.metrics().rejected.load(), 1u);

  // Connection failures were logged, rate limited, without the password.
  const std::vector<std::string> log = Log();
  ASSERT_FALSE(log.empty());
  EXPECT_THAT(log[0], HasSubstr("cannot connect to amqp://guest@127.0.0.1:"));
  for (const std::string& line : log) EXPECT_THAT(line, Not(HasSubstr("secret")));
  EXPECT_LT(log.size(), 6u);
}

TEST_F(OfflineTest, InvalidMessagesAreRejectedWithAnErrorSpan) {
  PublisherOptions options = Options();
  options.max_body_bytes = 16;
  auto publisher = std::move(Publisher::Create(options)).value();

  Status big = publisher->Publish("", "vip_queue", std::string(17, 'x'), "text/plain");
  EXPECT_EQ(big.code(), StatusCode::kInvalidArgument);
  EXPECT_THAT(big.message(), HasSubstr("17 bytes exceeds max_body_bytes (16)"));
  Status long_key = publisher->Publish("", std::string(256, 'k'), "{}", "application/json");
  EXPECT_EQ(long_key.code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(publisher->metrics().rejected.load(), 2u);
  EXPECT_EQ(publisher->metrics().accepted.load(), 0u);
  std::vector<trace::SpanRecordPtr> spans = reporter_->Take();
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_THAT(TagOr(*spans[0], "error"), HasSubstr("max_body_bytes"));
}

TEST_F(OfflineTest, PublishUsesTheCurrentSpanAsParent) {
  auto publisher = std::move(Publisher::Create(Options())).value();
  publisher->Close();  // rejected at once: the span is reported synchronously
  trace::Span parent = tracer_->StartSpan("getaccount");
  {
    trace::Scope scope(parent.context());
    (void)publisher->Publish("", "vip_queue", "{}", "application/json");
  }
  std::vector<trace::SpanRecordPtr> spans = reporter_->Take();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0]->parent_id, parent.context().span_id);
}

TEST_F(OfflineTest, ConsumerOptionsAreValidated) {
  auto handler = [](const Delivery&, trace::Span&) { return Status::Ok(); };
  ConsumerOptions options;
  options.url = url_;
  options.tracer = tracer_.get();
  auto missing_queue = Consumer::Start(options, handler);
  ASSERT_FALSE(missing_queue.ok());
  EXPECT_THAT(missing_queue.status().message(), HasSubstr("queue must be 1..255 bytes"));
  options.queue = "vip_queue";
  auto no_handler = Consumer::Start(options, nullptr);
  ASSERT_FALSE(no_handler.ok());
  EXPECT_THAT(no_handler.status().message(), HasSubstr("handler is required"));
  options.prefetch = 0;
  EXPECT_THAT(Consumer::Start(options, handler).status().message(), HasSubstr("prefetch"));
  options.prefetch = 1;
  options.span_name.clear();
  EXPECT_THAT(Consumer::Start(options, handler).status().message(), HasSubstr("span_name"));
}

TEST_F(OfflineTest, ConsumerKeepsRetryingAndStopsPromptly) {
  ConsumerOptions options;
  options.url = url_;
  options.tracer = tracer_.get();
  options.queue = "vip_queue";
  options.reconnect_backoff = milliseconds(10);
  options.max_reconnect_backoff = milliseconds(20);
  options.log = [](std::string_view) {};
  auto consumer = std::move(Consumer::Start(options, [](const Delivery&, trace::Span&) {
                    return Status::Ok();
                  })).value();
  EXPECT_FALSE(consumer->WaitConsuming(milliseconds(100)));
  EXPECT_TRUE(WaitFor([&] { return consumer->metrics().connect_failures.load() >= 3; }));
  const auto start = std::chrono::steady_clock::now();
  consumer->Stop();
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1000));
  EXPECT_EQ(consumer->metrics().received.load(), 0u);
  EXPECT_FALSE(consumer->metrics().consuming.load());
}

}  // namespace
}  // namespace cairn::trace_amqp
