#include "lib/trace/span_queue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace cairn::trace::internal {
namespace {

using PushResult = SpanQueue::PushResult;

SpanRecordPtr Span(std::uint64_t id) {
  auto span = std::make_unique<SpanRecord>();
  span->id = id;
  return span;
}

TEST(SpanQueueTest, PopsInPushOrder) {
  SpanQueue queue(8, 1000);
  for (std::uint64_t id = 1; id <= 5; ++id) {
    SpanRecordPtr span = Span(id);
    ASSERT_EQ(queue.TryPush(span, 10), PushResult::kOk);
    EXPECT_EQ(span, nullptr);
  }
  SpanQueue::Popped popped;
  for (std::uint64_t id = 1; id <= 5; ++id) {
    ASSERT_TRUE(queue.Pop(popped));
    EXPECT_EQ(popped.span->id, id);
    EXPECT_EQ(popped.bytes, 10u);
  }
  EXPECT_FALSE(queue.Pop(popped));
  EXPECT_EQ(queue.pushed(), 5u);
  EXPECT_EQ(queue.popped(), 5u);
}

TEST(SpanQueueTest, CapacityIsPowerOfTwoButSpanLimitIsExact) {
  SpanQueue queue(5, 1'000'000);
  EXPECT_EQ(queue.capacity(), 8u);
  SpanQueue::Usage after;
  for (std::uint64_t id = 1; id <= 5; ++id) {
    SpanRecordPtr span = Span(id);
    ASSERT_EQ(queue.TryPush(span, 7, &after), PushResult::kOk);
    EXPECT_EQ(after.spans, id);
    EXPECT_EQ(after.bytes, 7 * id);
  }
  SpanRecordPtr sixth = Span(6);
  EXPECT_EQ(queue.TryPush(sixth, 7), PushResult::kSpansFull);
  ASSERT_NE(sixth, nullptr) << "a refused span stays with the caller";
  EXPECT_EQ(sixth->id, 6u);
  EXPECT_EQ(queue.usage().spans, 5u) << "a refused reservation is undone";
  EXPECT_EQ(queue.usage().bytes, 35u);
  EXPECT_EQ(queue.pushed(), 5u);
}

TEST(SpanQueueTest, ByteLimitRefusesWhatDoesNotFit) {
  SpanQueue queue(100, 100);
  SpanRecordPtr a = Span(1), b = Span(2), c = Span(3), d = Span(4), huge = Span(5);
  EXPECT_EQ(queue.TryPush(a, 40), PushResult::kOk);
  EXPECT_EQ(queue.TryPush(b, 40), PushResult::kOk);
  EXPECT_EQ(queue.TryPush(c, 30), PushResult::kBytesFull);
  EXPECT_EQ(queue.TryPush(d, 20), PushResult::kOk) << "exactly at the limit fits";
  EXPECT_EQ(queue.TryPush(huge, 1'000'000), PushResult::kBytesFull);
  EXPECT_EQ(queue.usage().spans, 3u);
  EXPECT_EQ(queue.usage().bytes, 100u);
}

TEST(SpanQueueTest, ReleaseGivesRoomBack) {
  SpanQueue queue(2, 100);
  SpanRecordPtr a = Span(1), b = Span(2), c = Span(3);
  ASSERT_EQ(queue.TryPush(a, 60), PushResult::kOk);
  ASSERT_EQ(queue.TryPush(b, 40), PushResult::kOk);
  ASSERT_EQ(queue.TryPush(c, 1), PushResult::kSpansFull);
  SpanQueue::Popped popped;
  ASSERT_TRUE(queue.Pop(popped));
  EXPECT_EQ(queue.TryPush(c, 1), PushResult::kSpansFull) << "room comes back only on Release";
  queue.Release(1, popped.bytes);
  EXPECT_EQ(queue.usage().spans, 1u);
  EXPECT_EQ(queue.usage().bytes, 40u);
  EXPECT_EQ(queue.TryPush(c, 60), PushResult::kOk);
}

TEST(SpanQueueTest, WrapsAroundManyTimes) {
  SpanQueue queue(3, 1'000'000);
  SpanQueue::Popped popped;
  std::uint64_t next_expected = 0;
  for (std::uint64_t id = 0; id < 10'000; ++id) {
    SpanRecordPtr span = Span(id);
    ASSERT_EQ(queue.TryPush(span, id % 50), PushResult::kOk) << id;
    if (id % 3 == 2) {
      std::uint64_t bytes = 0;
      for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(queue.Pop(popped));
        ASSERT_EQ(popped.span->id, next_expected++);
        bytes += popped.bytes;
      }
      queue.Release(3, bytes);
    }
  }
  EXPECT_EQ(queue.usage().spans, 1u);
  EXPECT_EQ(queue.usage().bytes, 9'999u % 50);
}

TEST(SpanQueueTest, CloseRefusesLaterPushesButKeepsQueuedSpans) {
  SpanQueue queue(4, 1000);
  SpanRecordPtr a = Span(1), b = Span(2);
  ASSERT_EQ(queue.TryPush(a, 10), PushResult::kOk);
  EXPECT_FALSE(queue.closed());
  EXPECT_TRUE(queue.Close());
  EXPECT_FALSE(queue.Close()) << "only the first Close reports closing";
  EXPECT_TRUE(queue.closed());
  EXPECT_EQ(queue.TryPush(b, 10), PushResult::kClosed);
  EXPECT_NE(b, nullptr);
  EXPECT_EQ(queue.usage().spans, 1u) << "the closed bit is not part of the count";
  SpanQueue::Popped popped;
  ASSERT_TRUE(queue.Pop(popped));
  EXPECT_EQ(popped.span->id, 1u);
}

TEST(SpanQueueTest, DestructorFreesQueuedSpans) {
  // Leaks would be reported by the ASan build.
  SpanQueue queue(16, 1'000'000);
  for (std::uint64_t id = 0; id < 10; ++id) {
    SpanRecordPtr span = Span(id);
    ASSERT_EQ(queue.TryPush(span, 100), PushResult::kOk);
  }
}

TEST(SpanQueueTest, ProducersAndConsumerAgreeOnEverySpan) {
  constexpr int kProducers = 4;
  constexpr std::uint64_t kPerProducer = 20'000;
  SpanQueue queue(64, 64 * 100);
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<int> done{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < kProducers; ++p) {
    producers.emplace_back([&, p] {
      for (std::uint64_t i = 0; i < kPerProducer; ++i) {
        SpanRecordPtr span = Span(static_cast<std::uint64_t>(p) << 32 | i);
        const PushResult result = queue.TryPush(span, 1 + i % 100);
        if (result == PushResult::kOk) {
          accepted.fetch_add(1);
        } else {
          ASSERT_TRUE(result == PushResult::kSpansFull || result == PushResult::kBytesFull);
        }
      }
      done.fetch_add(1);
    });
  }
  std::vector<std::uint64_t> last(kProducers, 0);
  std::vector<bool> seen_any(kProducers, false);
  std::uint64_t popped_count = 0;
  SpanQueue::Popped popped;
  while (true) {
    const bool finished = done.load() == kProducers;
    bool got = false;
    while (queue.Pop(popped)) {
      got = true;
      ++popped_count;
      const auto producer = popped.span->id >> 32;
      const auto sequence = popped.span->id & 0xffffffff;
      ASSERT_EQ(popped.bytes, 1 + sequence % 100);
      // Each producer's spans come out in its push order.
      if (seen_any[producer]) {
        ASSERT_GT(sequence, last[producer]);
      }
      seen_any[producer] = true;
      last[producer] = sequence;
      queue.Release(1, popped.bytes);
    }
    if (finished && !got && queue.usage().spans == 0) break;
  }
  for (auto& t : producers) t.join();
  EXPECT_EQ(popped_count, accepted.load());
  EXPECT_EQ(queue.pushed(), accepted.load());
  EXPECT_EQ(queue.usage().bytes, 0u);
}

}  // namespace
}  // namespace cairn::trace::internal
