// Many threads updating and registering while another renders: counts must add up exactly and
// TSan (the `concurrent` label) must stay quiet.
#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

#include "lib/metrics/registry.h"

namespace cairn::metrics {
namespace {

TEST(RegistryConcurrentTest, UpdatesFromManyThreadsAddUp) {
  Registry registry;
  auto& counters = registry.AddCounterFamily("c_total", "c", {"k"});
  auto& histograms = registry.AddHistogramFamily("h", "h", {1, 2}, {"k"});
  Gauge& gauge = registry.AddGauge("g", "g");
  constexpr int kThreads = 4;
  constexpr int kIterations = 5000;
  std::atomic<bool> done{false};
  std::thread renderer([&] {
    while (!done.load()) (void)registry.Render();
  });
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      const std::string own = "t" + std::to_string(t);
      for (int i = 0; i < kIterations; ++i) {
        counters.With({"shared"}).Increment();
        counters.With({own}).Increment();
        histograms.With({"shared"}).Observe(i % 3);
        gauge.Add(1);
        if (i % 1000 == 0) registry.AddCounter("late_" + own + "_" + std::to_string(i), "late");
      }
    });
  }
  for (auto& thread : threads) thread.join();
  done = true;
  renderer.join();
  EXPECT_EQ(counters.With({"shared"}).value(), std::uint64_t{kThreads} * kIterations);
  EXPECT_EQ(counters.With({"t0"}).value(), std::uint64_t{kIterations});
  EXPECT_EQ(histograms.With({"shared"}).Read().count, std::uint64_t{kThreads} * kIterations);
  EXPECT_DOUBLE_EQ(gauge.value(), kThreads * kIterations);
  EXPECT_TRUE(registry.status().ok());
}

}  // namespace
}  // namespace cairn::metrics
