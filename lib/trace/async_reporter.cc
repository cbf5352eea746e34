// AsyncReporter: callers push into a lock-free SpanQueue; one worker thread drains it into
// messages (MessageBuilder), sends them through the Sender with bounded retries, and serves Flush
// and Close.
//
// Waking the worker without a lock on the caller's side: the worker announces that it is about to
// sleep in `state_` (kIdle: wake me for any span; kBatching: wake me when the queue passes the
// thresholds; kBackoff: only Close may wake me), then re-checks the queue and parks on the word.
// A producer's reservation in the queue is a seq_cst read-modify-write followed by a seq_cst load
// of `state_`; the worker's seq_cst store of `state_` is followed by a seq_cst load of the queue's
// word. So either the producer sees the sleep announcement and wakes the worker, or the worker
// sees the span and does not sleep (the Dekker pattern). Flush and Close pair with it the same
// way through their own flags.
#include <algorithm>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <limits>
#include <mutex>
#include <string>
#include <system_error>
#include <thread>

#include "cairn/trace/reporter.h"
#include "lib/trace/reporter_log.h"
#include "lib/trace/reporter_message.h"
#include "lib/trace/reporter_wake.h"
#include "lib/trace/span_queue.h"

namespace cairn::trace {
namespace {

using SteadyClock = std::chrono::steady_clock;
using internal::SpanQueue;

enum WorkerState : std::uint32_t { kAwake = 0, kIdle = 1, kBatching = 2, kBackoff = 3 };

// How long an idle worker sleeps when nothing wakes it (only a safety net: reports wake it).
constexpr std::chrono::seconds kIdlePoll{1};
// Spans popped between two releases of queue room.
constexpr std::uint64_t kReleaseEvery = 64;

bool IsRetryable(StatusCode code) {
  return code == StatusCode::kUnavailable || code == StatusCode::kDeadlineExceeded ||
         code == StatusCode::kResourceExhausted;
}

std::string Millis(SteadyClock::duration d) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(d).count()) + " ms";
}

}  // namespace

class AsyncReporter::Impl {
 public:
  Impl(std::unique_ptr<Sender> sender, const AsyncReporterOptions& options)
      : options_(options),
        sender_(std::move(sender)),
        queue_(options.queued_max_spans, options.queued_max_bytes),
        builder_(options.encoding, options.message_max_bytes) {}

  ~Impl() { Close(); }

  Status Start() {
    try {
      worker_ = std::thread([this] { Run(); });
    } catch (const std::system_error& e) {
      return Internal(std::string("cannot start the reporter thread: ") + e.what());
    }
    return Status::Ok();
  }

  void Report(SpanRecordPtr span) noexcept {
    if (span == nullptr) return;
    SpanQueue::Usage after;
    switch (queue_.TryPush(span, span->ApproximateBytes(), &after)) {
      case SpanQueue::PushResult::kOk:
        break;
      case SpanQueue::PushResult::kSpansFull:
        metrics_.spans_dropped_queue_full.fetch_add(1, std::memory_order_relaxed);
        return;  // `span` is freed here, on the caller's thread
      case SpanQueue::PushResult::kBytesFull:
        metrics_.spans_dropped_bytes_full.fetch_add(1, std::memory_order_relaxed);
        return;
      case SpanQueue::PushResult::kClosed:
        metrics_.spans_dropped_closed.fetch_add(1, std::memory_order_relaxed);
        return;
    }
    std::uint32_t state = state_.load(std::memory_order_seq_cst);
    if (state == kAwake || state == kBackoff) return;  // the common case: one plain load
    if (state == kIdle || after.spans >= wake_spans_.load(std::memory_order_relaxed) ||
        after.bytes >= wake_bytes_.load(std::memory_order_relaxed)) {
      if (state_.compare_exchange_strong(state, kAwake, std::memory_order_seq_cst)) {
        internal::UnparkOne(state_);
      }
    }
  }

