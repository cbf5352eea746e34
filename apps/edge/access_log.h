// Access log: one line per request in Envoy's default format, plus the trace id and route, e.g.
//
//   [2024-05-01T12:00:00.123Z] "GET /api/accounts/10000 HTTP/1.1" 200 - 0 312 4 3 "-"
//   "curl/7.88.1" "6f1c...-..." "localhost:8765" "127.0.0.1:6767" 5a1e42b0c8d3f6a7 accountservice
//
// fields: start time (UTC), request line, status, response flags (Envoy's: UF connect failure,
// UH no healthy upstream, UO overflow/circuit breaker, UT upstream timeout, UC upstream connection
// closed, URX retries exhausted, NR no route, DC downstream closed, "-" none), request body bytes,
// response body bytes, duration ms, upstream time ms ("-" without one), X-Forwarded-For,
// User-Agent, X-Request-Id, Host, upstream host, trace id, route id.
//
// AccessLog is the process-wide file (or stdout); each worker formats into its own
// AccessLogBuffer and writes whole lines in batches (at 32 KiB or when its worker flushes it every
// 250 ms), so logging costs no syscall per request and lines from different workers never
// interleave mid-line.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "lib/base/status.h"

namespace cairn::edge {

class AccessLog {
 public:
  // "-" is stdout; anything else a file opened for appending (created 0644).
  static Result<std::unique_ptr<AccessLog>> Open(const std::string& path);
  ~AccessLog();
  // Writes whole lines; thread-safe (one write(2) per call on an O_APPEND descriptor).
  void Write(std::string_view lines);

 private:
  AccessLog(int fd, bool owned) : fd_(fd), owned_(owned) {}
  int fd_;
  bool owned_;
};

struct AccessEntry {
  std::chrono::system_clock::time_point start;
  std::string_view method, target;
  int version = 11;
  unsigned status = 0;
  std::string_view flags;  // empty: "-"
  std::uint64_t bytes_received = 0;
  std::uint64_t bytes_sent = 0;
  std::int64_t duration_ms = 0;
  std::int64_t upstream_ms = -1;  // -1: "-"
  std::string_view forwarded_for, user_agent, request_id, authority, upstream_host;
  std::string_view trace_id, route;
};

class AccessLogBuffer {
 public:
  explicit AccessLogBuffer(AccessLog* log) : log_(log) {}
  ~AccessLogBuffer() { Flush(); }
  bool enabled() const { return log_ != nullptr; }
  void Add(const AccessEntry& entry);
  void Flush();

 private:
  AccessLog* log_;
  std::string buffer_;
};

// Formats one line (with '\n') into `out`.
void FormatAccessLine(const AccessEntry& entry, std::string& out);

}  // namespace cairn::edge
