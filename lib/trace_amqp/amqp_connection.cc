#include "lib/trace_amqp/amqp_connection.h"

#include <amqp_tcp_socket.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace cairn::trace_amqp::internal {
namespace {

timeval ToTimeval(std::chrono::milliseconds ms) {
  timeval tv{};
  tv.tv_sec = static_cast<time_t>(ms.count() / 1000);
  tv.tv_usec = static_cast<suseconds_t>((ms.count() % 1000) * 1000);
  return tv;
}

amqp_bytes_t Bytes(std::string_view text) {
  return amqp_bytes_t{text.size(), const_cast<char*>(text.data())};
}

std::string_view View(const amqp_bytes_t& bytes) {
  if (bytes.len == 0 || bytes.bytes == nullptr) return {};
  return {static_cast<const char*>(bytes.bytes), bytes.len};
}

std::string CloseReason(std::string_view who, std::uint16_t code, const amqp_bytes_t& text) {
  return std::string(who) + " closed by the broker: " + std::to_string(code) + " " +
         std::string(View(text));
}

}  // namespace

std::string DescribeLibraryError(int status) { return amqp_error_string2(status); }

std::string DescribeReply(const amqp_rpc_reply_t& reply) {
  switch (reply.reply_type) {
    case AMQP_RESPONSE_NORMAL:
      return "ok";
    case AMQP_RESPONSE_NONE:
      return "no reply from the broker";
    case AMQP_RESPONSE_LIBRARY_EXCEPTION:
      return DescribeLibraryError(reply.library_error);
    case AMQP_RESPONSE_SERVER_EXCEPTION:
      if (reply.reply.id == AMQP_CONNECTION_CLOSE_METHOD && reply.reply.decoded != nullptr) {
        const auto* m = static_cast<const amqp_connection_close_t*>(reply.reply.decoded);
        return CloseReason("connection", m->reply_code, m->reply_text);
      }
      if (reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD && reply.reply.decoded != nullptr) {
        const auto* m = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
        return CloseReason("channel", m->reply_code, m->reply_text);
      }
      return "unexpected method " + std::to_string(reply.reply.id) + " from the broker";
  }
  return "unknown reply";
}

Status Connection::Open(const BrokerUrl& broker, const ConnectionSettings& settings) {
  Abort();
  state_ = amqp_new_connection();
  if (state_ == nullptr) return Internal("amqp: out of memory creating a connection");
  amqp_socket_t* socket = amqp_tcp_socket_new(state_);
  if (socket == nullptr) {
    Abort();
    return Internal("amqp: cannot create a TCP socket");
  }
  timeval connect_timeout = ToTimeval(settings.connect_timeout);
  const int rc =
      amqp_socket_open_noblock(socket, broker.host.c_str(), broker.port, &connect_timeout);
  if (rc != AMQP_STATUS_OK) {
    Abort();
    return Unavailable("cannot connect to " + broker.Redacted() + ": " + DescribeLibraryError(rc));
  }
  {
    std::lock_guard<std::mutex> lock(fd_mu_);
    fd_ = amqp_socket_get_sockfd(socket);
  }
  timeval handshake_timeout = ToTimeval(settings.connect_timeout);
  timeval rpc_timeout = ToTimeval(settings.rpc_timeout);
  amqp_set_handshake_timeout(state_, &handshake_timeout);
  amqp_set_rpc_timeout(state_, &rpc_timeout);

  amqp_table_entry_t property;
  property.key = amqp_cstring_bytes("connection_name");
  property.value.kind = AMQP_FIELD_KIND_UTF8;
  property.value.value.bytes = Bytes(settings.connection_name);
  amqp_table_t properties{settings.connection_name.empty() ? 0 : 1, &property};
  const amqp_rpc_reply_t login = amqp_login_with_properties(
      state_, broker.vhost.c_str(), /*channel_max=*/0, /*frame_max=*/131072,
      static_cast<int>(settings.heartbeat.count()), &properties, AMQP_SASL_METHOD_PLAIN,
      broker.user.c_str(), broker.password.c_str());
  if (login.reply_type != AMQP_RESPONSE_NORMAL) {
    Abort();
    return Unavailable("login to " + broker.Redacted() + " failed: " + DescribeReply(login));
  }
  amqp_channel_open(state_, kChannel);
  Status channel = CheckReply("channel.open");
  if (!channel.ok()) return Unavailable(broker.Redacted() + ": " + channel.message());
  return Status::Ok();
}

void Connection::Close() {
  if (state_ == nullptr) return;
  // Bound the closing handshake: the broker may be gone.
  timeval timeout = ToTimeval(std::chrono::milliseconds(500));
  amqp_set_rpc_timeout(state_, &timeout);
  amqp_channel_close(state_, kChannel, AMQP_REPLY_SUCCESS);
  amqp_connection_close(state_, AMQP_REPLY_SUCCESS);
  Abort();
}

