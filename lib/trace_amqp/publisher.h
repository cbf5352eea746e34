// Publisher: traced, non-blocking AMQP 0-9-1 publishing over rabbitmq-c.
//
// Publish starts a PRODUCER span `send <routing key>` (messaging_span.h) as a child of the given
// parent (else of the current span, else a new trace), writes its context into the message headers
// (amqp_headers.h: the single `b3` header, as Brave does for messaging) and puts the message on a
// bounded queue. One dedicated thread owns the broker connection and drains the queue; the span is
// finished there when the broker has confirmed the message, or tagged `error` when it could not
// be delivered. rabbitmq-c is blocking, so it never runs on the caller's thread.
//
// Contract:
// - Publish never blocks on the network and never throws: a full queue drops the message at once
//   (counted, the span tagged `error`), so an I/O thread may call it.
// - The connection is opened at Create and re-opened with exponential backoff whenever it is lost;
//   queued messages wait (within the queue's bounds) and are sent once it is back. A message whose
//   connection failed before the broker confirmed it is sent again on the next connection, up to
//   max_attempts (so a message can, rarely, arrive twice: at-least-once).
// - On every (re)connect the queues in declare_queues are declared (non-durable by default, like
//   the original Go services' vip_queue), so publishing to the default exchange finds its queue.
// - With publisher confirms (default), `published` counts messages the broker took responsibility
//   for; with `mandatory` (default) a message that no queue received fails as unroutable.
// - Thread-safe: any thread may call Publish/Flush/metrics. Close (or the destructor) sends what
//   is queued within close_timeout, then stops; later Publish calls are rejected.
// - The tracer must outlive the publisher.
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/trace/context.h"
#include "cairn/trace/span.h"
#include "cairn/trace/status.h"
#include "cairn/trace/tracer.h"
#include "lib/trace_amqp/amqp_log.h"
#include "lib/trace_amqp/broker.h"

namespace cairn::trace_amqp {

struct PublisherOptions {
  // amqp://user:password@host:port/vhost (broker.h).
  std::string url = "amqp://guest:guest@127.0.0.1:5672/";
  trace::Tracer* tracer = nullptr;  // required
  ConnectionSettings connection;
  // Declared on every (re)connect with durable = durable_queues, exclusive = auto_delete = false.
  std::vector<std::string> declare_queues;
  bool durable_queues = false;

  std::size_t queue_max_messages = 1000;           // 1..1,000,000
  std::size_t queue_max_bytes = 16 * 1024 * 1024;  // bodies + headers of queued messages
  std::size_t max_body_bytes = 1024 * 1024;        // larger bodies are rejected by Publish

  bool publisher_confirms = true;
  bool mandatory = true;    // unroutable messages fail (needs publisher_confirms to be noticed)
  bool persistent = false;  // delivery_mode 2 (survives a broker restart in a durable queue)
  int max_attempts = 3;     // sends of one message across connection failures, 1..100
  std::chrono::milliseconds confirm_timeout{5000};

  // Reconnect backoff: first retry after reconnect_backoff, doubling up to max_reconnect_backoff.
  std::chrono::milliseconds reconnect_backoff{100};
  std::chrono::milliseconds max_reconnect_backoff{5000};
  // How often an idle connection is checked for a broker that closed it.
  std::chrono::milliseconds idle_check_interval{250};
  std::chrono::milliseconds close_timeout{2000};

  std::string remote_service_name = std::string("rabbitmq");
  LogSink log;  // default: stderr

  // InvalidArgument naming the first bad field (the URL included).
  Status Validate() const;
};

struct OutgoingMessage {
  std::string exchange;     // "" is the default exchange
  std::string routing_key;  // the queue's name for the default exchange; at most 255 bytes
  std::string body;
  std::string content_type;  // e.g. "application/json"; empty: none
  // Extra string headers. Trace headers (`b3`, ...) are added and replace any of the same name.
  std::vector<std::pair<std::string, std::string>> headers;
};

// Counters, updated as things happen. accepted == published + failed + abandoned + queued
// (+ one in flight).
struct PublisherMetrics {
  std::atomic<std::uint64_t> accepted{0};   // Publish calls that queued their message
  std::atomic<std::uint64_t> published{0};  // confirmed by the broker (sent, without confirms)
  std::atomic<std::uint64_t> failed{0};     // refused by the broker, or max_attempts exhausted
  std::atomic<std::uint64_t> dropped{0};    // not accepted: the queue was full
  std::atomic<std::uint64_t> rejected{0};   // not accepted: invalid message or publisher closed
  std::atomic<std::uint64_t> abandoned{0};  // accepted but still unsent when Close gave up
  std::atomic<std::uint64_t> retried{0};    // resends after a connection failure
  std::atomic<std::uint64_t> queued{0};     // waiting now
  std::atomic<std::uint64_t> connects{0};   // successful (re)connections
  std::atomic<std::uint64_t> connect_failures{0};
  std::atomic<bool> connected{false};
};

class Publisher {
 public:
  // Validates the options and starts the publisher's thread, which connects in the background:
  // an unreachable broker is not an error here (see metrics().connected / WaitConnected).
  static Result<std::unique_ptr<Publisher>> Create(PublisherOptions options);
  ~Publisher();  // Close()
  Publisher(const Publisher&) = delete;
  Publisher& operator=(const Publisher&) = delete;

  // Queues `message` under a new PRODUCER span whose parent is `parent`, else the current span.
  // Ok: queued. ResourceExhausted: the queue is full (dropped). InvalidArgument: body over
  // max_body_bytes, exchange or routing key over 255 bytes. FailedPrecondition: closed. In every
  // non-OK case the span is finished at once with an `error` tag.
  Status Publish(OutgoingMessage message, const trace::TraceContext* parent = nullptr);
  Status Publish(std::string_view exchange, std::string_view routing_key, std::string body,
                 std::string_view content_type, const trace::TraceContext* parent = nullptr);
  Status Publish(std::string_view exchange, std::string_view routing_key, std::string body,
                 std::string_view content_type, const trace::Span& parent) {
    return Publish(exchange, routing_key, std::move(body), content_type, &parent.context());
  }

  // Ok once every message accepted before the call is published, failed or abandoned;
  // DeadlineExceeded otherwise. Blocks: not for I/O threads.
  Status Flush(std::chrono::milliseconds timeout);
  // True once connected (false at the deadline). Blocks: not for I/O threads.
  bool WaitConnected(std::chrono::milliseconds timeout) const;
  // Sends what is queued within close_timeout, abandons the rest (spans tagged `error`), closes
  // the connection and joins the thread. Idempotent.
  void Close();

  const PublisherMetrics& metrics() const;
  const BrokerUrl& broker() const;

  class Impl;

 private:
  explicit Publisher(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::trace_amqp
