// AsyncReporter under many producer threads (run under TSan via the `concurrent` label): exact
// accounting (every reported span is either received by the sender or counted as dropped, never
// both, never twice), no loss when the queue has room, Flush semantics while others report, and
// Close racing with producers.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

#include "cairn/trace/reporter.h"
#include "lib/trace/reporter_test_util.h"
#include "lib/trace/span_queue.h"

namespace cairn::trace {
namespace {

using namespace std::chrono_literals;
using testing::MakeSpan;

constexpr int kThreads = 8;
constexpr std::uint64_t kSpansPerThread = 10'000;
constexpr std::uint64_t kTotal = kThreads * kSpansPerThread;

// Decodes every body and keeps the set of span ids received; counts duplicates.
class CollectingSender final : public Sender {
 public:
  struct State {
    std::mutex mu;
    std::unordered_set<std::uint64_t> ids;
    std::uint64_t duplicates = 0;
    std::uint64_t malformed = 0;
    std::chrono::microseconds delay{0};

    bool Has(std::uint64_t id) {
      std::lock_guard lock(mu);
      return ids.count(id) != 0;
    }
    std::size_t size() {
      std::lock_guard lock(mu);
      return ids.size();
    }
  };

  explicit CollectingSender(std::shared_ptr<State> state) : state_(std::move(state)) {}

  Status Send(std::string_view body, Encoding encoding) override {
    std::vector<std::uint64_t> ids;
    if (encoding == Encoding::kProto3) {
      auto decoded = testing::Proto3SpanIds(body);
      if (decoded) ids = std::move(*decoded);
    } else {
      ids = testing::JsonSpanIds(body);
    }
    std::chrono::microseconds delay;
    {
      std::lock_guard lock(state_->mu);
      if (ids.empty()) ++state_->malformed;
      for (std::uint64_t id : ids) {
        if (!state_->ids.insert(id).second) ++state_->duplicates;
      }
      delay = state_->delay;
    }
    if (delay.count() > 0) std::this_thread::sleep_for(delay);
    return Status::Ok();
  }

 private:
  std::shared_ptr<State> state_;
};

std::shared_ptr<AsyncReporter> MakeReporter(const std::shared_ptr<CollectingSender::State>& state,
                                            const AsyncReporterOptions& options) {
  auto reporter = AsyncReporter::Create(std::make_unique<CollectingSender>(state), options);
  EXPECT_TRUE(reporter.ok()) << reporter.status().ToString();
  return *reporter;
}

// Ids unique across threads: thread in the high bits, sequence in the low ones (never 0).
std::uint64_t SpanIdOf(int thread, std::uint64_t i) {
  return (static_cast<std::uint64_t>(thread + 1) << 32) | (i + 1);
}

void ReportFromThreads(AsyncReporter& reporter, std::uint64_t per_thread = kSpansPerThread) {
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&reporter, t, per_thread] {
      for (std::uint64_t i = 0; i < per_thread; ++i) reporter.Report(MakeSpan(SpanIdOf(t, i)));
    });
  }
  for (auto& thread : threads) thread.join();
}

TEST(AsyncReporterConcurrentTest, ExactAccountingWhenTheQueueOverflows) {
  auto state = std::make_shared<CollectingSender::State>();
  state->delay = 300us;  // slow collector: the queue fills and spans are dropped
  AsyncReporterOptions options;
  options.encoding = Encoding::kProto3;
  options.queued_max_spans = 500;
  options.message_max_bytes = 8000;
  options.message_timeout = 5ms;
  options.close_timeout = 10s;
  auto reporter = MakeReporter(state, options);
  ReportFromThreads(*reporter);
  reporter->Close();

  const ReporterMetrics& metrics = reporter->metrics();
  std::lock_guard lock(state->mu);
  EXPECT_EQ(state->duplicates, 0u);
  EXPECT_EQ(state->malformed, 0u);
  const std::uint64_t received = state->ids.size();
  EXPECT_EQ(received + metrics.SpansDropped(), kTotal);
  EXPECT_EQ(metrics.spans + metrics.spans_dropped_queue_full + metrics.spans_dropped_bytes_full,
            kTotal);
  EXPECT_EQ(metrics.spans, received) << "everything accepted was sent on close";
  EXPECT_GT(metrics.spans_dropped_queue_full, 0u) << "the slow sender should force drops";
  EXPECT_EQ(metrics.queued_spans, 0u);
  EXPECT_EQ(metrics.queued_bytes, 0u);
  for (std::uint64_t id : state->ids) {
    ASSERT_GE(id >> 32, 1u);
    ASSERT_LE(id >> 32, static_cast<std::uint64_t>(kThreads));
    ASSERT_LE(id & 0xffffffff, kSpansPerThread);
  }
}

TEST(AsyncReporterConcurrentTest, NothingIsLostWhenTheQueueHasRoom) {
  auto state = std::make_shared<CollectingSender::State>();
  AsyncReporterOptions options;
  options.encoding = Encoding::kProto3;
  options.queued_max_spans = kTotal;
  options.queued_max_bytes = 256u << 20;
  options.message_timeout = 10ms;
  options.close_timeout = 30s;
  auto reporter = MakeReporter(state, options);
  ReportFromThreads(*reporter);
  ASSERT_TRUE(reporter->Flush(30s).ok());
  EXPECT_EQ(state->size(), kTotal);
  const ReporterMetrics& metrics = reporter->metrics();
  EXPECT_EQ(metrics.spans, kTotal);
  EXPECT_EQ(metrics.SpansDropped(), 0u);
  std::lock_guard lock(state->mu);
  EXPECT_EQ(state->duplicates, 0u);
  for (int t = 0; t < kThreads; ++t) {
    for (std::uint64_t i = 0; i < kSpansPerThread; ++i) {
      ASSERT_EQ(state->ids.count(SpanIdOf(t, i)), 1u) << t << " " << i;
    }
  }
}