void Connection::Abort() {
  if (state_ == nullptr) return;
  std::lock_guard<std::mutex> lock(fd_mu_);
  fd_ = -1;
  amqp_destroy_connection(state_);
  state_ = nullptr;
}

void Connection::Interrupt() {
  std::lock_guard<std::mutex> lock(fd_mu_);
  if (fd_ >= 0) ::shutdown(fd_, SHUT_RDWR);
}

Status Connection::CheckReply(std::string_view what) {
  const amqp_rpc_reply_t reply = amqp_get_rpc_reply(state_);
  if (reply.reply_type == AMQP_RESPONSE_NORMAL) return Status::Ok();
  std::string message = std::string(what) + ": " + DescribeReply(reply);
  // A broker refusal (channel.close with a 4xx code) is about the request, not the transport.
  if (reply.reply_type == AMQP_RESPONSE_SERVER_EXCEPTION &&
      reply.reply.id == AMQP_CHANNEL_CLOSE_METHOD && reply.reply.decoded != nullptr) {
    const auto* m = static_cast<const amqp_channel_close_t*>(reply.reply.decoded);
    Abort();
    if (m->reply_code == AMQP_PRECONDITION_FAILED) return FailedPrecondition(std::move(message));
    if (m->reply_code >= 400 && m->reply_code < 500) return InvalidArgument(std::move(message));
    return Unavailable(std::move(message));
  }
  Abort();
  return Unavailable(std::move(message));
}

Status Connection::DeclareQueue(std::string_view queue, bool durable) {
  if (state_ == nullptr) return FailedPrecondition("queue.declare: not connected");
  amqp_queue_declare(state_, kChannel, Bytes(queue), /*passive=*/0, durable ? 1 : 0,
                     /*exclusive=*/0, /*auto_delete=*/0, amqp_empty_table);
  return CheckReply("queue.declare '" + std::string(queue) + "'");
}

Status Connection::SelectConfirms() {
  if (state_ == nullptr) return FailedPrecondition("confirm.select: not connected");
  amqp_confirm_select(state_, kChannel);
  return CheckReply("confirm.select");
}

Status Connection::SetPrefetch(std::uint16_t count) {
  if (state_ == nullptr) return FailedPrecondition("basic.qos: not connected");
  amqp_basic_qos(state_, kChannel, 0, count, /*global=*/0);
  return CheckReply("basic.qos");
}

Result<std::string> Connection::Consume(std::string_view queue, std::string_view tag) {
  if (state_ == nullptr) return FailedPrecondition("basic.consume: not connected");
  const amqp_basic_consume_ok_t* ok =
      amqp_basic_consume(state_, kChannel, Bytes(queue), Bytes(tag), /*no_local=*/0,
                         /*no_ack=*/0, /*exclusive=*/0, amqp_empty_table);
  Status status = CheckReply("basic.consume '" + std::string(queue) + "'");
  if (!status.ok()) return status;
  if (ok == nullptr) return Unavailable("basic.consume: no consume-ok from the broker");
  return std::string(View(ok->consumer_tag));
}

Status Connection::HandleAsyncMethod(const amqp_frame_t& frame) {
  if (state_ == nullptr || frame.frame_type != AMQP_FRAME_METHOD) return Status::Ok();
  const amqp_method_t& method = frame.payload.method;
  if (method.id == AMQP_CONNECTION_CLOSE_METHOD) {
    std::string reason = "connection closed by the broker";
    if (method.decoded != nullptr) {
      const auto* m = static_cast<const amqp_connection_close_t*>(method.decoded);
      reason = CloseReason("connection", m->reply_code, m->reply_text);
    }
    amqp_connection_close_ok_t close_ok{};
    amqp_send_method(state_, 0, AMQP_CONNECTION_CLOSE_OK_METHOD, &close_ok);
    return Unavailable(std::move(reason));
  }
  if (method.id == AMQP_CHANNEL_CLOSE_METHOD) {
    std::string reason = "channel closed by the broker";
    if (method.decoded != nullptr) {
      const auto* m = static_cast<const amqp_channel_close_t*>(method.decoded);
      reason = CloseReason("channel", m->reply_code, m->reply_text);
    }
    amqp_channel_close_ok_t close_ok{};
    amqp_send_method(state_, frame.channel, AMQP_CHANNEL_CLOSE_OK_METHOD, &close_ok);
    return Unavailable(std::move(reason));
  }
  if (method.id == AMQP_BASIC_CANCEL_METHOD) {
    return Unavailable("the broker cancelled the consumer (queue deleted?)");
  }
  return Status::Ok();
}

}  // namespace cairn::trace_amqp::internal
