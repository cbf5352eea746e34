// Publisher under concurrent use (run under TSan by `make test-sanitize`): many threads publish
// while the broker is unreachable and another thread closes the publisher midway. Every message
// must be accounted for exactly once and every span reported exactly once.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

#include "lib/trace/tracer_test_util.h"
#include "lib/trace_amqp/consumer.h"
#include "lib/trace_amqp/publisher.h"

namespace cairn::trace_amqp {
namespace {

using std::chrono::milliseconds;

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

TEST(PublisherConcurrentTest, EveryMessageIsCountedOnceWhilePublishersRaceClose) {
  auto reporter = std::make_shared<trace::testing::RecordingReporter>();
  trace::TracerOptions tracer_options;
  tracer_options.service_name = "accountservice";
  tracer_options.reporter = reporter;
  auto tracer = std::move(trace::Tracer::Create(std::move(tracer_options))).value();

  PublisherOptions options;
  options.url = "amqp://127.0.0.1:" + std::to_string(ClosedPort()) + "/";
  options.tracer = tracer.get();
  options.queue_max_messages = 64;
  options.reconnect_backoff = milliseconds(1);
  options.max_reconnect_backoff = milliseconds(5);
  options.close_timeout = milliseconds(20);
  options.log = [](std::string_view) {};
  auto publisher = std::move(Publisher::Create(options)).value();

  constexpr int kThreads = 4;
  constexpr int kPerThread = 500;
  std::atomic<int> ok{0};
  std::atomic<int> not_ok{0};
  std::atomic<bool> go{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      while (!go.load()) std::this_thread::yield();
      trace::Span parent = tracer->StartSpan("getaccount");
      for (int i = 0; i < kPerThread; ++i) {
        Status status = publisher->Publish("", "vip_queue", std::to_string(t * kPerThread + i),
                                           "text/plain", parent);
        (status.ok() ? ok : not_ok).fetch_add(1);
        if (i % 50 == 0) (void)publisher->metrics().queued.load();
      }
      parent.Finish();
    });
  }
  std::thread closer([&] {
    while (!go.load()) std::this_thread::yield();
    std::this_thread::sleep_for(milliseconds(2));
    publisher->Close();
  });
  go.store(true);
  for (auto& thread : threads) thread.join();
  closer.join();
  publisher->Close();

  const PublisherMetrics& m = publisher->metrics();
  EXPECT_EQ(ok.load() + not_ok.load(), kThreads * kPerThread);
  EXPECT_EQ(m.accepted.load(), static_cast<std::uint64_t>(ok.load()));
  EXPECT_EQ(m.dropped.load() + m.rejected.load(), static_cast<std::uint64_t>(not_ok.load()));
  EXPECT_EQ(m.published.load() + m.failed.load(), 0u);
  EXPECT_EQ(m.abandoned.load(), m.accepted.load());
  EXPECT_EQ(m.queued.load(), 0u);
  // One producer span per Publish call plus the parents.
  EXPECT_EQ(reporter->size(), static_cast<std::size_t>(kThreads * kPerThread + kThreads));
  EXPECT_TRUE(publisher->Flush(milliseconds(0)).ok());
}

TEST(ConsumerConcurrentTest, StopFromAnotherThreadWhileReconnecting) {
  auto tracer = std::move(trace::Tracer::Create({.service_name = "vipservice"})).value();
  ConsumerOptions options;
  options.url = "amqp://127.0.0.1:" + std::to_string(ClosedPort()) + "/";
  options.tracer = tracer.get();
  options.queue = "vip_queue";
  options.reconnect_backoff = milliseconds(1);
  options.max_reconnect_backoff = milliseconds(2);
  options.log = [](std::string_view) {};
  for (int round = 0; round < 5; ++round) {
    auto consumer = std::move(Consumer::Start(options, [](const Delivery&, trace::Span&) {
                      return Status::Ok();
                    })).value();
    std::thread waiter([&] { EXPECT_FALSE(consumer->WaitConsuming(milliseconds(1000))); });
    std::this_thread::sleep_for(milliseconds(round));
    std::thread stopper([&] { consumer->Stop(); });
    stopper.join();
    waiter.join();
    consumer->Stop();
    EXPECT_FALSE(consumer->metrics().consuming.load());
  }
}

}  // namespace
}  // namespace cairn::trace_amqp
