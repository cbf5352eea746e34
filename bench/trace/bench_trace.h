// What the parts of bench_trace share: the tracer set-up used by the sampled-span figures, the
// drop counts of the sampled benchmark, and the allocation measurements main() prints.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>

#include "bench/trace/bench_fixtures.h"
#include "cairn/trace/tracer.h"

namespace cairn::bench {

// A tracer whose spans go through a real AsyncReporter (JSON v2) to a DiscardingSender.
// Members are destroyed tracer first, then the reporter (which stops its thread), then counters.
struct ReportingTracer {
  DiscardingSender::Counters sent;
  std::shared_ptr<trace::AsyncReporter> reporter;
  std::unique_ptr<trace::Tracer> tracer;
};

// Exits the program with a message if the library refuses the set-up (a bug, not a measurement).
std::unique_ptr<ReportingTracer> MakeReportingTracer(std::shared_ptr<trace::Sampler> sampler);

// Spans between two drains of the reporter queue in the sampled benchmarks: far below the queue
// limits, so a span is never dropped for a full queue.
inline constexpr int kDrainEvery = 1024;

// Totals over every run of BM_SampledSpan, checked by main().
struct SampledSpanTotals {
  std::atomic<std::uint64_t> reported{0};  // spans accepted by the reporter
  std::atomic<std::uint64_t> dropped{0};   // spans dropped for any cause
};
SampledSpanTotals& SampledTotals();

struct AllocationsPerSpan {
  double caller_thread = 0;  // on the thread that starts and finishes spans
  double all_threads = 0;    // including the reporter's thread (encoding, sending)
};

// Start + 3 tags + finish of `spans` sampled spans with the real reporter, drained and flushed.
AllocationsPerSpan MeasureCairnAllocations(int spans);
#ifdef CAIRN_BENCH_WITH_DD
// The same scenario with dd-opentracing-cpp (traces buffered in its encoder, cleared in batches).
AllocationsPerSpan MeasureDdAllocations(int spans);
#endif

}  // namespace cairn::bench
