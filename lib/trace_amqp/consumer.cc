#include "lib/trace_amqp/consumer.h"

#include <amqp.h>
#include <sys/time.h>

#include <algorithm>
#include <condition_variable>
#include <exception>
#include <mutex>
#include <thread>

#include "cairn/trace/current_span.h"
#include "lib/base/status.h"
#include "lib/trace_amqp/amqp_connection.h"
#include "lib/trace_amqp/amqp_headers.h"
#include "lib/trace_amqp/messaging_span.h"

namespace cairn::trace_amqp {
namespace {

using Clock = std::chrono::steady_clock;

std::string_view View(const amqp_bytes_t& bytes) {
  if (bytes.len == 0 || bytes.bytes == nullptr) return {};
  return {static_cast<const char*>(bytes.bytes), bytes.len};
}

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

}  // namespace

Status ConsumerOptions::Validate() const {
  auto url_status = ParseBrokerUrl(url);
  if (!url_status.ok()) return url_status.status();
  if (tracer == nullptr) return InvalidArgument("tracer is required");
  CAIRN_RETURN_IF_ERROR(connection.Validate());
  if (queue.empty() || queue.size() > 255) return InvalidArgument("queue must be 1..255 bytes");
  if (consumer_tag.size() > 255) return InvalidArgument("consumer_tag exceeds 255 bytes");
  if (span_name.empty()) return InvalidArgument("span_name is required");
  if (prefetch == 0) return InvalidArgument("prefetch must be in 1..65535");
  if (max_body_bytes == 0) return InvalidArgument("max_body_bytes must be positive");
  if (reconnect_backoff.count() <= 0 || max_reconnect_backoff < reconnect_backoff) {
    return InvalidArgument(
        "reconnect_backoff must be positive and max_reconnect_backoff at least as long");
  }
  if (poll_interval.count() <= 0 || poll_interval > std::chrono::seconds(10)) {
    return InvalidArgument("poll_interval must be in 1 ms..10 s");
  }
  return Status::Ok();
}

class Consumer::Impl {
 public:
  Impl(ConsumerOptions options, BrokerUrl broker, MessageHandler handler)
      : options_(std::move(options)),
        broker_(std::move(broker)),
        handler_(std::move(handler)),
        log_("cairn amqp consumer " + broker_.Redacted() + " queue '" + options_.queue + "'",
             options_.log) {}

  ~Impl() { Stop(); }

  void Start() {
    thread_ = std::thread([this] { Run(); });
  }

