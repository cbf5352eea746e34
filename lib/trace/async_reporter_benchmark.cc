// Cost of AsyncReporter::Report on the caller's thread (the budget is ~10-20 ns of the tracer's
// start + 3 tags + finish + enqueue), and of the raw SpanQueue.
#include <benchmark/benchmark.h>

#include <memory>
#include <vector>

#include "cairn/trace/reporter.h"
#include "lib/trace/span_queue.h"

namespace cairn::trace {
namespace {

class NullSender final : public Sender {
 public:
  Status Send(std::string_view, Encoding) override { return Status::Ok(); }
};

// Spans are allocated before the timed region so only Report is measured.
constexpr std::size_t kBatch = 512;

std::vector<SpanRecordPtr> MakeSpans() {
  std::vector<SpanRecordPtr> spans;
  spans.reserve(kBatch);
  for (std::size_t i = 0; i < kBatch; ++i) {
    auto span = std::make_unique<SpanRecord>();
    span->id = i + 1;
    span->trace_id = TraceId{0, i + 1};
    span->SetName("get /api");
    span->SetLocalServiceName("frontend");
    span->SetTag("http.method", "GET");
    spans.push_back(std::move(span));
  }
  return spans;
}

void BM_SpanQueuePushPop(benchmark::State& state) {
  internal::SpanQueue queue(kBatch, 1u << 30);
  auto spans = MakeSpans();
  internal::SpanQueue::Popped popped;
  for (auto _ : state) {
    for (auto& span : spans) queue.TryPush(span, 300);
    for (auto& span : spans) {
      queue.Pop(popped);
      span = std::move(popped.span);
    }
    queue.Release(kBatch, kBatch * 300);
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
}
BENCHMARK(BM_SpanQueuePushPop);

void BM_AsyncReporterReport(benchmark::State& state) {
  AsyncReporterOptions options;
  options.queued_max_spans = 1 << 20;
  options.queued_max_bytes = 1u << 31;
  auto reporter = *AsyncReporter::Create(std::make_unique<NullSender>(), options);
  for (auto _ : state) {
    state.PauseTiming();
    auto spans = MakeSpans();
    state.ResumeTiming();
    for (auto& span : spans) reporter->Report(std::move(span));
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * kBatch));
  state.counters["dropped"] = static_cast<double>(reporter->metrics().SpansDropped());
  reporter->Close();
}
BENCHMARK(BM_AsyncReporterReport)->UseRealTime();

}  // namespace
}  // namespace cairn::trace

BENCHMARK_MAIN();
