// cairn's hot paths: a sampled span through the real AsyncReporter, an unsampled span, B3
// extract + inject, and JSON v2 encoding of one typical span.
#include <benchmark/benchmark.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "bench/trace/alloc_counter.h"
#include "bench/trace/bench_trace.h"
#include "lib/model/json_v2_writer.h"

namespace cairn::bench {
namespace {

using namespace std::chrono_literals;

// The span every scenario records: a name and three string tags.
inline void RecordSpan(trace::Tracer& tracer) {
  trace::Span span = tracer.StartSpan("get /api/quotes/{id}");
  span.Tag("http.method", "GET").Tag("http.path", "/api/quotes/42").Tag("http.status_code", "200");
  span.Finish();
}

void BM_SampledSpan(benchmark::State& state) {
  auto setup = MakeReportingTracer(trace::AlwaysSample());
  trace::Tracer& tracer = *setup->tracer;
  int since_drain = 0;
  for (auto _ : state) {
    RecordSpan(tracer);
    if (++since_drain == kDrainEvery) {
      since_drain = 0;
      state.PauseTiming();
      Status flushed = setup->reporter->Flush(5s);
      state.ResumeTiming();
      if (!flushed.ok()) {
        state.SkipWithError(("reporter flush failed: " + flushed.ToString()).c_str());
        break;
      }
    }
  }
  Status flushed = setup->reporter->Flush(5s);
  if (!flushed.ok()) state.SkipWithError(("final flush failed: " + flushed.ToString()).c_str());
  const trace::ReporterMetrics& metrics = setup->reporter->metrics();
  const std::uint64_t dropped = metrics.SpansDropped();
  SampledTotals().reported.fetch_add(metrics.spans.load());
  SampledTotals().dropped.fetch_add(dropped);
  state.counters["dropped"] = static_cast<double>(dropped);
  state.counters["sent_bytes_per_span"] = benchmark::Counter(
      static_cast<double>(setup->sent.bytes.load()), benchmark::Counter::kAvgIterations);
}
BENCHMARK(BM_SampledSpan)->Unit(benchmark::kNanosecond);

void BM_UnsampledSpan(benchmark::State& state) {
  auto setup = MakeReportingTracer(trace::NeverSample());
  trace::Tracer& tracer = *setup->tracer;
  for (auto _ : state) RecordSpan(tracer);
  if (setup->reporter->metrics().spans.load() != 0) {
    state.SkipWithError("an unsampled span reached the reporter");
  }
}
BENCHMARK(BM_UnsampledSpan)->Unit(benchmark::kNanosecond);

void BM_B3ExtractInject(benchmark::State& state) {
  trace::PropagationOptions options;
  options.extract_w3c = false;
  options.inject_w3c = false;
  const trace::Propagator propagator(options);
  const HeaderArray incoming(kB3MultiRequest);
  HeaderSlots outgoing;
  for (auto _ : state) {
    trace::Extracted extracted = propagator.Extract(incoming);
    benchmark::DoNotOptimize(extracted);
    outgoing.Clear();
    propagator.Inject(extracted.context, /*messaging=*/false, outgoing);
    benchmark::ClobberMemory();
  }
  if (outgoing.Find("x-b3-traceid") != "463ac35c9f6413ad48485a3953bb6124" ||
      outgoing.Find("x-b3-spanid") != "a2fb4a1d1a96d312" || outgoing.Find("x-b3-sampled") != "1") {
    state.SkipWithError("extract + inject did not round-trip the B3 headers");
  }
}
BENCHMARK(BM_B3ExtractInject)->Unit(benchmark::kNanosecond);

void BM_JsonV2Encode(benchmark::State& state) {
  trace::SpanRecord span;
  FillTypicalSpan(span);
  std::string out;
  out.reserve(1024);
  for (auto _ : state) {
    out.clear();
    model::AppendJsonV2(span, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.counters["bytes"] = static_cast<double>(out.size());
  if (out.find("\"traceId\":\"463ac35c9f6413ad48485a3953bb6124\"") == std::string::npos) {
    state.SkipWithError(("unexpected JSON: " + out).c_str());
  }
}
BENCHMARK(BM_JsonV2Encode)->Unit(benchmark::kNanosecond);

}  // namespace

std::unique_ptr<ReportingTracer> MakeReportingTracer(std::shared_ptr<trace::Sampler> sampler) {
  auto setup = std::make_unique<ReportingTracer>();
  trace::AsyncReporterOptions reporter_options;
  reporter_options.encoding = trace::Encoding::kJsonV2;
  auto reporter = trace::AsyncReporter::Create(std::make_unique<DiscardingSender>(&setup->sent),
                                               reporter_options);
  if (!reporter.ok()) {
    std::fprintf(stderr, "bench_trace: AsyncReporter::Create: %s\n",
                 reporter.status().ToString().c_str());
    std::exit(1);
  }
  setup->reporter = std::move(reporter).value();
  trace::TracerOptions options;
  options.service_name = "accountservice";
  options.local_ipv4 = "10.0.0.12";
  options.local_port = 6767;
  options.sampler = std::move(sampler);
  options.reporter = setup->reporter;
  auto tracer = trace::Tracer::Create(std::move(options));
  if (!tracer.ok()) {
    std::fprintf(stderr, "bench_trace: Tracer::Create: %s\n", tracer.status().ToString().c_str());
    std::exit(1);
  }
  setup->tracer = std::move(tracer).value();
  return setup;
}

SampledSpanTotals& SampledTotals() {
  static SampledSpanTotals totals;
  return totals;
}

AllocationsPerSpan MeasureCairnAllocations(int spans) {
  auto setup = MakeReportingTracer(trace::AlwaysSample());
  for (int i = 0; i < kDrainEvery; ++i) RecordSpan(*setup->tracer);  // warm caches and buffers
  (void)setup->reporter->Flush(5s);
  StartCountingAllocations();
  for (int i = 1; i <= spans; ++i) {
    RecordSpan(*setup->tracer);
    if (i % kDrainEvery == 0) (void)setup->reporter->Flush(5s);
  }
  (void)setup->reporter->Flush(5s);
  AllocationCounts counts = StopCountingAllocations();
  return {static_cast<double>(counts.this_thread) / spans,
          static_cast<double>(counts.all_threads) / spans};
}

}  // namespace cairn::bench
