// The tracer core shared by many threads (run under TSan by `make test-sanitize`).
#include <gtest/gtest.h>

#include <atomic>
#include <set>
#include <thread>
#include <vector>

#include "cairn/trace/current_span.h"
#include "cairn/trace/tracer.h"
#include "lib/trace/rate_limiting_sampler.h"
#include "lib/trace/tracer_test_util.h"

namespace cairn::trace {
namespace {

constexpr int kThreads = 4;

TEST(TracerConcurrentTest, OneTracerManyThreads) {
  auto reporter = std::make_shared<testing::RecordingReporter>();
  auto probability = ProbabilitySampler(0.5);
  ASSERT_TRUE(probability.ok());
  TracerOptions options;
  options.service_name = "svc";
  options.reporter = reporter;
  options.sampler = *probability;
  auto tracer = std::move(Tracer::Create(std::move(options))).value();

  constexpr int kRootsPerThread = 500;
  std::atomic<int> sampled_roots{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kRootsPerThread; ++i) {
        Span root = tracer->StartSpan("root");
        Scope scope(root.context());
        Span child = tracer->StartSpan("child");
        child.Tag("i", i);
        child.Finish();
        if (root.IsRecording()) sampled_roots.fetch_add(1);
        root.Finish();
      }
    });
  }
  for (auto& thread : threads) thread.join();

  auto spans = reporter->Take();
  EXPECT_EQ(spans.size(), static_cast<std::size_t>(sampled_roots.load()) * 2);
  std::set<std::uint64_t> ids;
  for (const auto& span : spans) ids.insert(span->id);
  EXPECT_EQ(ids.size(), spans.size()) << "span ids collided across threads";
}

TEST(TracerConcurrentTest, RateLimiterNeverExceedsTheBudget) {
  testing::FakeClock clock;
  internal::RateLimitingSamplerImpl sampler(1000, clock);
  clock.AdvanceNanos(950'000'000);  // last decisecond: the whole budget is available
  std::atomic<int> accepted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 5000; ++i) accepted += sampler.IsSampled(TraceId{0, 1});
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(accepted.load(), 1000);
}

TEST(TracerConcurrentTest, RateLimiterAcrossWindowResets) {
  // The clock moves while threads decide: every window admits its budget, plus at most one
  // racing decision per thread at each reset (documented in rate_limiting_sampler.h).
  testing::FakeClock clock;
  internal::RateLimitingSamplerImpl sampler(5, clock);
  std::atomic<int> accepted{0};
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      while (!stop.load()) accepted += sampler.IsSampled(TraceId{0, 1});
    });
  }
  constexpr int kWindows = 20;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  for (int w = 0; w < kWindows; ++w) {
    // Let the threads use up this window's budget, then move to the next second.
    while (accepted.load() < 5 * (w + 1) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::yield();
    }
    if (accepted.load() < 5 * (w + 1)) {
      ADD_FAILURE() << "window " << w << " never filled";
      break;
    }
    clock.AdvanceNanos(1'000'000'000);
  }
  stop.store(true);
  for (auto& thread : threads) thread.join();
  EXPECT_GE(accepted.load(), 5 * kWindows);
  EXPECT_LE(accepted.load(), (5 + kThreads) * (kWindows + 1));
}

TEST(TracerConcurrentTest, DefaultTracerSetAndGet) {
  SetDefaultTracer(nullptr);
  EXPECT_EQ(DefaultTracer(), nullptr);
  TracerOptions options;
  options.service_name = "svc";
  std::shared_ptr<Tracer> tracer = std::move(Tracer::Create(std::move(options))).value();
  std::vector<std::thread> threads;
  std::atomic<int> seen{0};
  std::atomic<int> wrong{0};
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 1000; ++i) {
        if (t == 0) SetDefaultTracer(i % 2 ? tracer : nullptr);
        if (auto current = DefaultTracer()) {
          if (current != tracer) wrong.fetch_add(1);
          current->StartSpan("x").Finish();
          seen.fetch_add(1);
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(wrong.load(), 0);
  EXPECT_GT(seen.load(), 0);
  SetDefaultTracer(tracer);
  EXPECT_EQ(DefaultTracer(), tracer);
  SetDefaultTracer(nullptr);
  EXPECT_EQ(DefaultTracer(), nullptr);
}

}  // namespace
}  // namespace cairn::trace
