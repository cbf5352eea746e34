// LandscapeSimulator: plays GET /api/accounts/{id} requests of the demo landscape (spec
// landscape.md) through the real cairn tracing library, so a cairn-server shows what the landscape
// will report before the services exist.
//
// One Tracer per service (edge-server, accountservice, quotes-service, imageservice, vipservice),
// all reporting through one AsyncReporter + HttpSender (MakeHttpReporter) to the collector. Each
// hop crosses "the wire" the way the services will: the caller injects its context into headers,
// the callee extracts it (B3 + W3C) and continues the trace; for account 10000 the VIP message
// travels through AMQP-style headers from a PRODUCER to a CONSUMER span. Spans carry explicit
// timestamps laid out like a real request (getquote about 30 ms, the VIP consumer about 10 ms), so
// no real time is spent waiting. Client and server sides get distinct span ids, as the landscape's
// own services will (supports_join = false).
//
// Not thread-safe: one thread drives a simulator.
#pragma once

#include <cstdint>
#include <memory>
#include <random>
#include <string>

#include "cairn/trace/reporter.h"
#include "cairn/trace/status.h"
#include "cairn/trace/tracer.h"

namespace cairn::tools {

struct SimulatedRequest {
  std::string trace_id;  // lower-hex
  int account_id = 0;
  bool quote_failed = false;
  int spans = 0;
};

class LandscapeSimulator {
 public:
  // `collector_url` is the span endpoint, e.g. http://127.0.0.1:9411/api/v2/spans.
  static Result<std::unique_ptr<LandscapeSimulator>> Create(const std::string& collector_url,
                                                            std::uint64_t seed);
  ~LandscapeSimulator();

  // Records one request for `account_id` (10000..10099), ending now. `quote_fails` makes
  // quotes-service answer 500 (the caller's breaker falls back; both spans carry `error`).
  SimulatedRequest Request(int account_id, bool quote_fails);
  // A request for a random account, with a small chance of a failed quote.
  SimulatedRequest RandomRequest();

  // Sends every span reported so far.
  Status Flush(std::chrono::milliseconds timeout);
  const trace::ReporterMetrics& reporter_metrics() const;

 private:
  LandscapeSimulator() = default;
  std::int64_t Between(std::int64_t low, std::int64_t high);

  std::shared_ptr<trace::AsyncReporter> reporter_;
  std::unique_ptr<trace::Tracer> edge_;
  std::unique_ptr<trace::Tracer> account_;
  std::unique_ptr<trace::Tracer> quotes_;
  std::unique_ptr<trace::Tracer> image_;
  std::unique_ptr<trace::Tracer> vip_;
  std::mt19937_64 rng_;
};

}  // namespace cairn::tools
