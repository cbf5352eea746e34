// Consumer: traced AMQP 0-9-1 consumption of one queue over rabbitmq-c, on its own thread.
//
// For each message the consumer extracts the trace context from the message headers
// (amqp_headers.h: `b3`, or the Go services' lower-case `x-b3-*`), starts a CONSUMER span (a child
// of the producer's span; a new trace when the headers carry none) named by the caller, makes it
// the current span and runs the handler with it. When the handler returns Ok the message is acked;
// otherwise the span is tagged `error` and the message rejected (requeued only when
// requeue_on_error). Spans follow messaging_span.h.
//
// Contract:
// - One thread per consumer runs every handler call, one message at a time, in delivery order.
//   A handler may block (it delays the next message), but should not run longer than about twice
//   the heartbeat interval or the broker drops the connection (the message is then redelivered).
// - The queue is declared (unless declare_queue is false) and subscribed with manual acks and a
//   prefetch window. When the connection is lost (broker restart, network) the consumer reconnects
//   with exponential backoff, declares and subscribes again; unacked messages are redelivered by
//   the broker (Delivery::redelivered).
// - Untrusted input: a body over max_body_bytes is rejected without calling the handler; malformed
//   trace headers start a new trace. A handler that throws is treated as one returning an error.
// - Stop (or the destructor) waits for the running handler, then closes the connection.
// - The tracer must outlive the consumer.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "cairn/trace/propagation.h"
#include "cairn/trace/span.h"
#include "cairn/trace/status.h"
#include "cairn/trace/tracer.h"
#include "lib/trace_amqp/amqp_log.h"
#include "lib/trace_amqp/broker.h"

namespace cairn::trace_amqp {

// One received message, valid during the handler call only.
struct Delivery {
  std::string_view queue;
  std::string_view exchange;
  std::string_view routing_key;
  std::string_view content_type;
  std::string_view message_id;
  std::string_view body;
  std::uint64_t delivery_tag = 0;
  bool redelivered = false;
  const trace::HeaderReader* headers = nullptr;  // the message's string headers; never null
};

// Runs on the consumer's thread with `span` current. Ok acks the message; an error rejects it and
// becomes the span's `error` tag.
using MessageHandler = std::function<Status(const Delivery& delivery, trace::Span& span)>;

struct ConsumerOptions {
  std::string url = "amqp://guest:guest@127.0.0.1:5672/";
  trace::Tracer* tracer = nullptr;  // required
  ConnectionSettings connection;
  std::string queue;          // required, 1..255 bytes
  bool declare_queue = true;  // non-durable, non-exclusive, no auto-delete by default
  bool durable_queue = false;
  std::string consumer_tag;              // empty: the broker makes one up
  std::string span_name = "on-message";  // e.g. "vipservice#onMessage"
  std::uint16_t prefetch = 16;           // unacked messages in flight, 1..65535
  std::size_t max_body_bytes = 4 * 1024 * 1024;
  bool requeue_on_error = false;  // a failing handler would otherwise see the message forever

  std::chrono::milliseconds reconnect_backoff{100};
  std::chrono::milliseconds max_reconnect_backoff{5000};
  // How long one wait for a message lasts before the thread checks for Stop.
  std::chrono::milliseconds poll_interval{200};

  std::string remote_service_name = "rabbitmq";
  LogSink log;  // default: stderr

  Status Validate() const;
};

struct ConsumerMetrics {
  std::atomic<std::uint64_t> received{0};
  std::atomic<std::uint64_t> acked{0};           // handler returned Ok and the ack was sent
  std::atomic<std::uint64_t> handler_errors{0};  // handler failed (or threw): message rejected
  std::atomic<std::uint64_t> too_large{0};       // rejected without calling the handler
  std::atomic<std::uint64_t> connects{0};        // successful subscriptions
  std::atomic<std::uint64_t> connect_failures{0};
  std::atomic<bool> consuming{false};  // subscribed right now
};

class Consumer {
 public:
  // Validates the options and starts the consumer's thread, which connects in the background.
  static Result<std::unique_ptr<Consumer>> Start(ConsumerOptions options, MessageHandler handler);
  ~Consumer();  // Stop()
  Consumer(const Consumer&) = delete;
  Consumer& operator=(const Consumer&) = delete;

  // True once subscribed (false at the deadline). Blocks.
  bool WaitConsuming(std::chrono::milliseconds timeout) const;
  // Finishes the running handler call, closes the connection (unacked messages go back to the
  // queue) and joins the thread. Idempotent; must not be called from the handler.
  void Stop();

  const ConsumerMetrics& metrics() const;

  class Impl;

 private:
  explicit Consumer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::trace_amqp
