#include "lib/trace_amqp/publisher.h"

#include <algorithm>
#include <condition_variable>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>

#include "lib/base/status.h"
#include "lib/trace_amqp/amqp_headers.h"
#include "lib/trace_amqp/messaging_span.h"
#include "lib/trace_amqp/publish_channel.h"

namespace cairn::trace_amqp {
namespace {

using Clock = std::chrono::steady_clock;
constexpr std::size_t kMaxShortString = 255;  // AMQP shortstr: exchange and routing key
// How long Close waits past close_timeout before it interrupts a blocked send.
constexpr std::chrono::milliseconds kCloseGrace{500};

struct Pending {
  OutgoingMessage message;
  MessageHeaders headers;
  trace::Span span;
  std::uint64_t sequence = 0;
  std::size_t bytes = 0;
  int attempts = 0;
};

}  // namespace

Status PublisherOptions::Validate() const {
  auto url_status = ParseBrokerUrl(url);
  if (!url_status.ok()) return url_status.status();
  if (tracer == nullptr) return InvalidArgument("tracer is required");
  CAIRN_RETURN_IF_ERROR(connection.Validate());
  for (const std::string& queue : declare_queues) {
    if (queue.empty() || queue.size() > kMaxShortString) {
      return InvalidArgument("declare_queues: queue names must be 1..255 bytes");
    }
  }
  if (queue_max_messages == 0 || queue_max_messages > 1'000'000) {
    return InvalidArgument("queue_max_messages must be in 1..1000000");
  }
  if (queue_max_bytes == 0) return InvalidArgument("queue_max_bytes must be positive");
  if (max_body_bytes == 0 || max_body_bytes > queue_max_bytes) {
    return InvalidArgument("max_body_bytes must be in 1..queue_max_bytes");
  }
  if (max_attempts < 1 || max_attempts > 100) {
    return InvalidArgument("max_attempts must be in 1..100");
  }
  if (confirm_timeout.count() <= 0) return InvalidArgument("confirm_timeout must be positive");
  if (reconnect_backoff.count() <= 0 || max_reconnect_backoff < reconnect_backoff) {
    return InvalidArgument(
        "reconnect_backoff must be positive and max_reconnect_backoff at least as long");
  }
  if (idle_check_interval.count() <= 0) {
    return InvalidArgument("idle_check_interval must be positive");
  }
  if (close_timeout.count() < 0) return InvalidArgument("close_timeout must not be negative");
  return Status::Ok();
}

class Publisher::Impl {
 public:
  Impl(PublisherOptions options, BrokerUrl broker)
      : options_(std::move(options)),
        broker_(std::move(broker)),
        log_("cairn amqp publisher " + broker_.Redacted(), options_.log),
        channel_(broker_, options_.connection,
                 internal::PublishSettings{options_.publisher_confirms, options_.mandatory,
                                           options_.persistent, options_.confirm_timeout,
                                           options_.declare_queues, options_.durable_queues}) {}

