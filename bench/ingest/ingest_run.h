// The ingest phase of the load generator: N worker threads, each with its own keep-alive
// connection, POST pre-encoded batches (batch_templates.h) to /api/v2/spans for a duration,
// either as fast as the server answers (closed loop) or at a fixed total rate of spans per second
// (open loop, for overload runs). Every answer is classified: 202 accepted, 503 refused (the
// server's back-pressure), another status, or a transport error.
//
// Figures count only the measured window after a warm-up; `stored_spans` counts every accepted
// span including the warm-up (what the store holds afterwards).
#pragma once

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "bench/ingest/batch_templates.h"
#include "tools/support/latency_stats.h"

namespace cairn::bench {

struct IngestOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9411;
  std::size_t connections = 8;
  std::chrono::milliseconds duration{10'000};  // measured window
  std::chrono::milliseconds warmup{1'000};     // before it, not counted
  std::size_t batch_size = 100;
  std::size_t templates = 64;
  // Stop once this many spans were accepted in total (0: no limit).
  std::uint64_t max_spans = 0;
  // Spans per second over all connections (0: closed loop, as fast as possible).
  double rate = 0;
  std::chrono::milliseconds request_timeout{10'000};
  // Accepted trace ids kept for the query phase (a uniform sample).
  std::size_t keep_trace_ids = 20'000;
  std::uint64_t seed = 1;
};

struct IngestResult {
  // Measured window only.
  std::uint64_t accepted_batches = 0;
  std::uint64_t accepted_spans = 0;
  std::uint64_t refused_batches = 0;  // 503
  std::uint64_t other_status = 0;
  std::uint64_t errors = 0;           // transport errors
  std::uint64_t behind_schedule = 0;  // open loop: sends that started late by > 1 interval
  double seconds = 0;
  tools::LatencyRecorder latency;  // every answered request
  // Whole run.
  std::uint64_t stored_spans = 0;
  std::vector<trace::TraceId> trace_ids;  // sample of accepted traces
  std::string first_error;                // first unexpected status or transport error

  double SpansPerSecond() const { return seconds > 0 ? accepted_spans / seconds : 0; }
};

// Runs until the window ends, max_spans is reached or `stop` becomes true.
IngestResult RunIngest(const IngestOptions& options, const std::atomic<bool>* stop = nullptr);

}  // namespace cairn::bench
