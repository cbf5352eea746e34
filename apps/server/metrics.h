// cairn-server's own counters: Zipkin's collector metrics per transport
// (zipkin2.collector.CollectorMetrics) and Micrometer-style HTTP request timings
// (http_server_requests_seconds{method,status,uri}). ops.h renders them as /metrics JSON and
// /prometheus text.
//
// Thread-safe: collector counters are relaxed atomics; request timings sit behind a mutex held
// for one map lookup per request (the key space is small: templated URIs only).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "lib/net/handler.h"

namespace cairn::server {

// Zipkin's per-transport collector meters. Counters only grow; the two gauges hold the values of
// the last message.
class CollectorMetrics {
 public:
  explicit CollectorMetrics(std::string transport) : transport_(std::move(transport)) {}

  const std::string& transport() const { return transport_; }

  void IncrementMessages() { Add(messages_, 1); }
  void IncrementMessagesDropped() { Add(messages_dropped_, 1); }
  // Bytes of a message after gunzip; also the message_bytes gauge.
  void IncrementBytes(std::uint64_t bytes) {
    Add(bytes_, bytes);
    message_bytes_.store(bytes, std::memory_order_relaxed);
  }
  // Spans decoded from a message (before sampling); also the message_spans gauge.
  void IncrementSpans(std::uint64_t spans) {
    Add(spans_, spans);
    message_spans_.store(spans, std::memory_order_relaxed);
  }
  // Spans not stored: sampled out, or lost to a full queue or a storage error.
  void IncrementSpansDropped(std::uint64_t spans) { Add(spans_dropped_, spans); }

  struct Snapshot {
    std::uint64_t messages = 0;
    std::uint64_t messages_dropped = 0;
    std::uint64_t bytes = 0;
    std::uint64_t spans = 0;
    std::uint64_t spans_dropped = 0;
    std::uint64_t message_spans = 0;
    std::uint64_t message_bytes = 0;
  };
  Snapshot Read() const;

 private:
  using Counter = std::atomic<std::uint64_t>;
  static void Add(Counter& counter, std::uint64_t n) {
    counter.fetch_add(n, std::memory_order_relaxed);
  }

  const std::string transport_;
  Counter messages_{0};
  Counter messages_dropped_{0};
  Counter bytes_{0};
  Counter spans_{0};
  Counter spans_dropped_{0};
  Counter message_spans_{0};
  Counter message_bytes_{0};
};

// Request counts and durations by (method, status, uri template).
class HttpRequestMetrics {
 public:
  struct Key {
    std::string method;
    unsigned status = 0;
    std::string uri;
    friend auto operator<=>(const Key&, const Key&) = default;
  };
  struct Timing {
    std::uint64_t count = 0;
    double sum_seconds = 0;
    double max_seconds = 0;
  };

  void Record(std::string_view method, unsigned status, std::string_view uri,
              std::chrono::nanoseconds duration);

  // Sorted by key.
  std::vector<std::pair<Key, Timing>> Read() const;

 private:
  mutable std::mutex mu_;
  std::map<Key, Timing> timings_;
};

// The uri label of a request, as Zipkin's ZipkinPrometheusMetricsConfiguration computes it, or
// empty when the request is not measured (health, metrics, info and UI requests). `route` is the
// matched route template ("" when none matched).
std::string UriLabel(std::string_view route, unsigned status);

// Times every request and records it under its UriLabel (unless that is empty). `metrics` must
// outlive the router.
net::Middleware RequestMetricsMiddleware(HttpRequestMetrics& metrics);

}  // namespace cairn::server
