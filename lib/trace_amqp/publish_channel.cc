#include "lib/trace_amqp/publish_channel.h"

#include <sys/time.h>

#include <utility>

namespace cairn::trace_amqp::internal {
namespace {

amqp_bytes_t Bytes(std::string_view text) {
  return amqp_bytes_t{text.size(), const_cast<char*>(text.data())};
}

std::string_view View(const amqp_bytes_t& bytes) {
  if (bytes.len == 0 || bytes.bytes == nullptr) return {};
  return {static_cast<const char*>(bytes.bytes), bytes.len};
}

timeval ToTimeval(std::chrono::steady_clock::duration d) {
  const auto us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
  timeval tv{};
  if (us <= 0) return tv;
  tv.tv_sec = static_cast<time_t>(us / 1000000);
  tv.tv_usec = static_cast<suseconds_t>(us % 1000000);
  return tv;
}

}  // namespace

PublishChannel::PublishChannel(BrokerUrl broker, ConnectionSettings connection,
                               PublishSettings settings)
    : broker_(std::move(broker)),
      connection_settings_(std::move(connection)),
      settings_(std::move(settings)) {}

Status PublishChannel::Connect() {
  Status status = connection_.Open(broker_, connection_settings_);
  if (!status.ok()) return status;
  next_delivery_tag_ = 1;
  if (settings_.confirms) {
    status = connection_.SelectConfirms();
    if (!status.ok()) return status;
  }
  for (const std::string& queue : settings_.declare_queues) {
    status = connection_.DeclareQueue(queue, settings_.durable_queues);
    if (!status.ok()) return status;
  }
  return Status::Ok();
}

PublishResult PublishChannel::Retry(std::string error) {
  connection_.Abort();
  return {PublishOutcome::kRetry, std::move(error)};
}

PublishResult PublishChannel::Publish(std::string_view exchange, std::string_view routing_key,
                                      std::string_view content_type, MessageHeaders& headers,
                                      std::string_view body) {
  if (!connection_.is_open()) return {PublishOutcome::kRetry, "not connected"};
  amqp_connection_state_t state = connection_.get();
  amqp_maybe_release_buffers(state);

  amqp_basic_properties_t props{};
  props._flags = AMQP_BASIC_DELIVERY_MODE_FLAG;
  props.delivery_mode =
      settings_.persistent ? AMQP_DELIVERY_PERSISTENT : AMQP_DELIVERY_NONPERSISTENT;
  if (!content_type.empty()) {
    props._flags |= AMQP_BASIC_CONTENT_TYPE_FLAG;
    props.content_type = Bytes(content_type);
  }
  if (!headers.empty()) {
    props._flags |= AMQP_BASIC_HEADERS_FLAG;
    props.headers = headers.AsTable();
  }
  const int rc = amqp_basic_publish(state, Connection::kChannel, Bytes(exchange),
                                    Bytes(routing_key), settings_.mandatory ? 1 : 0,
                                    /*immediate=*/0, &props, Bytes(body));
  if (rc != AMQP_STATUS_OK) return Retry("basic.publish: " + DescribeLibraryError(rc));
  if (!settings_.confirms) return {PublishOutcome::kPublished, {}};
  return AwaitConfirm(next_delivery_tag_++);
}

PublishResult PublishChannel::AwaitConfirm(std::uint64_t delivery_tag) {
  amqp_connection_state_t state = connection_.get();
  const auto deadline = std::chrono::steady_clock::now() + settings_.confirm_timeout;
  std::string returned;  // basic.return reason: the broker routed the message nowhere
  for (;;) {
    timeval remaining = ToTimeval(deadline - std::chrono::steady_clock::now());
    amqp_frame_t frame;
    const int rc = amqp_simple_wait_frame_noblock(state, &frame, &remaining);
    if (rc == AMQP_STATUS_TIMEOUT) {
      return Retry("no publisher confirm within " +
                   std::to_string(settings_.confirm_timeout.count()) + " ms");
    }
    if (rc != AMQP_STATUS_OK) return Retry("waiting for confirm: " + DescribeLibraryError(rc));
    if (frame.frame_type != AMQP_FRAME_METHOD) continue;
    const amqp_method_t& method = frame.payload.method;
    switch (method.id) {
      case AMQP_BASIC_ACK_METHOD: {
        const auto* ack = static_cast<const amqp_basic_ack_t*>(method.decoded);
        if (ack->delivery_tag < delivery_tag) continue;  // an older message's, should not happen
        if (!returned.empty()) return {PublishOutcome::kFailed, std::move(returned)};
        return {PublishOutcome::kPublished, {}};
      }
      case AMQP_BASIC_NACK_METHOD: {
        const auto* nack = static_cast<const amqp_basic_nack_t*>(method.decoded);
        if (nack->delivery_tag < delivery_tag) continue;
        return {PublishOutcome::kFailed, "the broker nacked the message"};
      }
      case AMQP_BASIC_RETURN_METHOD: {
        const auto* ret = static_cast<const amqp_basic_return_t*>(method.decoded);
        returned = "unroutable: " + std::to_string(ret->reply_code) + " " +
                   std::string(View(ret->reply_text)) + " (exchange '" +
                   std::string(View(ret->exchange)) + "', routing key '" +
                   std::string(View(ret->routing_key)) + "')";
        // The returned message's header and body frames follow; consume them.
        amqp_message_t message;
        const amqp_rpc_reply_t read = amqp_read_message(state, frame.channel, &message, 0);
        if (read.reply_type != AMQP_RESPONSE_NORMAL) {
          return Retry("reading a returned message: " + DescribeReply(read));
        }
        amqp_destroy_message(&message);
        continue;
      }
      case AMQP_CHANNEL_CLOSE_METHOD: {
        // The broker closed the channel because of this message (e.g. no such exchange).
        Status reason = connection_.HandleAsyncMethod(frame);
        connection_.Abort();
        return {PublishOutcome::kFailed, reason.message()};
      }
      default: {
        Status status = connection_.HandleAsyncMethod(frame);
        if (!status.ok()) return Retry(status.message());
        continue;
      }
    }
  }
}

Status PublishChannel::Poll() {
  if (!connection_.is_open()) return Unavailable("not connected");
  amqp_connection_state_t state = connection_.get();
  amqp_maybe_release_buffers(state);
  for (;;) {
    timeval zero{};
    amqp_frame_t frame;
    const int rc = amqp_simple_wait_frame_noblock(state, &frame, &zero);
    if (rc == AMQP_STATUS_TIMEOUT) return Status::Ok();
    if (rc != AMQP_STATUS_OK) {
      connection_.Abort();
      return Unavailable("connection lost: " + DescribeLibraryError(rc));
    }
    Status status = connection_.HandleAsyncMethod(frame);
    if (!status.ok()) {
      connection_.Abort();
      return status;
    }
  }
}

}  // namespace cairn::trace_amqp::internal