  Status Flush(std::chrono::milliseconds timeout) {
    const std::uint64_t target = queue_.pushed();
    if (resolved_.load(std::memory_order_seq_cst) >= target) return Status::Ok();
    const auto deadline = SteadyClock::now() + std::max(timeout, std::chrono::milliseconds(0));
    std::unique_lock lock(resolved_mu_);
    flush_waiters_.fetch_add(1, std::memory_order_seq_cst);
    std::uint64_t current = flush_target_.load(std::memory_order_seq_cst);
    while (current < target &&
           !flush_target_.compare_exchange_weak(current, target, std::memory_order_seq_cst)) {
    }
    WakeWorker(/*even_from_backoff=*/false);
    const bool done = resolved_cv_.wait_until(
        lock, deadline, [&] { return resolved_.load(std::memory_order_seq_cst) >= target; });
    flush_waiters_.fetch_sub(1, std::memory_order_seq_cst);
    if (done) return Status::Ok();
    const std::uint64_t resolved = resolved_.load(std::memory_order_seq_cst);
    return DeadlineExceeded("Flush: " + std::to_string(target - std::min(target, resolved)) +
                            " spans still queued or being sent after " +
                            std::to_string(timeout.count()) + " ms");
  }

  void Close() {
    std::lock_guard lock(close_mu_);
    if (closed_) return;
    closed_ = true;
    queue_.Close();
    close_deadline_ = SteadyClock::now() + options_.close_timeout;
    close_requested_.store(true, std::memory_order_seq_cst);
    if (!worker_.joinable()) {
      Finish();
      return;
    }
    WakeWorker(/*even_from_backoff=*/true);
    worker_.join();
  }

  const ReporterMetrics& metrics() {
    RefreshGauges();
    return metrics_;
  }

 private:
  void WakeWorker(bool even_from_backoff) noexcept {
    std::uint32_t state = state_.load(std::memory_order_seq_cst);
    while (state != kAwake && (state != kBackoff || even_from_backoff)) {
      if (state_.compare_exchange_weak(state, kAwake, std::memory_order_seq_cst)) {
        internal::UnparkOne(state_);
        return;
      }
    }
  }

  void Run() {
    for (;;) {
      if (close_requested_.load(std::memory_order_acquire)) {
        Finish();
        return;
      }
      const std::size_t drained = Drain();
      const std::uint64_t target = flush_target_.load(std::memory_order_acquire);
      if (target > resolved_local_) {
        if (queue_.popped() < target) {
          std::this_thread::yield();  // a producer is still writing a span Flush waits for
          continue;
        }
        if (!builder_.empty()) SendMessage();
        PublishResolved();
        continue;
      }
      if (!builder_.empty() && SteadyClock::now() >= batch_deadline_) {
        SendMessage();
        continue;
      }
      PublishResolved();
      RefreshGauges();
      WarnAboutDrops();
      Sleep(drained);
    }
  }

  // Pops every published span into messages, sending full ones. Returns how many were popped.
  std::size_t Drain() {
    SpanQueue::Popped popped;
    std::size_t count = 0;
    std::uint64_t pending_spans = 0;
    std::uint64_t pending_bytes = 0;
    while ((closing_ || !close_requested_.load(std::memory_order_relaxed)) && queue_.Pop(popped)) {
      ++count;
      ++pending_spans;
      pending_bytes += popped.bytes;
      if (pending_spans == kReleaseEvery) {
        queue_.Release(pending_spans, pending_bytes);
        pending_spans = pending_bytes = 0;
      }
      AddToMessage(std::move(popped.span), popped.bytes);
    }
    queue_.Release(pending_spans, pending_bytes);
    return count;
  }

  void AddToMessage(SpanRecordPtr span, std::uint64_t approximate_bytes) {
    if (closing_ && SteadyClock::now() >= close_deadline_) {
      ++closed_dropped_;
      metrics_.spans_dropped_closed.fetch_add(1, std::memory_order_relaxed);
      return;
    }
    auto added = builder_.Add(*span);
    if (added == internal::MessageBuilder::AddResult::kFull) {
      SendMessage();
      added = builder_.Add(*span);
    }
    if (added == internal::MessageBuilder::AddResult::kTooLarge) {
      metrics_.spans_dropped_too_large.fetch_add(1, std::memory_order_relaxed);
      log_.Warn("dropped a span of " + std::to_string(builder_.last_span_bytes()) +
                " encoded bytes: larger than message_max_bytes (" +
                std::to_string(options_.message_max_bytes) + ")");
      return;
    }
    if (builder_.span_count() == 1) batch_deadline_ = SteadyClock::now() + options_.message_timeout;
    approximate_total_ += approximate_bytes;
    encoded_total_ += builder_.last_span_bytes();
    if (approximate_total_ > (std::uint64_t{1} << 40)) {
      approximate_total_ /= 2;
      encoded_total_ /= 2;
    }
  }