  bool WaitConsuming(std::chrono::milliseconds timeout) const {
    std::unique_lock<std::mutex> lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      return metrics_.consuming.load(std::memory_order_relaxed) || stopping_;
    }) && metrics_.consuming.load(std::memory_order_relaxed);
  }

  void Stop() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stopping_ = true;
    }
    cv_.notify_all();
    std::lock_guard<std::mutex> join_lock(join_mu_);
    if (thread_.joinable()) thread_.join();
  }

  const ConsumerMetrics& metrics() const { return metrics_; }

 private:
  bool stopping() const {
    std::lock_guard<std::mutex> lock(mu_);
    return stopping_;
  }

  void SetConsuming(bool consuming) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      metrics_.consuming.store(consuming, std::memory_order_relaxed);
    }
    cv_.notify_all();
  }

  Status Subscribe() {
    CAIRN_RETURN_IF_ERROR(connection_.Open(broker_, options_.connection));
    if (options_.declare_queue) {
      CAIRN_RETURN_IF_ERROR(connection_.DeclareQueue(options_.queue, options_.durable_queue));
    }
    CAIRN_RETURN_IF_ERROR(connection_.SetPrefetch(options_.prefetch));
    auto tag = connection_.Consume(options_.queue, options_.consumer_tag);
    if (!tag.ok()) return tag.status();
    return Status::Ok();
  }

  void TrySubscribe() {
    Status status = Subscribe();
    if (status.ok()) {
      metrics_.connects.fetch_add(1, std::memory_order_relaxed);
      if (had_failure_) log_.Info("consuming again");
      had_failure_ = false;
      backoff_ = options_.reconnect_backoff;
      SetConsuming(true);
      return;
    }
    connection_.Abort();
    metrics_.connect_failures.fetch_add(1, std::memory_order_relaxed);
    had_failure_ = true;
    next_connect_ = Clock::now() + backoff_;
    log_.Warn(status.message() + "; retrying in " + std::to_string(backoff_.count()) + " ms");
    backoff_ = std::min(backoff_ * 2, options_.max_reconnect_backoff);
  }

  void ConnectionLost(const std::string& why) {
    connection_.Abort();
    SetConsuming(false);
    had_failure_ = true;
    next_connect_ = Clock::now();  // the broker was there a moment ago: try at once
    log_.Warn("connection lost: " + why);
  }

  // Waits for one message (at most poll_interval) and handles it, or handles whatever else came.
  void ConsumeOne() {
    amqp_connection_state_t state = connection_.get();
    amqp_maybe_release_buffers(state);
    amqp_envelope_t envelope;
    timeval timeout = ToTimeval(options_.poll_interval);
    const amqp_rpc_reply_t reply = amqp_consume_message(state, &envelope, &timeout, 0);
    if (reply.reply_type == AMQP_RESPONSE_NORMAL) {
      Handle(envelope);
      amqp_destroy_envelope(&envelope);
      return;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_TIMEOUT) {
      return;
    }
    if (reply.reply_type == AMQP_RESPONSE_LIBRARY_EXCEPTION &&
        reply.library_error == AMQP_STATUS_UNEXPECTED_STATE) {
      // Something other than a delivery arrived (e.g. connection.close); it is already buffered.
      amqp_frame_t frame;
      timeval wait = ToTimeval(std::chrono::milliseconds(1000));
      const int rc = amqp_simple_wait_frame_noblock(state, &frame, &wait);
      if (rc != AMQP_STATUS_OK) {
        ConnectionLost(internal::DescribeLibraryError(rc));
        return;
      }
      Status status = connection_.HandleAsyncMethod(frame);
      if (!status.ok()) ConnectionLost(status.message());
      return;
    }
    ConnectionLost(internal::DescribeReply(reply));
  }

  Status RunHandler(const Delivery& delivery, trace::Span& span) {
    trace::Scope scope(span.context());
    try {
      return handler_(delivery, span);
    } catch (const std::exception& e) {
      return Internal(std::string("message handler threw: ") + e.what());
    } catch (...) {
      return Internal("message handler threw a non-standard exception");
    }
  }

  void Handle(const amqp_envelope_t& envelope) {
    metrics_.received.fetch_add(1, std::memory_order_relaxed);
    const amqp_basic_properties_t& props = envelope.message.properties;
    const amqp_table_t headers_table =
        (props._flags & AMQP_BASIC_HEADERS_FLAG) ? props.headers : amqp_empty_table;
    const AmqpTableReader headers(headers_table);
    Delivery delivery;
    delivery.queue = options_.queue;
    delivery.exchange = View(envelope.exchange);
    delivery.routing_key = View(envelope.routing_key);
    if (props._flags & AMQP_BASIC_CONTENT_TYPE_FLAG)
      delivery.content_type = View(props.content_type);
    if (props._flags & AMQP_BASIC_MESSAGE_ID_FLAG) delivery.message_id = View(props.message_id);
    delivery.body = View(envelope.message.body);
    delivery.delivery_tag = envelope.delivery_tag;
    delivery.redelivered = envelope.redelivered != 0;
    delivery.headers = &headers;

    trace::Tracer& tracer = *options_.tracer;
    trace::Span span = tracer.StartSpanFromExtracted(options_.span_name, trace::SpanKind::kConsumer,
                                                     tracer.Extract(headers));
    DecorateConsumerSpan(span, broker_, options_.remote_service_name, options_.queue,
                         delivery.exchange, delivery.routing_key);
    Status result;
    if (delivery.body.size() > options_.max_body_bytes) {
      metrics_.too_large.fetch_add(1, std::memory_order_relaxed);
      result = InvalidArgument("message body of " + std::to_string(delivery.body.size()) +
                               " bytes exceeds max_body_bytes (" +
                               std::to_string(options_.max_body_bytes) + ")");
    } else {
      result = RunHandler(delivery, span);
      if (!result.ok()) metrics_.handler_errors.fetch_add(1, std::memory_order_relaxed);
    }

    amqp_connection_state_t state = connection_.get();
    int rc;
    if (result.ok()) {
      rc = amqp_basic_ack(state, internal::Connection::kChannel, envelope.delivery_tag, 0);
      if (rc == AMQP_STATUS_OK) metrics_.acked.fetch_add(1, std::memory_order_relaxed);
    } else {
      span.SetError(result.message());
      log_.Warn("message " + std::to_string(envelope.delivery_tag) +
                " rejected: " + result.message());
      rc = amqp_basic_reject(state, internal::Connection::kChannel, envelope.delivery_tag,
                             options_.requeue_on_error ? 1 : 0);
    }
    span.Finish();
    if (rc != AMQP_STATUS_OK) {
      ConnectionLost("sending ack/reject: " + internal::DescribeLibraryError(rc));
    }
  }

  void Run() {
    while (!stopping()) {
      if (connection_.is_open()) {
        ConsumeOne();
        continue;
      }
      if (Clock::now() >= next_connect_) {
        TrySubscribe();
        continue;
      }
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait_until(lock, next_connect_, [&] { return stopping_; });
    }
    connection_.Close();
    SetConsuming(false);
  }

  const ConsumerOptions options_;
  const BrokerUrl broker_;
  const MessageHandler handler_;
  ConsumerMetrics metrics_;

  mutable std::mutex mu_;
  mutable std::condition_variable cv_;
  bool stopping_ = false;
  std::mutex join_mu_;
  std::thread thread_;

  // The consumer thread's own state.
  RateLimitedLog log_;
  internal::Connection connection_;
  Clock::time_point next_connect_{};
  std::chrono::milliseconds backoff_{options_.reconnect_backoff};
  bool had_failure_ = false;
};

Result<std::unique_ptr<Consumer>> Consumer::Start(ConsumerOptions options, MessageHandler handler) {
  Status valid = options.Validate();
  if (!valid.ok()) return Status(valid.code(), "amqp consumer: " + valid.message());
  if (!handler) return InvalidArgument("amqp consumer: a message handler is required");
  auto broker = ParseBrokerUrl(options.url);
  auto impl =
      std::make_unique<Impl>(std::move(options), std::move(broker).value(), std::move(handler));
  impl->Start();
  return std::unique_ptr<Consumer>(new Consumer(std::move(impl)));
}

Consumer::Consumer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Consumer::~Consumer() { impl_->Stop(); }

bool Consumer::WaitConsuming(std::chrono::milliseconds timeout) const {
  return impl_->WaitConsuming(timeout);
}
void Consumer::Stop() { impl_->Stop(); }
const ConsumerMetrics& Consumer::metrics() const { return impl_->metrics(); }

}  // namespace cairn::trace_amqp
