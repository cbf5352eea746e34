// Connection: one blocking rabbitmq-c connection with one channel, owned by one thread (the
// publisher's or the consumer's). Internal to trace_amqp.
//
// Every call that waits on the broker is bounded: the TCP connect and login by connect_timeout,
// each synchronous AMQP method (declare, qos, consume, confirm.select) by rpc_timeout. Errors come
// back as Status with the broker's reply code and text when it gave one (Unavailable for transport
// failures and closes, InvalidArgument/FailedPrecondition when the broker refused the request).
// After any error the connection should be dropped (Abort) and opened again: rabbitmq-c leaves it
// in an unknown state. Not thread-safe, except Interrupt.
#pragma once

#include <amqp.h>

#include <mutex>
#include <string>
#include <string_view>

#include "cairn/trace/status.h"
#include "lib/trace_amqp/broker.h"

namespace cairn::trace_amqp::internal {

class Connection {
 public:
  static constexpr amqp_channel_t kChannel = 1;

  Connection() = default;
  ~Connection() { Abort(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Connects, logs in and opens channel kChannel. Any previous connection is aborted first.
  Status Open(const BrokerUrl& broker, const ConnectionSettings& settings);
  // Polite close (channel and connection close, each bounded by a short timeout), then frees.
  void Close();
  // Frees the connection without a closing handshake (after an error). Idempotent.
  void Abort();

  // From any thread: shuts the socket down so that a call blocked in it (a send to a broker that
  // stopped reading, e.g. under a memory alarm) fails at once. The owner then aborts as usual.
  void Interrupt();

  bool is_open() const { return state_ != nullptr; }
  amqp_connection_state_t get() const { return state_; }

  // queue.declare(passive=false, exclusive=false, auto_delete=false) with `durable`.
  Status DeclareQueue(std::string_view queue, bool durable);
  // Puts the channel in publisher-confirm mode (confirm.select).
  Status SelectConfirms();
  // basic.qos with a per-consumer prefetch count.
  Status SetPrefetch(std::uint16_t count);
  // basic.consume (manual acks); returns the consumer tag (the broker's when `tag` is empty).
  Result<std::string> Consume(std::string_view queue, std::string_view tag);

  // For a method frame that arrived outside an RPC: when it is connection.close or channel.close
  // answers close-ok where needed and returns Unavailable with the broker's reason (the caller then
  // aborts); any other method returns Ok.
  Status HandleAsyncMethod(const amqp_frame_t& frame);

 private:
  Status CheckReply(std::string_view what);

  amqp_connection_state_t state_ = nullptr;
  std::mutex fd_mu_;  // guards fd_ against Abort closing it while Interrupt uses it
  int fd_ = -1;
};

// "connection closed by the broker: 320 CONNECTION_FORCED - ..." and similar.
std::string DescribeReply(const amqp_rpc_reply_t& reply);
// rabbitmq-c's text for a status code (amqp_error_string2).
std::string DescribeLibraryError(int status);

}  // namespace cairn::trace_amqp::internal
