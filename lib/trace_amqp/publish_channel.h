// PublishChannel: the publisher thread's connection: connect and set up (declare queues, confirm
// mode), publish one message and wait for its outcome, and watch the idle connection for a broker
// that closed it. Internal to trace_amqp; blocking; owned by one thread.
//
// Outcome of a publish:
// - kPublished: the broker confirmed it (publisher confirms), or it was written to the socket
//   (confirms off).
// - kRetry: the connection failed before a confirm arrived (socket error, broker closed the
//   connection, confirm timeout). The connection is aborted; the message may be sent again on a new
//   connection (so a message can, rarely, arrive twice).
// - kFailed: the broker refused this message: unroutable with `mandatory` (basic.return), nacked,
//   or the channel was closed for it (e.g. 404 NOT_FOUND, no such exchange). Not worth retrying.
//   The connection is aborted when the channel was closed; the next Connect reopens it.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/trace/status.h"
#include "lib/trace_amqp/amqp_connection.h"
#include "lib/trace_amqp/amqp_headers.h"
#include "lib/trace_amqp/broker.h"

namespace cairn::trace_amqp::internal {

struct PublishSettings {
  bool confirms = true;
  bool mandatory = true;
  bool persistent = false;  // delivery_mode 2
  std::chrono::milliseconds confirm_timeout{5000};
  std::vector<std::string> declare_queues;
  bool durable_queues = false;
};

enum class PublishOutcome { kPublished, kRetry, kFailed };

struct PublishResult {
  PublishOutcome outcome = PublishOutcome::kPublished;
  std::string error;  // why, when not published
};

class PublishChannel {
 public:
  PublishChannel(BrokerUrl broker, ConnectionSettings connection, PublishSettings settings);

  // Opens the connection, enables confirms and declares the queues. Unavailable when the broker
  // cannot be reached; other codes when it refused the setup (e.g. a queue declared with other
  // arguments: FailedPrecondition). The connection is not open after an error.
  Status Connect();
  bool is_open() const { return connection_.is_open(); }
  void Close() { connection_.Close(); }
  void Abort() { connection_.Abort(); }
  // Thread-safe: unblocks a publish stuck in a send (see Connection::Interrupt).
  void Interrupt() { connection_.Interrupt(); }

  PublishResult Publish(std::string_view exchange, std::string_view routing_key,
                        std::string_view content_type, MessageHeaders& headers,
                        std::string_view body);

  // Processes what the broker sent to an idle connection (heartbeats, connection.close). Returns
  // Unavailable, with the reason, after aborting a connection that is gone.
  Status Poll();

 private:
  PublishResult AwaitConfirm(std::uint64_t delivery_tag);
  PublishResult Retry(std::string error);

  BrokerUrl broker_;
  ConnectionSettings connection_settings_;
  PublishSettings settings_;
  Connection connection_;
  std::uint64_t next_delivery_tag_ = 1;
};

}  // namespace cairn::trace_amqp::internal
