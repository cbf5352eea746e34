// Test doubles for the tracer core's tests: a settable clock, a reporter that keeps every span, and
// an id generator that counts. Header-only so it stays out of the library.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <utility>
#include <vector>

#include "cairn/trace/clock.h"
#include "cairn/trace/ids.h"
#include "cairn/trace/reporter.h"
#include "cairn/trace/sampler.h"
#include "cairn/trace/span_record.h"

namespace cairn::trace::testing {

// Starts at non-zero times (a monotonic reading of 0 means "explicit start" inside Span).
class FakeClock final : public Clock {
 public:
  std::int64_t NowMicros() override { return now_us_.load(); }
  std::int64_t MonotonicNanos() override { return mono_ns_.load(); }

  void SetNowMicros(std::int64_t value) { now_us_.store(value); }
  void SetMonotonicNanos(std::int64_t value) { mono_ns_.store(value); }
  // Moves both clocks forward together.
  void AdvanceNanos(std::int64_t nanos) {
    mono_ns_.fetch_add(nanos);
    now_us_.fetch_add(nanos / 1000);
  }

 private:
  std::atomic<std::int64_t> now_us_{1'700'000'000'000'000};
  std::atomic<std::int64_t> mono_ns_{5'000'000'000};
};

class RecordingReporter final : public Reporter {
 public:
  void Report(SpanRecordPtr span) noexcept override {
    std::lock_guard<std::mutex> lock(mutex_);
    spans_.push_back(std::move(span));
  }
  Status Flush(std::chrono::milliseconds) override { return Status::Ok(); }

  std::size_t size() {
    std::lock_guard<std::mutex> lock(mutex_);
    return spans_.size();
  }
  std::vector<SpanRecordPtr> Take() {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::exchange(spans_, {});
  }

 private:
  std::mutex mutex_;
  std::vector<SpanRecordPtr> spans_;
};

// Returns 1, 2, 3, ... (predictable ids for assertions).
class SequenceIdGenerator final : public IdGenerator {
 public:
  std::uint64_t NextId() override { return next_.fetch_add(1) + 1; }

 private:
  std::atomic<std::uint64_t> next_{0};
};

// Counts how often it is asked and answers a fixed decision.
class CountingSampler final : public Sampler {
 public:
  explicit CountingSampler(bool decision) : decision_(decision) {}
  bool IsSampled(const TraceId&) override {
    calls_.fetch_add(1);
    return decision_;
  }
  int calls() const { return calls_.load(); }

 private:
  const bool decision_;
  std::atomic<int> calls_{0};
};

}  // namespace cairn::trace::testing
