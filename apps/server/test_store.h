// Test-only SpanStore wrapper for cairn-server's tests: forwards to a real store (MemSpanStore by
// default) and lets a test make Accept fail or block, make reads slow, and count Accept calls.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>

#include "lib/storage/mem_span_store.h"

namespace cairn::server::testing {

class ControllableStore final : public storage::SpanStore {
 public:
  explicit ControllableStore(
      std::unique_ptr<storage::SpanStore> inner = std::make_unique<storage::MemSpanStore>())
      : inner_(std::move(inner)) {}

  // Accept fails with `status` for batches containing a span with this id (0: never).
  void FailSpanId(std::uint64_t id, Status status) {
    std::lock_guard lock(mu_);
    fail_id_ = id;
    fail_status_ = std::move(status);
  }
  void SetCheck(Status status) {
    std::lock_guard lock(mu_);
    check_ = std::move(status);
  }
  // While blocked, Accept waits until Unblock().
  void BlockAccept() {
    std::lock_guard lock(mu_);
    blocked_ = true;
  }
  void Unblock() {
    {
      std::lock_guard lock(mu_);
      blocked_ = false;
    }
    cv_.notify_all();
  }
  // Every read sleeps this long first.
  void SetReadDelay(std::chrono::milliseconds delay) { read_delay_ms_ = delay.count(); }

  int accept_calls() const { return accept_calls_.load(); }
  int accepts_waiting() const { return accepts_waiting_.load(); }
  std::size_t max_accept_size() const { return max_accept_size_.load(); }

  Status Accept(std::span<const trace::SpanRecord* const> spans) override {
    ++accept_calls_;
    std::size_t size = spans.size();
    std::size_t seen = max_accept_size_.load();
    while (size > seen && !max_accept_size_.compare_exchange_weak(seen, size)) {
    }
    {
      std::unique_lock lock(mu_);
      ++accepts_waiting_;
      cv_.wait(lock, [this] { return !blocked_; });
      --accepts_waiting_;
      if (fail_id_ != 0) {
        for (const trace::SpanRecord* span : spans) {
          if (span->id == fail_id_) return fail_status_;
        }
      }
    }
    return inner_->Accept(spans);
  }
  Result<std::vector<storage::Trace>> GetTraces(const storage::QueryRequest& request) override {
    Delay();
    return inner_->GetTraces(request);
  }
  Result<storage::Trace> GetTrace(const trace::TraceId& trace_id) override {
    Delay();
    return inner_->GetTrace(trace_id);
  }
  Result<std::vector<storage::Trace>> GetTraces(std::span<const trace::TraceId> ids) override {
    Delay();
    return inner_->GetTraces(ids);
  }
  Result<std::vector<std::string>> GetServiceNames() override {
    Delay();
    return inner_->GetServiceNames();
  }
  Result<std::vector<std::string>> GetSpanNames(std::string_view service) override {
    Delay();
    return inner_->GetSpanNames(service);
  }
  Result<std::vector<std::string>> GetRemoteServiceNames(std::string_view service) override {
    Delay();
    return inner_->GetRemoteServiceNames(service);
  }
  Result<std::vector<std::string>> GetAutocompleteValues(std::string_view key) override {
    Delay();
    return inner_->GetAutocompleteValues(key);
  }
  Result<std::vector<storage::DependencyLink>> GetDependencies(std::int64_t end_ts_ms,
                                                               std::int64_t lookback_ms) override {
    Delay();
    return inner_->GetDependencies(end_ts_ms, lookback_ms);
  }
  Status Check() override {
    Delay();
    std::lock_guard lock(mu_);
    return check_;
  }
  std::string Describe() const override { return inner_->Describe(); }

 private:
  void Delay() const {
    const auto ms = read_delay_ms_.load();
    if (ms > 0) std::this_thread::sleep_for(std::chrono::milliseconds(ms));
  }

  std::unique_ptr<storage::SpanStore> inner_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool blocked_ = false;
  std::uint64_t fail_id_ = 0;
  Status fail_status_;
  Status check_;
  std::atomic<std::int64_t> read_delay_ms_{0};
  std::atomic<int> accept_calls_{0};
  std::atomic<int> accepts_waiting_{0};
  std::atomic<std::size_t> max_accept_size_{0};
};

}  // namespace cairn::server::testing