  ~Impl() { Close(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }

  Status Publish(OutgoingMessage message, const trace::TraceContext* parent) {
    trace::SpanOptions span_options;
    span_options.kind = trace::SpanKind::kProducer;
    span_options.parent = parent;
    trace::Span span = options_.tracer->StartSpan("send", span_options);
    if (span.IsRecording()) {
      span.SetName(ProducerSpanName(message.exchange, message.routing_key));
      DecorateProducerSpan(span, broker_, options_.remote_service_name, message.exchange,
                           message.routing_key);
    }
    Status invalid = CheckMessage(message);
    if (!invalid.ok()) {
      metrics_.rejected.fetch_add(1, std::memory_order_relaxed);
      return FailNow(span, std::move(invalid));
    }
    Pending pending;
    for (const auto& [name, value] : message.headers) pending.headers.Set(name, value);
    options_.tracer->Inject(span.context(), trace::SpanKind::kProducer, pending.headers);
    pending.bytes = message.body.size() + message.exchange.size() + message.routing_key.size() +
                    message.content_type.size() + pending.headers.ByteSize();
    pending.message = std::move(message);
    pending.message.headers.clear();  // now in pending.headers
    pending.span = std::move(span);
    Status refused;  // the span is finished outside the lock
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (closing_) {
        metrics_.rejected.fetch_add(1, std::memory_order_relaxed);
        refused = FailedPrecondition("publisher is closed");
      } else if (queue_.size() >= options_.queue_max_messages ||
                 queued_bytes_ + pending.bytes > options_.queue_max_bytes) {
        metrics_.dropped.fetch_add(1, std::memory_order_relaxed);
        refused = ResourceExhausted("publish queue full (" + std::to_string(queue_.size()) +
                                    " messages, " + std::to_string(queued_bytes_) +
                                    " bytes queued): message dropped");
      } else {
        pending.sequence = ++last_sequence_;
        queued_bytes_ += pending.bytes;
        queue_.push_back(std::move(pending));
        metrics_.accepted.fetch_add(1, std::memory_order_relaxed);
        metrics_.queued.store(queue_.size(), std::memory_order_relaxed);
      }
    }
    if (!refused.ok()) return FailNow(pending.span, std::move(refused));
    work_cv_.notify_one();
    return Status::Ok();
  }

  Status Flush(std::chrono::milliseconds timeout) {
    std::unique_lock<std::mutex> lock(mu_);
    const std::uint64_t target = last_sequence_;
    if (done_cv_.wait_for(lock, timeout, [&] { return completed_sequence_ >= target; })) {
      return Status::Ok();
    }
    return DeadlineExceeded("publisher flush: " + std::to_string(target - completed_sequence_) +
                            " messages still unsent after " + std::to_string(timeout.count()) +
                            " ms");
  }

  bool WaitConnected(std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(mu_);
    return done_cv_.wait_for(lock, timeout, [&] {
      return metrics_.connected.load(std::memory_order_relaxed) || stopped_;
    }) && metrics_.connected.load(std::memory_order_relaxed);
  }

