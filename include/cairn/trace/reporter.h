// Reporter: where finished spans go. The tracer hands each finished, sampled span to its reporter
// on the caller's thread, so Report must never block, throw or allocate without bound.
//
// AsyncReporter is the production reporter: a bounded lock-free queue (bounded in spans and in
// bytes) drained by one background thread that encodes batches (JSON v2 or proto3, at most
// message_max_bytes each, sent when full or every message_timeout) and hands them to a Sender.
// When the queue is full a span is dropped and counted by cause. Failed sends are retried with
// backoff while there is room; the reporter resumes when the collector comes back.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string_view>

#include "cairn/trace/span_record.h"
#include "cairn/trace/status.h"

namespace cairn::trace {

enum class Encoding : std::uint8_t { kJsonV2, kProto3 };

// "application/json" or "application/x-protobuf".
std::string_view ContentType(Encoding encoding);

class Reporter {
 public:
  virtual ~Reporter() = default;
  // Takes ownership of a finished span. Never blocks.
  virtual void Report(SpanRecordPtr span) noexcept = 0;
  // Sends everything queued so far; returns DeadlineExceeded if not done by `timeout`.
  virtual Status Flush(std::chrono::milliseconds timeout) = 0;
};

// Drops everything (for tests and for the kill switch).
std::shared_ptr<Reporter> NoopReporter();

// Transport of encoded batches (HTTP in lib/trace_http, AMQP later). Called from the reporter's
// thread only; may block up to its own timeout.
class Sender {
 public:
  virtual ~Sender() = default;
  // `body` is a complete message: a JSON array or a proto3 ListOfSpans.
  // Errors: Unavailable for transient failures (worth retrying), InvalidArgument when the collector
  // rejected the message (not retried).
  virtual Status Send(std::string_view body, Encoding encoding) = 0;
};

struct AsyncReporterOptions {
  Encoding encoding = Encoding::kJsonV2;
  std::size_t queued_max_spans = 10000;  // at most 2^20
  // Estimated span sizes (SpanRecord::ApproximateBytes); at most 2^32.
  std::size_t queued_max_bytes = 16 * 1024 * 1024;
  std::size_t message_max_bytes = 500 * 1000;
  std::chrono::milliseconds message_timeout{1000};
  std::chrono::milliseconds close_timeout{1000};
  // Failed sends are retried this many times with exponential backoff (100 ms base, 2 s cap) before
  // the message is dropped. Unavailable, DeadlineExceeded and ResourceExhausted are retried; any
  // other error (e.g. InvalidArgument) drops the message at once. New spans keep queueing (within
  // the queue's bounds) while a message is retried.
  int max_send_retries = 3;
  // The backoff: first retry after send_backoff, doubling up to max_send_backoff.
  std::chrono::milliseconds send_backoff{100};
  std::chrono::milliseconds max_send_backoff{2000};

  Status Validate() const;
};

struct ReporterMetrics {
  std::atomic<std::uint64_t> spans{0};           // accepted into the queue
  std::atomic<std::uint64_t> spans_bytes{0};     // encoded bytes sent
  std::atomic<std::uint64_t> messages{0};        // messages sent successfully
  std::atomic<std::uint64_t> messages_dropped{0};
  std::atomic<std::uint64_t> spans_dropped_queue_full{0};   // spans limit
  std::atomic<std::uint64_t> spans_dropped_bytes_full{0};   // bytes limit
  std::atomic<std::uint64_t> spans_dropped_send_failed{0};  // sender gave up / rejected
  std::atomic<std::uint64_t> spans_dropped_too_large{0};    // one span over message_max_bytes
  std::atomic<std::uint64_t> spans_dropped_closed{0};       // reported after close or lost in it
  std::atomic<std::uint64_t> queued_spans{0};
  std::atomic<std::uint64_t> queued_bytes{0};

  std::uint64_t SpansDropped() const;
};

class AsyncReporter final : public Reporter {
 public:
  static Result<std::shared_ptr<AsyncReporter>> Create(std::unique_ptr<Sender> sender,
                                                        AsyncReporterOptions options = {});
  ~AsyncReporter() override;  // Close()

  // Lock-free and allocation-free; a span that does not fit is freed on the caller's thread and
  // counted in metrics() by cause.
  void Report(SpanRecordPtr span) noexcept override;
  // Ok once every span accepted before the call has been sent or dropped (and counted). Must not
  // be called from the Sender.
  Status Flush(std::chrono::milliseconds timeout) override;
  // Sends what is queued within close_timeout, then stops the thread. Spans reported later are
  // dropped (counted as closed). Idempotent. A Send in progress is not interrupted, so Close can
  // overrun close_timeout by the Sender's own timeout. Must not be called from the Sender.
  void Close();

  // Drop and send counters are updated as things happen; `spans`, `queued_spans` and
  // `queued_bytes` are derived from the queue and refreshed by each metrics() call (and by the
  // worker thread), so read them through a fresh call.
  const ReporterMetrics& metrics() const;

  class Impl;
  explicit AsyncReporter(std::unique_ptr<Impl> impl);

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::trace
