#include "cairn/trace/reporter.h"

#include <string>

#include "lib/trace/span_queue.h"

namespace cairn::trace {
namespace {

class NoopReporterImpl final : public Reporter {
 public:
  void Report(SpanRecordPtr /*span*/) noexcept override {}
  Status Flush(std::chrono::milliseconds /*timeout*/) override { return Status::Ok(); }
};

}  // namespace

std::string_view ContentType(Encoding encoding) {
  switch (encoding) {
    case Encoding::kJsonV2:
      return "application/json";
    case Encoding::kProto3:
      return "application/x-protobuf";
  }
  return "application/octet-stream";
}

std::shared_ptr<Reporter> NoopReporter() {
  static const std::shared_ptr<Reporter> instance = std::make_shared<NoopReporterImpl>();
  return instance;
}

Status AsyncReporterOptions::Validate() const {
  if (encoding != Encoding::kJsonV2 && encoding != Encoding::kProto3) {
    return InvalidArgument("encoding must be kJsonV2 or kProto3, got " +
                           std::to_string(static_cast<int>(encoding)));
  }
  if (queued_max_spans == 0) return InvalidArgument("queued_max_spans must be > 0");
  if (queued_max_spans > internal::SpanQueue::kMaxSpans) {
    return InvalidArgument(
        "queued_max_spans must be <= " + std::to_string(internal::SpanQueue::kMaxSpans) + ", got " +
        std::to_string(queued_max_spans));
  }
  if (queued_max_bytes == 0) return InvalidArgument("queued_max_bytes must be > 0");
  if (queued_max_bytes > internal::SpanQueue::kMaxBytes) {
    return InvalidArgument(
        "queued_max_bytes must be <= " + std::to_string(internal::SpanQueue::kMaxBytes) + ", got " +
        std::to_string(queued_max_bytes));
  }
  if (message_max_bytes == 0) return InvalidArgument("message_max_bytes must be > 0");
  if (message_timeout.count() <= 0) {
    return InvalidArgument("message_timeout must be > 0 ms, got " +
                           std::to_string(message_timeout.count()));
  }
  if (close_timeout.count() < 0) {
    return InvalidArgument("close_timeout must be >= 0 ms, got " +
                           std::to_string(close_timeout.count()));
  }
  if (max_send_retries < 0) {
    return InvalidArgument("max_send_retries must be >= 0, got " +
                           std::to_string(max_send_retries));
  }
  if (send_backoff.count() <= 0) {
    return InvalidArgument("send_backoff must be > 0 ms, got " +
                           std::to_string(send_backoff.count()));
  }
  if (max_send_backoff < send_backoff) {
    return InvalidArgument("max_send_backoff (" + std::to_string(max_send_backoff.count()) +
                           " ms) must be >= send_backoff (" + std::to_string(send_backoff.count()) +
                           " ms)");
  }
  return Status::Ok();
}

std::uint64_t ReporterMetrics::SpansDropped() const {
  return spans_dropped_queue_full.load(std::memory_order_relaxed) +
         spans_dropped_bytes_full.load(std::memory_order_relaxed) +
         spans_dropped_send_failed.load(std::memory_order_relaxed) +
         spans_dropped_too_large.load(std::memory_order_relaxed) +
         spans_dropped_closed.load(std::memory_order_relaxed);
}

}  // namespace cairn::trace