TEST(AsyncReporterConcurrentTest, FlushCoversEverySpanReportedBeforeIt) {
  auto state = std::make_shared<CollectingSender::State>();
  AsyncReporterOptions options;
  options.queued_max_spans = 100'000;  // room for everything: a dropped span would fail the check
  options.queued_max_bytes = 256u << 20;
  options.message_timeout = 50ms;
  auto reporter = MakeReporter(state, options);
  std::atomic<bool> stop{false};
  // Steady background load keeps the worker busy while the flushing threads check their spans.
  std::thread background([&] {
    for (std::uint64_t i = 0; !stop.load(std::memory_order_relaxed); ++i) {
      reporter->Report(MakeSpan(SpanIdOf(100, i)));
      if (i % 20 == 0) std::this_thread::sleep_for(1ms);
    }
  });
  std::vector<std::thread> flushers;
  std::atomic<int> flush_errors{0};
  std::atomic<int> missing{0};
  for (int t = 0; t < 3; ++t) {
    flushers.emplace_back([&, t] {
      for (std::uint64_t i = 0; i < 50; ++i) {
        const std::uint64_t id = SpanIdOf(t, i);
        reporter->Report(MakeSpan(id));
        if (!reporter->Flush(10s).ok()) {
          flush_errors.fetch_add(1);
        } else if (!state->Has(id)) {
          missing.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : flushers) thread.join();
  stop = true;
  background.join();
  EXPECT_EQ(flush_errors.load(), 0);
  EXPECT_EQ(missing.load(), 0) << "Flush returned before a span reported earlier was sent";
  reporter->Close();
  const ReporterMetrics& metrics = reporter->metrics();
  EXPECT_EQ(metrics.SpansDropped(), 0u);
  EXPECT_EQ(state->size(), metrics.spans);
}

TEST(AsyncReporterConcurrentTest, CloseRacingWithProducersKeepsExactAccounting) {
  auto state = std::make_shared<CollectingSender::State>();
  AsyncReporterOptions options;
  options.queued_max_spans = 2000;
  options.message_timeout = 5ms;
  options.close_timeout = 10s;
  auto reporter = MakeReporter(state, options);
  std::atomic<int> started{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      started.fetch_add(1);
      for (std::uint64_t i = 0; i < kSpansPerThread; ++i) {
        reporter->Report(MakeSpan(SpanIdOf(t, i)));
        if (i % 32 == 0) std::this_thread::yield();  // spread the reports around the Close
      }
    });
  }
  while (started.load() < kThreads) std::this_thread::yield();
  std::this_thread::sleep_for(2ms);
  reporter->Close();
  for (auto& thread : threads) thread.join();
  const ReporterMetrics& metrics = reporter->metrics();
  std::lock_guard lock(state->mu);
  EXPECT_EQ(state->duplicates, 0u);
  EXPECT_EQ(state->ids.size() + metrics.SpansDropped(), kTotal);
  EXPECT_EQ(metrics.spans + metrics.spans_dropped_queue_full + metrics.spans_dropped_bytes_full +
                metrics.spans_dropped_closed,
            kTotal + (metrics.spans - state->ids.size()))
      << "spans accepted but lost in close are counted as closed too";
}

TEST(AsyncReporterConcurrentTest, SpanQueueWithManyProducersAndAConsumer) {
  internal::SpanQueue queue(128, 128 * 64);
  std::atomic<std::uint64_t> accepted{0};
  std::atomic<int> done{0};
  std::vector<std::thread> producers;
  for (int t = 0; t < kThreads; ++t) {
    producers.emplace_back([&, t] {
      for (std::uint64_t i = 0; i < kSpansPerThread; ++i) {
        SpanRecordPtr span = std::make_unique<SpanRecord>();
        span->id = SpanIdOf(t, i);
        if (queue.TryPush(span, 1 + i % 64) == internal::SpanQueue::PushResult::kOk) {
          accepted.fetch_add(1, std::memory_order_relaxed);
        }
      }
      done.fetch_add(1);
    });
  }
  std::unordered_set<std::uint64_t> seen;
  internal::SpanQueue::Popped popped;
  for (;;) {
    const bool finished = done.load() == kThreads;
    bool got = false;
    while (queue.Pop(popped)) {
      got = true;
      ASSERT_TRUE(seen.insert(popped.span->id).second);
      ASSERT_EQ(popped.bytes, 1 + ((popped.span->id & 0xffffffff) - 1) % 64);
      queue.Release(1, popped.bytes);
    }
    if (finished && !got && queue.usage().spans == 0) break;
  }
  for (auto& thread : producers) thread.join();
  EXPECT_EQ(seen.size(), accepted.load());
  EXPECT_EQ(queue.usage().bytes, 0u);
}

}  // namespace
}  // namespace cairn::trace
