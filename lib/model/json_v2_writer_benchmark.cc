// Span encoding cost. Target (docs): AppendJsonV2 <= 250 ns for a typical client span (3 tags,
// 2 annotations, local and remote endpoints) with no allocation once `out` has grown.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>
#include <vector>

#include "lib/model/json_v2_writer.h"
#include "lib/model/proto3_writer.h"

namespace cairn::model {
namespace {

using trace::SpanKind;
using trace::SpanRecord;

std::unique_ptr<SpanRecord> TypicalSpan(bool tags_sorted) {
  auto span = std::make_unique<SpanRecord>();
  span->trace_id = {0x463ac35c9f6413adULL, 0x48485a3953bb6124ULL};
  span->parent_id = 0x6b221d5bc9e6496cULL;
  span->id = 0x5b4185666d50f68bULL;
  span->kind = SpanKind::kClient;
  span->SetName("get /api/v1/accounts");
  span->timestamp_us = 1718000000123456;
  span->duration_us = 20731;
  span->SetLocalEndpoint({"accountservice", "10.0.0.12", "", 0});
  span->SetRemoteEndpoint({"quotes-service", "10.0.0.13", "", 8080});
  span->AddAnnotation(1718000000124000, "wire.send");
  span->AddAnnotation(1718000000143000, "wire.recv");
  if (tags_sorted) {
    span->SetTag("http.method", "GET");
    span->SetTag("http.path", "/api/v1/accounts/42");
    span->SetTag("http.status_code", "200");
  } else {
    span->SetTag("http.status_code", "200");
    span->SetTag("http.path", "/api/v1/accounts/42");
    span->SetTag("http.method", "GET");
  }
  return span;
}

void BM_AppendJsonV2(benchmark::State& state) {
  const auto span = TypicalSpan(state.range(0) != 0);
  std::string out;
  out.reserve(4096);
  for (auto _ : state) {
    out.clear();
    AppendJsonV2(*span, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
  state.counters["bytes_per_span"] = static_cast<double>(out.size());
}
BENCHMARK(BM_AppendJsonV2)->ArgName("tags_sorted")->Arg(1)->Arg(0);

void BM_JsonV2SizeBound(benchmark::State& state) {
  const auto span = TypicalSpan(true);
  for (auto _ : state) benchmark::DoNotOptimize(JsonV2SizeBound(*span));
}
BENCHMARK(BM_JsonV2SizeBound);

// A 100-span batch as the reporter sends it.
void BM_AppendJsonV2List100(benchmark::State& state) {
  std::vector<std::unique_ptr<SpanRecord>> owned;
  std::vector<const SpanRecord*> spans;
  for (int i = 0; i < 100; ++i) {
    owned.push_back(TypicalSpan(i % 2 == 0));
    spans.push_back(owned.back().get());
  }
  std::string out;
  for (auto _ : state) {
    out.clear();
    AppendJsonV2List(spans, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * spans.size()));
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
}
BENCHMARK(BM_AppendJsonV2List100);

void BM_AppendProto3List(benchmark::State& state) {
  const auto span = TypicalSpan(true);
  const SpanRecord* spans[] = {span.get()};
  std::string out;
  out.reserve(4096);
  for (auto _ : state) {
    out.clear();
    AppendProto3List(spans, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations() * out.size()));
  state.counters["bytes_per_span"] = static_cast<double>(out.size());
}
BENCHMARK(BM_AppendProto3List);

}  // namespace
}  // namespace cairn::model

BENCHMARK_MAIN();
