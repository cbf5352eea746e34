// RecordingReporter: a Reporter for tests that keeps every finished span in memory (header-only
// test helper, not part of the library). Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <mutex>
#include <vector>

#include "cairn/trace/reporter.h"

namespace cairn::trace_http::testing {

class RecordingReporter final : public trace::Reporter {
 public:
  void Report(trace::SpanRecordPtr span) noexcept override {
    std::lock_guard<std::mutex> lock(mu_);
    spans_.push_back(std::move(span));
  }
  Status Flush(std::chrono::milliseconds) override { return Status::Ok(); }

  // Every span reported so far, in order; the reporter is emptied.
  std::vector<trace::SpanRecordPtr> Take() {
    std::lock_guard<std::mutex> lock(mu_);
    return std::move(spans_);
  }

 private:
  std::mutex mu_;
  std::vector<trace::SpanRecordPtr> spans_;
};

}  // namespace cairn::trace_http::testing
