// Test doubles for the reporter's tests: a scriptable Sender (records bodies, fails N times, blocks
// until released, slows down) and helpers that build spans and read span ids back out of JSON v2
// and proto3 messages. Header-only so it stays out of the library.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <utility>
#include <vector>

#include "cairn/trace/reporter.h"
#include "cairn/trace/span_record.h"

namespace cairn::trace::testing {

// A finished client span with a 64-bit trace id equal to its id. `padding` adds a tag of that many
// bytes to make the span bigger.
inline SpanRecordPtr MakeSpan(std::uint64_t id, std::size_t padding = 0) {
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = TraceId{0, id};
  span->id = id;
  span->kind = SpanKind::kClient;
  span->SetName("get /things");
  span->SetLocalServiceName("frontend");
  span->timestamp_us = 1'700'000'000'000'000 + static_cast<std::int64_t>(id);
  span->duration_us = 1234;
  span->SetTag("http.method", "GET");
  if (padding > 0) span->SetTag("padding", std::string(padding, 'x'));
  return span;
}

// The span ids of a JSON v2 list as written by lib/model (keys in Zipkin's order, `"id":"<hex>"`).
inline std::vector<std::uint64_t> JsonSpanIds(std::string_view body) {
  std::vector<std::uint64_t> ids;
  constexpr std::string_view kKey = "\"id\":\"";
  for (std::size_t pos = body.find(kKey); pos != std::string_view::npos;
       pos = body.find(kKey, pos + 1)) {
    const std::size_t start = pos + kKey.size();
    const std::size_t end = body.find('"', start);
    if (end == std::string_view::npos) break;
    ids.push_back(std::stoull(std::string(body.substr(start, end - start)), nullptr, 16));
  }
  return ids;
}

namespace internal_proto {

inline bool ReadVarint(std::string_view& in, std::uint64_t& value) {
  value = 0;
  for (int shift = 0; shift < 64 && !in.empty(); shift += 7) {
    const auto byte = static_cast<unsigned char>(in.front());
    in.remove_prefix(1);
    value |= static_cast<std::uint64_t>(byte & 0x7f) << shift;
    if ((byte & 0x80) == 0) return true;
  }
  return false;
}

}  // namespace internal_proto

// The span ids (field 3, 8 bytes big-endian) of a proto3 ListOfSpans; nullopt when the message
// is malformed (bad framing, a span without an id, a field running past its end).
inline std::optional<std::vector<std::uint64_t>> Proto3SpanIds(std::string_view body) {
  using internal_proto::ReadVarint;
  std::vector<std::uint64_t> ids;
  while (!body.empty()) {
    std::uint64_t key = 0;
    std::uint64_t length = 0;
    if (!ReadVarint(body, key) || key != 0x0a || !ReadVarint(body, length) ||
        length > body.size()) {
      return std::nullopt;
    }
    std::string_view span = body.substr(0, length);
    body.remove_prefix(length);
    std::optional<std::uint64_t> id;
    while (!span.empty()) {
      std::uint64_t field_key = 0;
      if (!ReadVarint(span, field_key)) return std::nullopt;
      std::uint64_t size = 0;
      switch (field_key & 7) {
        case 0:
          if (!ReadVarint(span, size)) return std::nullopt;
          continue;
        case 1:
          size = 8;
          break;
        case 2:
          if (!ReadVarint(span, size)) return std::nullopt;
          break;
        case 5:
          size = 4;
          break;
        default:
          return std::nullopt;
      }
      if (size > span.size()) return std::nullopt;
      if (field_key == ((3 << 3) | 2)) {
        if (size != 8) return std::nullopt;
        std::uint64_t value = 0;
        for (std::size_t i = 0; i < 8; ++i)
          value = value << 8 | static_cast<unsigned char>(span[i]);
        id = value;
      }
      span.remove_prefix(size);
    }
    if (!id) return std::nullopt;
    ids.push_back(*id);
  }
  return ids;
}

// Shared between a test and the FakeSender it gave to a reporter (which owns the sender).
class SenderScript {
 public:
  using Clock = std::chrono::steady_clock;

  // The next `count` sends fail with `status`.
  void FailNext(int count, Status status = Unavailable("collector down")) {
    std::lock_guard lock(mu_);
    fail_next_ = count;
    failure_ = std::move(status);
  }
  // Every send fails with `status` until `until`.
  void FailUntil(Clock::time_point until, Status status = Unavailable("collector down")) {
    std::lock_guard lock(mu_);
    fail_until_ = until;
    failure_ = std::move(status);
  }
  // Sends wait (inside Send) until Unblock.
  void Block() {
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
  void SetDelay(std::chrono::microseconds delay) {
    std::lock_guard lock(mu_);
    delay_ = delay;
  }
  void ThrowNext() {
    std::lock_guard lock(mu_);
    throw_next_ = true;
  }

  // Waits until at least `calls` Send calls have started.
  bool WaitForCalls(int calls, std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return calls_ >= calls; });
  }
  // Waits until at least `count` bodies were accepted.
  bool WaitForBodies(std::size_t count,
                     std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] { return bodies_.size() >= count; });
  }

  int calls() {
    std::lock_guard lock(mu_);
    return calls_;
  }
  std::vector<std::string> bodies() {
    std::lock_guard lock(mu_);
    return bodies_;
  }
  std::vector<Encoding> encodings() {
    std::lock_guard lock(mu_);
    return encodings_;
  }
  std::vector<Clock::time_point> body_times() {
    std::lock_guard lock(mu_);
    return body_times_;
  }

  Status Send(std::string_view body, Encoding encoding) {
    std::unique_lock lock(mu_);
    ++calls_;
    cv_.notify_all();
    cv_.wait(lock, [&] { return !blocked_; });
    if (delay_.count() > 0) {
      const auto delay = delay_;
      lock.unlock();
      std::this_thread::sleep_for(delay);
      lock.lock();
    }
    if (throw_next_) {
      throw_next_ = false;
      throw std::runtime_error("sender exploded");
    }
    if (fail_next_ > 0 || Clock::now() < fail_until_) {
      if (fail_next_ > 0) --fail_next_;
      return failure_;
    }
    bodies_.emplace_back(body);
    encodings_.push_back(encoding);
    body_times_.push_back(Clock::now());
    cv_.notify_all();
    return Status::Ok();
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  int calls_ = 0;
  int fail_next_ = 0;
  Clock::time_point fail_until_{};
  Status failure_ = Unavailable("collector down");
  bool blocked_ = false;
  bool throw_next_ = false;
  std::chrono::microseconds delay_{0};
  std::vector<std::string> bodies_;
  std::vector<Encoding> encodings_;
  std::vector<Clock::time_point> body_times_;
};

class FakeSender final : public Sender {
 public:
  explicit FakeSender(std::shared_ptr<SenderScript> script) : script_(std::move(script)) {}
  Status Send(std::string_view body, Encoding encoding) override {
    return script_->Send(body, encoding);
  }

 private:
  std::shared_ptr<SenderScript> script_;
};

}  // namespace cairn::trace::testing