  void Close() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (!closing_) {
        closing_ = true;
        close_deadline_ = Clock::now() + options_.close_timeout;
      }
    }
    work_cv_.notify_all();
    std::lock_guard<std::mutex> join_lock(join_mu_);
    if (!thread_.joinable()) return;
    {
      // A publish blocked on a broker that stopped reading (memory or disk alarm) or waiting for
      // its confirm would hold the thread past the deadline: cut its socket.
      std::unique_lock<std::mutex> lock(mu_);
      if (!done_cv_.wait_until(lock, close_deadline_ + kCloseGrace, [&] { return stopped_; })) {
        lock.unlock();
        channel_.Interrupt();
      }
    }
    thread_.join();
  }

  const PublisherMetrics& metrics() const { return metrics_; }
  const BrokerUrl& broker() const { return broker_; }

 private:
  static Status FailNow(trace::Span& span, Status status) {
    span.SetError(status.message());
    span.Finish();
    return status;
  }

  Status CheckMessage(const OutgoingMessage& message) const {
    if (message.exchange.size() > kMaxShortString) {
      return InvalidArgument("exchange name exceeds 255 bytes");
    }
    if (message.routing_key.size() > kMaxShortString) {
      return InvalidArgument("routing key exceeds 255 bytes");
    }
    if (message.content_type.size() > kMaxShortString) {
      return InvalidArgument("content type exceeds 255 bytes");
    }
    if (message.body.size() > options_.max_body_bytes) {
      return InvalidArgument("message body of " + std::to_string(message.body.size()) +
                             " bytes exceeds max_body_bytes (" +
                             std::to_string(options_.max_body_bytes) + ")");
    }
    return Status::Ok();
  }

  // Ends a message that was taken off the queue.
  void Complete(Pending& pending, std::atomic<std::uint64_t>& counter, const std::string& error) {
    if (!error.empty()) pending.span.SetError(error);
    pending.span.Finish();
    counter.fetch_add(1, std::memory_order_relaxed);
    {
      std::lock_guard<std::mutex> lock(mu_);
      completed_sequence_ = pending.sequence;
    }
    done_cv_.notify_all();
  }

  void SetConnected(bool connected) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      metrics_.connected.store(connected, std::memory_order_relaxed);
    }
    done_cv_.notify_all();
  }

  void TryConnect(Clock::time_point now) {
    Status status = channel_.Connect();
    if (status.ok()) {
      metrics_.connects.fetch_add(1, std::memory_order_relaxed);
      if (had_failure_) log_.Info("connected again");
      had_failure_ = false;
      backoff_ = options_.reconnect_backoff;
      next_poll_ = now + options_.idle_check_interval;
      SetConnected(true);
      return;
    }
    metrics_.connect_failures.fetch_add(1, std::memory_order_relaxed);
    had_failure_ = true;
    next_connect_ = now + backoff_;
    log_.Warn(status.message() + "; retrying in " + std::to_string(backoff_.count()) + " ms");
    backoff_ = std::min(backoff_ * 2, options_.max_reconnect_backoff);
  }

  void ConnectionLost(const std::string& why) {
    SetConnected(false);
    had_failure_ = true;
    next_connect_ = Clock::now();  // the broker was up a moment ago: try at once
    log_.Warn("connection lost: " + why);
  }

  void LogDrops() {
    const std::uint64_t dropped = metrics_.dropped.load(std::memory_order_relaxed);
    if (dropped != logged_dropped_ &&
        log_.Warn(std::to_string(dropped - logged_dropped_) +
                  " messages dropped because the publish queue was full")) {
      logged_dropped_ = dropped;
    }
  }

  void Publish(Pending& pending) {
    ++pending.attempts;
    if (pending.attempts > 1) metrics_.retried.fetch_add(1, std::memory_order_relaxed);
    const internal::PublishResult result =
        channel_.Publish(pending.message.exchange, pending.message.routing_key,
                         pending.message.content_type, pending.headers, pending.message.body);
    switch (result.outcome) {
      case internal::PublishOutcome::kPublished:
        Complete(pending, metrics_.published, {});
        break;
      case internal::PublishOutcome::kFailed:
        log_.Warn("message to '" + pending.message.routing_key + "' failed: " + result.error);
        if (!channel_.is_open()) ConnectionLost(result.error);
        Complete(pending, metrics_.failed, result.error);
        break;
      case internal::PublishOutcome::kRetry:
        ConnectionLost(result.error);
        if (pending.attempts >= options_.max_attempts) {
          Complete(
              pending, metrics_.failed,
              "gave up after " + std::to_string(pending.attempts) + " attempts: " + result.error);
        } else {
          current_ = std::move(pending);
        }
        break;
    }
  }

  void Run() {
    for (;;) {
      LogDrops();
      Clock::time_point now = Clock::now();
      if (!channel_.is_open() && now >= next_connect_) {
        TryConnect(now);
      } else if (channel_.is_open() && now >= next_poll_) {
        Status status = channel_.Poll();
        if (!status.ok()) ConnectionLost(status.message());
        next_poll_ = now + options_.idle_check_interval;
      }

      std::optional<Pending> pending = std::exchange(current_, std::nullopt);
      const bool open = channel_.is_open();
      {
        std::unique_lock<std::mutex> lock(mu_);
        const bool closing = closing_;
        if (closing && (Clock::now() >= close_deadline_ || (!pending && queue_.empty()))) {
          lock.unlock();
          if (pending) Abandon(*pending);
          break;
        }
        // Messages stay in the queue (and in metrics().queued) while there is no connection.
        if (!pending && open && !queue_.empty()) {
          pending.emplace(std::move(queue_.front()));
          queue_.pop_front();
          queued_bytes_ -= pending->bytes;
          metrics_.queued.store(queue_.size(), std::memory_order_relaxed);
        }
        if (!pending || !open) {
          // Sleep until there is work, the next connection check, or the close deadline.
          Clock::time_point wake = open ? next_poll_ : std::max(next_connect_, Clock::now());
          if (closing) wake = std::min(wake, close_deadline_);
          const bool idle = !pending;
          current_ = std::move(pending);
          work_cv_.wait_until(
              lock, wake, [&] { return closing_ != closing || (open && idle && !queue_.empty()); });
          continue;
        }
      }
      Publish(*pending);
    }
    AbandonQueued();
    channel_.Close();
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopped_ = true;
    }
    SetConnected(false);
  }

  void Abandon(Pending& pending) {
    Complete(pending, metrics_.abandoned, "publisher closed before the message was sent");
  }

  void AbandonQueued() {
    if (current_) Abandon(*current_);
    current_.reset();
    std::deque<Pending> left;
    {
      std::lock_guard<std::mutex> lock(mu_);
      left.swap(queue_);
      queued_bytes_ = 0;
      metrics_.queued.store(0, std::memory_order_relaxed);
    }
    if (!left.empty()) {
      log_.Info("closed with " + std::to_string(left.size()) + " messages unsent");
    }
    for (Pending& pending : left) Abandon(pending);
  }

  const PublisherOptions options_;
  const BrokerUrl broker_;
  PublisherMetrics metrics_;

  mutable std::mutex mu_;
  mutable std::condition_variable work_cv_;
  mutable std::condition_variable done_cv_;
  std::deque<Pending> queue_;
  std::size_t queued_bytes_ = 0;
  std::uint64_t last_sequence_ = 0;       // of the last accepted message
  std::uint64_t completed_sequence_ = 0;  // messages complete in order up to this one
  bool closing_ = false;
  bool stopped_ = false;
  Clock::time_point close_deadline_{};
  std::mutex join_mu_;
  std::thread thread_;

  // The worker thread's own state.
  RateLimitedLog log_;
  internal::PublishChannel channel_;
  std::optional<Pending> current_;  // taken off the queue, waiting for a connection
  Clock::time_point next_connect_{};
  Clock::time_point next_poll_{};
  std::chrono::milliseconds backoff_{options_.reconnect_backoff};
  bool had_failure_ = false;
  std::uint64_t logged_dropped_ = 0;
};

