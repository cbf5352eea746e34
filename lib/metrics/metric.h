// The three metric kinds of cairn::metrics: Counter, Gauge and Histogram. Each object is one time
// series (one combination of label values); Registry and Family (registry.h) create and own them.
//
// Updates are lock-free: a relaxed atomic add (Counter, Histogram bucket) or a compare-and-swap
// loop on a double (Gauge, Histogram sum), so they are safe and cheap from any thread, including
// I/O threads. Reads may observe concurrent updates partially (a histogram's sum a moment ahead of
// its buckets), which Prometheus tolerates.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <vector>

namespace cairn::metrics {

// Only goes up (until the process restarts).
class Counter {
 public:
  void Increment(std::uint64_t n = 1) { value_.fetch_add(n, std::memory_order_relaxed); }
  std::uint64_t value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<std::uint64_t> value_{0};
};

// Goes up and down.
class Gauge {
 public:
  void Set(double value) { value_.store(value, std::memory_order_relaxed); }
  void Add(double delta) { value_.fetch_add(delta, std::memory_order_relaxed); }
  void Sub(double delta) { value_.fetch_sub(delta, std::memory_order_relaxed); }
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0};
};

// Counts observations into fixed buckets (Prometheus "le" semantics: an observation v counts in
// every bucket whose upper bound is >= v, and always in +Inf) and sums them. NaN observations are
// ignored (they would poison the sum forever).
class Histogram {
 public:
  // `bounds`: finite, strictly increasing upper bounds, +Inf implied (validated by the Registry).
  explicit Histogram(std::shared_ptr<const std::vector<double>> bounds);

  void Observe(double value);

  struct Snapshot {
    std::vector<std::uint64_t> cumulative;  // per bound, then +Inf (== count)
    std::uint64_t count = 0;
    double sum = 0;
  };
  Snapshot Read() const;
  const std::vector<double>& bounds() const { return *bounds_; }

 private:
  std::shared_ptr<const std::vector<double>> bounds_;
  std::unique_ptr<std::atomic<std::uint64_t>[]> counts_;  // bounds_->size() + 1, not cumulative
  std::atomic<double> sum_{0};
};

// Bucket layouts.
// Prometheus' default for request latencies in seconds: .005 .01 .025 .05 .1 .25 .5 1 2.5 5 10.
std::vector<double> DefaultLatencyBuckets();
// `count` bounds start, start*factor, ...; empty for invalid arguments (start <= 0, factor <= 1).
std::vector<double> ExponentialBuckets(double start, double factor, std::size_t count);
// `count` bounds start, start+width, ...; empty for width <= 0.
std::vector<double> LinearBuckets(double start, double width, std::size_t count);

}  // namespace cairn::metrics
