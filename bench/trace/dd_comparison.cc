// The sampled-span scenario (start, 3 tags, finish) with dd-opentracing-cpp, for comparison.
//
// makeTracerAndEncoder gives a real Datadog tracer whose finished traces are buffered in an
// encoder instead of being sent by its HTTP writer, so no network is involved. The benchmark
// clears that buffer every kDrainEvery spans with the timer paused, as BM_SampledSpan pauses to
// drain cairn's reporter queue; each side pays for its own hand-off but not for sending.
#include <benchmark/benchmark.h>
#include <datadog/opentracing.h>

#include <memory>
#include <string_view>
#include <tuple>

#include "bench/trace/alloc_counter.h"
#include "bench/trace/bench_trace.h"

namespace cairn::bench {
namespace {

struct DdTracer {
  std::shared_ptr<opentracing::Tracer> tracer;
  std::shared_ptr<datadog::opentracing::TraceEncoder> encoder;
};

DdTracer MakeDdTracer() {
  datadog::opentracing::TracerOptions options;
  options.service = "accountservice";
  // Priority sampling (the default, sample_rate NaN) keeps every trace without the rules
  // sampler's 100 traces/s limit.
  options.log_func = [](datadog::opentracing::LogLevel, opentracing::string_view) {};
  auto [tracer, encoder] = datadog::opentracing::makeTracerAndEncoder(options);
  return {std::move(tracer), std::move(encoder)};
}

inline void RecordDdSpan(opentracing::Tracer& tracer) {
  std::unique_ptr<opentracing::Span> span = tracer.StartSpan("get /api/quotes/{id}");
  span->SetTag("http.method", "GET");
  span->SetTag("http.path", "/api/quotes/42");
  span->SetTag("http.status_code", "200");
  span->Finish();
}

void BM_DdSampledSpan(benchmark::State& state) {
  DdTracer dd = MakeDdTracer();
  int since_drain = 0;
  for (auto _ : state) {
    RecordDdSpan(*dd.tracer);
    if (++since_drain == kDrainEvery) {
      since_drain = 0;
      state.PauseTiming();
      const bool all_buffered =
          dd.encoder->pendingTraces() == static_cast<std::size_t>(kDrainEvery);
      dd.encoder->clearTraces();
      state.ResumeTiming();
      if (!all_buffered) {
        state.SkipWithError("dd-opentracing-cpp did not buffer every span as a trace");
        break;
      }
    }
  }
  dd.encoder->clearTraces();
}
BENCHMARK(BM_DdSampledSpan)->Unit(benchmark::kNanosecond);

}  // namespace

AllocationsPerSpan MeasureDdAllocations(int spans) {
  DdTracer dd = MakeDdTracer();
  for (int i = 0; i < kDrainEvery; ++i) RecordDdSpan(*dd.tracer);
  dd.encoder->clearTraces();
  StartCountingAllocations();
  for (int i = 1; i <= spans; ++i) {
    RecordDdSpan(*dd.tracer);
    if (i % kDrainEvery == 0) dd.encoder->clearTraces();
  }
  dd.encoder->clearTraces();
  AllocationCounts counts = StopCountingAllocations();
  return {static_cast<double>(counts.this_thread) / spans,
          static_cast<double>(counts.all_threads) / spans};
}

}  // namespace cairn::bench