  void SendMessage() {
    const std::size_t spans = builder_.span_count();
    if (spans == 0) return;
    SendWithRetries(builder_.Finish(), spans);
    builder_.Reset();
    PublishResolved();
  }

  void SendWithRetries(std::string_view body, std::size_t spans) {
    auto backoff = std::chrono::duration_cast<SteadyClock::duration>(options_.send_backoff);
    const auto max_backoff =
        std::chrono::duration_cast<SteadyClock::duration>(options_.max_send_backoff);
    for (int attempt = 0;; ++attempt) {
      if (closing_ && SteadyClock::now() >= close_deadline_) {
        DropMessage(spans, /*closed=*/true);
        return;
      }
      const Status status = CallSender(body);
      if (status.ok()) {
        metrics_.messages.fetch_add(1, std::memory_order_relaxed);
        metrics_.spans_bytes.fetch_add(body.size(), std::memory_order_relaxed);
        if (failed_sends_ > 0) {
          log_.Always("the collector accepts spans again after " + std::to_string(failed_sends_) +
                      " failed sends");
          failed_sends_ = 0;
        }
        return;
      }
      ++failed_sends_;
      const std::string what = std::to_string(spans) + " spans (" + std::to_string(body.size()) +
                               " bytes): " + status.ToString();
      if (!IsRetryable(status.code()) || attempt >= options_.max_send_retries) {
        log_.Warn("dropped a message of " + what +
                  (IsRetryable(status.code()) ? " (retries exhausted)" : " (not retryable)"));
        DropMessage(spans, /*closed=*/false);
        return;
      }
      log_.Warn("failed to send " + what + "; retry " + std::to_string(attempt + 1) + " of " +
                std::to_string(options_.max_send_retries) + " in " + Millis(backoff));
      if (!SleepBackoff(backoff)) {
        DropMessage(spans, /*closed=*/true);
        return;
      }
      backoff = std::min(backoff * 2, max_backoff);
    }
  }

  Status CallSender(std::string_view body) {
    try {
      return sender_->Send(body, options_.encoding);
    } catch (const std::exception& e) {
      return Internal(std::string("Sender::Send threw: ") + e.what());
    } catch (...) {
      return Internal("Sender::Send threw a non-standard exception");
    }
  }

  void DropMessage(std::size_t spans, bool closed) {
    metrics_.messages_dropped.fetch_add(1, std::memory_order_relaxed);
    if (closed) {
      closed_dropped_ += spans;
      metrics_.spans_dropped_closed.fetch_add(spans, std::memory_order_relaxed);
    } else {
      metrics_.spans_dropped_send_failed.fetch_add(spans, std::memory_order_relaxed);
    }
  }

  // Sleeps `duration` unless Close moves the deadline earlier. False when the close deadline has
  // passed (the message being retried must be abandoned).
  bool SleepBackoff(SteadyClock::duration duration) {
    const auto until = SteadyClock::now() + duration;
    for (;;) {
      const bool closing = close_requested_.load(std::memory_order_seq_cst);
      const auto limit = closing ? std::min(until, close_deadline_) : until;
      const auto now = SteadyClock::now();
      if (now >= limit) return !(closing && now >= close_deadline_);
      state_.store(kBackoff, std::memory_order_seq_cst);
      if (closing || !close_requested_.load(std::memory_order_seq_cst)) {
        internal::ParkWhile(state_, kBackoff, limit - now);
      }
      state_.store(kAwake, std::memory_order_seq_cst);
    }
  }

