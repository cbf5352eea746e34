// Micro-benchmarks of the tracer core's hot path (no real reporter: spans are freed on Report, so
// the figures are the core's share of `make bench-trace`'s start + 3 tags + finish).
#include <benchmark/benchmark.h>

#include "cairn/trace/current_span.h"
#include "cairn/trace/tracer.h"

namespace cairn::trace {
namespace {

class FreeingReporter final : public Reporter {
 public:
  void Report(SpanRecordPtr span) noexcept override { benchmark::DoNotOptimize(span.get()); }
  Status Flush(std::chrono::milliseconds) override { return Status::Ok(); }
};

std::unique_ptr<Tracer> MakeTracer(std::shared_ptr<Sampler> sampler) {
  TracerOptions options;
  options.service_name = "accountservice";
  options.local_ipv4 = "192.168.10.20";
  options.sampler = std::move(sampler);
  options.reporter = std::make_shared<FreeingReporter>();
  return std::move(Tracer::Create(std::move(options))).value();
}

void StartThreeTagsFinish(Tracer& tracer) {
  Span span = tracer.StartSpan("get /accounts/{id}", {.kind = SpanKind::kServer});
  span.Tag("http.method", "GET").Tag("http.path", "/accounts/10000").Tag("http.status_code", 200);
  benchmark::DoNotOptimize(span.context().span_id);
  span.Finish();
}

void BM_SampledSpanThreeTags(benchmark::State& state) {
  auto tracer = MakeTracer(AlwaysSample());
  for (auto _ : state) StartThreeTagsFinish(*tracer);
}
BENCHMARK(BM_SampledSpanThreeTags);

void BM_SampledChildOfCurrentSpan(benchmark::State& state) {
  auto tracer = MakeTracer(AlwaysSample());
  Span parent = tracer->StartSpan("parent");
  Scope scope(parent.context());
  for (auto _ : state) StartThreeTagsFinish(*tracer);
}
BENCHMARK(BM_SampledChildOfCurrentSpan);

void BM_UnsampledSpanThreeTags(benchmark::State& state) {
  auto tracer = MakeTracer(NeverSample());
  for (auto _ : state) StartThreeTagsFinish(*tracer);
}
BENCHMARK(BM_UnsampledSpanThreeTags);

void BM_UnsampledChildOfCurrentSpan(benchmark::State& state) {
  auto tracer = MakeTracer(NeverSample());
  Span parent = tracer->StartSpan("parent");
  Scope scope(parent.context());
  for (auto _ : state) StartThreeTagsFinish(*tracer);
}
BENCHMARK(BM_UnsampledChildOfCurrentSpan);

void BM_ScopeAndCurrentContext(benchmark::State& state) {
  TraceContext context;
  context.trace_id = {1, 2};
  context.span_id = 3;
  for (auto _ : state) {
    Scope scope(context);
    benchmark::DoNotOptimize(CurrentContext());
  }
}
BENCHMARK(BM_ScopeAndCurrentContext);

void BM_NextId(benchmark::State& state) {
  IdGenerator& ids = DefaultIdGenerator();
  for (auto _ : state) benchmark::DoNotOptimize(ids.NextId());
}
BENCHMARK(BM_NextId);

void BM_ProbabilitySampler(benchmark::State& state) {
  auto sampler = std::move(ProbabilitySampler(0.1)).value();
  TraceId id{0, 12345};
  for (auto _ : state) {
    benchmark::DoNotOptimize(sampler->IsSampled(id));
    ++id.low;
  }
}
BENCHMARK(BM_ProbabilitySampler);

void BM_RateLimitingSampler(benchmark::State& state) {
  auto sampler = std::move(RateLimitingSampler(100)).value();
  TraceId id{0, 1};
  for (auto _ : state) benchmark::DoNotOptimize(sampler->IsSampled(id));
}
BENCHMARK(BM_RateLimitingSampler);

}  // namespace
}  // namespace cairn::trace

BENCHMARK_MAIN();
