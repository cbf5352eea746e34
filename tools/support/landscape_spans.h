// Generated SpanRecords shaped like the traces of cairn's demo landscape (spec landscape.md): one
// GET /api/accounts/{id} request through edge-server -> accountservice -> quotes-service and
// imageservice, plus accountservice -> vipservice over RabbitMQ for VIP account 10000. Names,
// kinds, endpoints, tags and annotations follow the landscape's trace table; durations are
// randomised around the seed article's figures (getquote dominates at about 30 ms).
//
// For load generation and tests that need realistic spans without running the services: spans
// are built directly as records (no Tracer), so millions can be made cheaply. The demo traffic
// tool (tools/demo_traffic) produces the same shape through the real tracing library instead.
//
// Not thread-safe: one generator per thread. Deterministic for a given seed.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "cairn/trace/ids.h"
#include "cairn/trace/span_record.h"

namespace cairn::tools {

struct LandscapeTraceInfo {
  int account_id = 0;  // 10000..10099
  bool quote_failed =
      false;  // quotes-service answered 500 (error tags; the fallback quote was used)
  std::size_t spans = 0;
};

class LandscapeSpanGenerator {
 public:
  static constexpr int kFirstAccount = 10000;
  static constexpr int kAccounts = 100;
  static constexpr int kVipAccount = 10000;

  explicit LandscapeSpanGenerator(std::uint64_t seed, double quote_error_rate = 0.02);

  // Appends the spans of one request (8 spans; 10 for the VIP account) with `trace_id`, the root
  // starting at `start_us` (epoch microseconds). account_id < 0 picks one at random.
  LandscapeTraceInfo AppendTrace(const trace::TraceId& trace_id, std::int64_t start_us,
                                 std::vector<trace::SpanRecordPtr>& out, int account_id = -1);

  std::mt19937_64& rng() { return rng_; }

 private:
  trace::SpanId NextSpanId();
  std::int64_t Between(std::int64_t low, std::int64_t high);

  std::mt19937_64 rng_;
  double quote_error_rate_;
};

// Unique trace ids for generated load: 128-bit ids whose high half is fixed per source (random,
// non-zero) and whose low half is a bijective mix of (stream, counter), so ids from different
// streams or sources never repeat within a run and look random to the store's hashing.
class TraceIdSource {
 public:
  TraceIdSource(std::uint64_t high, std::uint32_t stream);
  trace::TraceId Next();

  // A random non-zero high half (from std::random_device).
  static std::uint64_t RandomHigh();

 private:
  std::uint64_t high_;
  std::uint64_t base_;
  std::uint64_t counter_ = 0;
};

// The epoch-microsecond wall clock.
std::int64_t NowMicros();

}  // namespace cairn::tools