  void Sleep(std::size_t drained) {
    std::uint32_t state = kIdle;
    SteadyClock::duration timeout = kIdlePoll;
    std::uint64_t wake_spans = 1;
    std::uint64_t wake_bytes = 1;
    if (!builder_.empty()) {
      const auto now = SteadyClock::now();
      if (now >= batch_deadline_) return;
      state = kBatching;
      timeout = batch_deadline_ - now;
      // Wake when the queue could about fill the message (queue bytes are record estimates, so
      // scale by the estimate-to-encoded ratio seen so far) or is half full.
      const std::uint64_t room = options_.message_max_bytes - builder_.size();
      const double ratio = encoded_total_ == 0 ? 1.0
                                               : static_cast<double>(approximate_total_) /
                                                     static_cast<double>(encoded_total_);
      wake_bytes = static_cast<std::uint64_t>(static_cast<double>(room) * ratio);
      wake_bytes = std::clamp<std::uint64_t>(wake_bytes, 1,
                                             std::max<std::uint64_t>(1, queue_.max_bytes() / 2));
      wake_spans = std::max<std::uint64_t>(1, queue_.max_spans() / 2);
      wake_spans_.store(wake_spans, std::memory_order_relaxed);
      wake_bytes_.store(wake_bytes, std::memory_order_relaxed);
    }
    state_.store(state, std::memory_order_seq_cst);
    const SpanQueue::Usage usage = queue_.usage();
    bool work = close_requested_.load(std::memory_order_seq_cst) ||
                flush_target_.load(std::memory_order_seq_cst) > resolved_local_;
    const bool queue_work =
        state == kIdle ? usage.spans > 0 : usage.spans >= wake_spans || usage.bytes >= wake_bytes;
    if (!work && queue_work) {
      work = true;
      if (drained == 0) {
        // Reserved but not readable yet: a producer is mid-push (maybe preempted); let it run.
        if (++unreadable_rounds_ < 16) {
          std::this_thread::yield();
        } else {
          std::this_thread::sleep_for(std::chrono::microseconds(100));
        }
      }
    }
    if (drained > 0) unreadable_rounds_ = 0;
    if (!work) internal::ParkWhile(state_, state, timeout);
    state_.store(kAwake, std::memory_order_seq_cst);
  }

  // Close on the worker: send what is queued until the deadline, drop the rest, stop.
  void Finish() {
    closing_ = true;
    for (;;) {
      const std::size_t drained = Drain();
      // The closed bit stops new reservations, so the reserved count only goes down to zero.
      if (queue_.usage().spans == 0 || SteadyClock::now() >= close_deadline_) break;
      if (drained == 0) std::this_thread::yield();
    }
    SendMessage();
    // Past the deadline or not, nothing may stay queued: pop (and count) whatever is readable.
    SpanQueue::Popped popped;
    std::uint64_t late_spans = 0;
    std::uint64_t late_bytes = 0;
    while (queue_.Pop(popped)) {
      ++late_spans;
      late_bytes += popped.bytes;
      popped.span.reset();
    }
    queue_.Release(late_spans, late_bytes);
    closed_dropped_ += late_spans;
    metrics_.spans_dropped_closed.fetch_add(late_spans, std::memory_order_relaxed);
    if (closed_dropped_ > 0) {
      log_.Always("dropped " + std::to_string(closed_dropped_) +
                  " spans on close: not sent within close_timeout (" +
                  Millis(options_.close_timeout) + ")");
    }
    WarnAboutDrops();
    RefreshGauges();
    resolved_local_ = std::numeric_limits<std::uint64_t>::max();
    resolved_.store(resolved_local_, std::memory_order_seq_cst);
    { std::lock_guard lock(resolved_mu_); }
    resolved_cv_.notify_all();
  }

  // Publishes how far (in queue positions) every span has been sent or dropped, for Flush.
  void PublishResolved() {
    const std::uint64_t resolved = queue_.popped() - builder_.span_count();
    if (resolved <= resolved_local_) return;
    resolved_local_ = resolved;
    resolved_.store(resolved, std::memory_order_seq_cst);
    if (flush_waiters_.load(std::memory_order_seq_cst) > 0) {
      { std::lock_guard lock(resolved_mu_); }
      resolved_cv_.notify_all();
    }
  }

  void RefreshGauges() {
    const SpanQueue::Usage usage = queue_.usage();
    // Failed reservations briefly add to the word; the queue itself never holds more than this.
    metrics_.queued_spans.store(std::min<std::uint64_t>(usage.spans, queue_.max_spans()),
                                std::memory_order_relaxed);
    metrics_.queued_bytes.store(std::min<std::uint64_t>(usage.bytes, queue_.max_bytes()),
                                std::memory_order_relaxed);
    const std::uint64_t pushed = queue_.pushed();
    std::uint64_t spans = metrics_.spans.load(std::memory_order_relaxed);
    while (spans < pushed &&
           !metrics_.spans.compare_exchange_weak(spans, pushed, std::memory_order_relaxed)) {
    }
  }