Result<std::unique_ptr<Publisher>> Publisher::Create(PublisherOptions options) {
  Status valid = options.Validate();
  if (!valid.ok()) return Status(valid.code(), "amqp publisher: " + valid.message());
  auto broker = ParseBrokerUrl(options.url);
  auto impl = std::make_unique<Impl>(std::move(options), std::move(broker).value());
  impl->Start();
  return std::unique_ptr<Publisher>(new Publisher(std::move(impl)));
}

Publisher::Publisher(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Publisher::~Publisher() { impl_->Close(); }

Status Publisher::Publish(OutgoingMessage message, const trace::TraceContext* parent) {
  return impl_->Publish(std::move(message), parent);
}

Status Publisher::Publish(std::string_view exchange, std::string_view routing_key, std::string body,
                          std::string_view content_type, const trace::TraceContext* parent) {
  OutgoingMessage message;
  message.exchange = exchange;
  message.routing_key = routing_key;
  message.body = std::move(body);
  message.content_type = content_type;
  return impl_->Publish(std::move(message), parent);
}

Status Publisher::Flush(std::chrono::milliseconds timeout) { return impl_->Flush(timeout); }
bool Publisher::WaitConnected(std::chrono::milliseconds timeout) const {
  return impl_->WaitConnected(timeout);
}
void Publisher::Close() { impl_->Close(); }
const PublisherMetrics& Publisher::metrics() const { return impl_->metrics(); }
const BrokerUrl& Publisher::broker() const { return impl_->broker(); }

}  // namespace cairn::trace_amqp
