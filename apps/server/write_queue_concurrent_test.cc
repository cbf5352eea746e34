#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <thread>

#include "apps/server/test_store.h"
#include "apps/server/write_queue.h"

namespace cairn::server {
namespace {

using testing::ControllableStore;

codec::SpanList Batch(std::uint64_t first_id, std::size_t count) {
  codec::SpanList spans;
  for (std::size_t i = 0; i < count; ++i) {
    auto span = std::make_unique<trace::SpanRecord>();
    span->trace_id = {0, 0xabc};
    span->id = first_id + i;
    span->timestamp_us = 1'000'000;
    span->SetLocalServiceName("svc");
    spans.push_back(std::move(span));
  }
  return spans;
}

// Submits and returns a future of the status.
std::future<Status> Submit(WriteQueue& queue, codec::SpanList spans) {
  auto promise = std::make_shared<std::promise<Status>>();
  auto future = promise->get_future();
  queue.Submit(std::move(spans), [promise](Status status) { promise->set_value(status); });
  return future;
}

void WaitUntil(const std::function<bool()>& condition) {
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (!condition() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  ASSERT_TRUE(condition());
}

TEST(WriteQueueTest, StoresBatchesAndReportsSuccess) {
  ControllableStore store;
  WriteQueue queue(store, {.max_queued_spans = 100, .writer_threads = 1});
  EXPECT_TRUE(Submit(queue, Batch(1, 3)).get().ok());
  Result<storage::Trace> trace = store.GetTrace({0, 0xabc});
  ASSERT_TRUE(trace.ok());
  EXPECT_EQ(trace->size(), 3u);
  EXPECT_EQ(queue.stats().committed_spans, 3u);
}

TEST(WriteQueueTest, FullQueueRefusesRightAwayAndStoresNothing) {
  ControllableStore store;
  store.BlockAccept();
  WriteQueue queue(store, {.max_queued_spans = 10, .writer_threads = 1});
  auto first = Submit(queue, Batch(1, 4));  // taken by the writer, which blocks
  WaitUntil([&] { return store.accepts_waiting() == 1; });
  auto second = Submit(queue, Batch(10, 8));  // queued: 8 <= 10
  auto third = Submit(queue, Batch(20, 3));   // 8 + 3 > 10: refused
  ASSERT_EQ(third.wait_for(std::chrono::seconds(0)), std::future_status::ready);
  Status refused = third.get();
  EXPECT_EQ(refused.code(), StatusCode::kResourceExhausted);
  EXPECT_NE(refused.message().find("write queue full"), std::string::npos);
  EXPECT_EQ(queue.stats().rejected_batches, 1u);
  EXPECT_EQ(queue.stats().queued_spans, 8u);
  store.Unblock();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(second.get().ok());
  EXPECT_EQ(store.GetTrace({0, 0xabc})->size(), 12u);
}

TEST(WriteQueueTest, OversizedBatchIsTakenWhenQueueIsEmpty) {
  ControllableStore store;
  WriteQueue queue(store, {.max_queued_spans = 5, .writer_threads = 1});
  EXPECT_TRUE(Submit(queue, Batch(1, 20)).get().ok());
}

TEST(WriteQueueTest, QueuedBatchesAreGroupCommitted) {
  ControllableStore store;
  store.BlockAccept();
  WriteQueue queue(store, {.max_queued_spans = 1000, .writer_threads = 1});
  auto first = Submit(queue, Batch(1, 1));
  WaitUntil([&] { return store.accepts_waiting() == 1; });
  std::vector<std::future<Status>> rest;
  for (int i = 0; i < 5; ++i) rest.push_back(Submit(queue, Batch(100 + i * 10, 2)));
  store.Unblock();
  EXPECT_TRUE(first.get().ok());
  for (auto& f : rest) EXPECT_TRUE(f.get().ok());
  // One Accept for the first batch, one for the five queued meanwhile.
  EXPECT_EQ(store.accept_calls(), 2);
  EXPECT_EQ(store.max_accept_size(), 10u);
  EXPECT_EQ(queue.stats().commits, 2u);
  EXPECT_EQ(queue.stats().committed_batches, 6u);
}

TEST(WriteQueueTest, FailedGroupIsRetriedBatchByBatch) {
  ControllableStore store;
  store.FailSpanId(55, Internal("disk on fire"));
  store.BlockAccept();
  WriteQueue queue(store, {.max_queued_spans = 1000, .writer_threads = 1});
  auto first = Submit(queue, Batch(1, 1));
  WaitUntil([&] { return store.accepts_waiting() == 1; });
  auto good = Submit(queue, Batch(10, 2));
  auto bad = Submit(queue, Batch(54, 2));  // ids 54, 55
  auto good2 = Submit(queue, Batch(70, 2));
  store.Unblock();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(good.get().ok());
  Status failed = bad.get();
  EXPECT_EQ(failed.code(), StatusCode::kInternal);
  EXPECT_EQ(failed.message(), "disk on fire");
  EXPECT_TRUE(good2.get().ok());
  EXPECT_EQ(store.GetTrace({0, 0xabc})->size(), 5u);  // nothing of the failed batch
  EXPECT_EQ(queue.stats().failed_batches, 1u);
}

TEST(WriteQueueTest, StopWritesWhatIsQueuedThenRefuses) {
  ControllableStore store;
  store.BlockAccept();
  WriteQueue queue(store, {.max_queued_spans = 1000, .writer_threads = 1});
  auto first = Submit(queue, Batch(1, 1));
  WaitUntil([&] { return store.accepts_waiting() == 1; });
  auto queued = Submit(queue, Batch(10, 1));
  std::thread stopper([&] { queue.Stop(); });
  std::this_thread::sleep_for(std::chrono::milliseconds(20));
  store.Unblock();
  stopper.join();
  EXPECT_TRUE(first.get().ok());
  EXPECT_TRUE(queued.get().ok());
  Status late = Submit(queue, Batch(20, 1)).get();
  EXPECT_EQ(late.code(), StatusCode::kUnavailable);
  EXPECT_EQ(store.GetTrace({0, 0xabc})->size(), 2u);
}

TEST(WriteQueueTest, ManyProducersManyWriters) {
  ControllableStore store;
  WriteQueue queue(store, {.max_queued_spans = 1'000'000, .writer_threads = 3});
  std::atomic<int> ok{0};
  std::vector<std::thread> producers;
  for (int p = 0; p < 4; ++p) {
    producers.emplace_back([&, p] {
      for (int i = 0; i < 50; ++i) {
        if (Submit(queue, Batch(1 + (p * 1000 + i) * 4, 4)).get().ok()) ++ok;
      }
    });
  }
  for (auto& t : producers) t.join();
  EXPECT_EQ(ok.load(), 200);
  EXPECT_EQ(queue.stats().committed_spans, 800u);
  EXPECT_EQ(store.GetTrace({0, 0xabc})->size(), 800u);
}

}  // namespace
}  // namespace cairn::server