  void WarnAboutDrops() {
    const std::uint64_t queue_full =
        metrics_.spans_dropped_queue_full.load(std::memory_order_relaxed);
    const std::uint64_t bytes_full =
        metrics_.spans_dropped_bytes_full.load(std::memory_order_relaxed);
    if (queue_full == warned_queue_full_ && bytes_full == warned_bytes_full_) return;
    // Built with append: GCC 12 warns (-Wrestrict, falsely) about "literal" + std::string.
    std::string message = "queue full, dropped";
    if (queue_full != warned_queue_full_) {
      message.append(" ").append(std::to_string(queue_full - warned_queue_full_));
      message.append(" spans at queued_max_spans (");
      message.append(std::to_string(options_.queued_max_spans)).append(")");
    }
    if (bytes_full != warned_bytes_full_) {
      if (queue_full != warned_queue_full_) message.append(" and");
      message.append(" ").append(std::to_string(bytes_full - warned_bytes_full_));
      message.append(" spans at queued_max_bytes (");
      message.append(std::to_string(options_.queued_max_bytes)).append(")");
    }
    const bool written = log_.Warn(message);
    if (written) {
      warned_queue_full_ = queue_full;
      warned_bytes_full_ = bytes_full;
    }
  }

  const AsyncReporterOptions options_;
  const std::unique_ptr<Sender> sender_;
  SpanQueue queue_;
  ReporterMetrics metrics_;

  // The worker's sleep state and the queue levels that wake a batching worker (written by the
  // worker before it announces kBatching).
  alignas(64) std::atomic<std::uint32_t> state_{kAwake};
  std::atomic<std::uint64_t> wake_spans_{1};
  std::atomic<std::uint64_t> wake_bytes_{1};

  // Requests to the worker. close_deadline_ is written before close_requested_ is set.
  alignas(64) std::atomic<std::uint64_t> flush_target_{0};
  std::atomic<bool> close_requested_{false};
  SteadyClock::time_point close_deadline_{};

  // Flush completion: queue positions below resolved_ are sent or dropped.
  std::atomic<std::uint64_t> resolved_{0};
  std::atomic<int> flush_waiters_{0};
  std::mutex resolved_mu_;
  std::condition_variable resolved_cv_;

  // Worker-only state.
  internal::MessageBuilder builder_;
  SteadyClock::time_point batch_deadline_{};
  std::uint64_t resolved_local_ = 0;
  std::uint64_t approximate_total_ = 0;
  std::uint64_t encoded_total_ = 0;
  bool closing_ = false;
  std::uint64_t failed_sends_ = 0;  // in a row
  std::uint64_t closed_dropped_ = 0;
  int unreadable_rounds_ = 0;  // Sleep calls in a row that found reserved but unreadable spans
  std::uint64_t warned_queue_full_ = 0;
  std::uint64_t warned_bytes_full_ = 0;
  internal::ReporterLog log_;

  std::mutex close_mu_;
  bool closed_ = false;  // guarded by close_mu_
  std::thread worker_;
};

Result<std::shared_ptr<AsyncReporter>> AsyncReporter::Create(std::unique_ptr<Sender> sender,
                                                             AsyncReporterOptions options) {
  if (sender == nullptr) return InvalidArgument("sender must not be null");
  if (Status valid = options.Validate(); !valid.ok()) return valid;
  auto impl = std::make_unique<Impl>(std::move(sender), options);
  if (Status started = impl->Start(); !started.ok()) return started;
  return std::make_shared<AsyncReporter>(std::move(impl));
}

AsyncReporter::AsyncReporter(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

AsyncReporter::~AsyncReporter() { Close(); }

void AsyncReporter::Report(SpanRecordPtr span) noexcept { impl_->Report(std::move(span)); }

Status AsyncReporter::Flush(std::chrono::milliseconds timeout) { return impl_->Flush(timeout); }

void AsyncReporter::Close() {
  if (impl_ != nullptr) impl_->Close();
}

const ReporterMetrics& AsyncReporter::metrics() const { return impl_->metrics(); }

}  // namespace cairn::trace
