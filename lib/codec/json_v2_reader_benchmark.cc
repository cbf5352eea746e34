// Decoding throughput of Zipkin JSON v2 batches, the dominant ingest format. Target: well over
// 1M spans/s per core, so decoding is never the ingest bottleneck (docs/benchmarks.md).
//
//   build/lib/codec/json_v2_reader_benchmark --benchmark_counters_tabular=true
#include <benchmark/benchmark.h>

#include <cstdio>
#include <string>
#include <vector>

#include "lib/codec/json_v1_reader.h"
#include "lib/codec/json_v2_reader.h"
#include "lib/codec/proto3_reader.h"
#include "lib/model/proto3_writer.h"

namespace cairn::codec {
namespace {

// A realistic client span (~490 bytes): every field, 3 tags, 2 annotations.
std::string Span(int i) {
  char id[17];
  std::snprintf(id, sizeof(id), "%016llx", 0x5b4185666d50f000ULL + static_cast<unsigned>(i));
  return std::string(
             R"({"traceId":"7180c278b62e8f6a216a2aea45d08fc9","parentId":"6b221d5bc9e6496c","id":")") +
         id +
         R"(","kind":"CLIENT","name":"get /api/v2/items","timestamp":1472470996199000,)"
         R"("duration":207000,"localEndpoint":{"serviceName":"frontend","ipv4":"10.1.2.3","port":8080},)"
         R"("remoteEndpoint":{"serviceName":"backend","ipv4":"192.168.99.101","port":9000},)"
         R"("annotations":[{"timestamp":1472470996238000,"value":"wire.send"},)"
         R"({"timestamp":1472470996403000,"value":"wire.recv"}],)"
         R"("tags":{"clnt/finagle.version":"6.45.0","http.method":"GET","http.path":"/api/v2/items"}})";
}

std::string Batch(int spans) {
  std::string body = "[";
  for (int i = 0; i < spans; ++i) {
    if (i != 0) body += ',';
    body += Span(i);
  }
  body += ']';
  return body;
}

void BM_JsonV2Decode(benchmark::State& state) {
  const int spans = static_cast<int>(state.range(0));
  std::string body = Batch(spans);
  DecodeOptions options;
  if (state.range(1) != 0) {
    body.reserve(body.size() + 64);
    options.input_is_padded = true;  // std::string capacity covers the padding
  }
  for (auto _ : state) {
    auto decoded = ReadJsonV2List(body, options);
    if (!decoded.ok() || decoded->size() != static_cast<std::size_t>(spans)) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(decoded->data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(body.size()));
  state.counters["spans/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * spans,
                                                 benchmark::Counter::kIsRate);
  state.counters["bytes/span"] = static_cast<double>(body.size()) / spans;
}
BENCHMARK(BM_JsonV2Decode)->Args({1, 0})->Args({100, 0})->Args({100, 1})->Args({1000, 0});

void BM_Proto3Decode(benchmark::State& state) {
  const int spans = static_cast<int>(state.range(0));
  auto decoded = ReadJsonV2List(Batch(spans));
  std::vector<const trace::SpanRecord*> records;
  for (const auto& span : *decoded) records.push_back(span.get());
  std::string body;
  model::AppendProto3List(records, body);
  for (auto _ : state) {
    auto result = ReadProto3List(body);
    if (!result.ok()) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(result->data());
  }
  state.SetBytesProcessed(static_cast<std::int64_t>(state.iterations()) *
                          static_cast<std::int64_t>(body.size()));
  state.counters["spans/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * spans,
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_Proto3Decode)->Arg(100);

void BM_JsonV1Decode(benchmark::State& state) {
  const int spans = static_cast<int>(state.range(0));
  std::string body = "[";
  for (int i = 0; i < spans; ++i) {
    if (i != 0) body += ',';
    body +=
        R"({"traceId":"7180c278b62e8f6a","id":")" + std::to_string(1000 + i) +
        R"(","name":"get","timestamp":1472470996199000,"duration":207000,"annotations":[)"
        R"({"timestamp":1472470996199000,"value":"cs","endpoint":{"serviceName":"frontend","ipv4":"127.0.0.1"}},)"
        R"({"timestamp":1472470996406000,"value":"cr","endpoint":{"serviceName":"frontend","ipv4":"127.0.0.1"}}],)"
        R"("binaryAnnotations":[{"key":"http.path","value":"/api","endpoint":{"serviceName":"frontend","ipv4":"127.0.0.1"}},)"
        R"({"key":"sa","value":true,"endpoint":{"serviceName":"backend","ipv4":"192.168.99.101","port":9000}}]})";
  }
  body += ']';
  for (auto _ : state) {
    auto result = ReadJsonV1List(body);
    if (!result.ok()) {
      state.SkipWithError("decode failed");
      break;
    }
    benchmark::DoNotOptimize(result->data());
  }
  state.counters["spans/s"] = benchmark::Counter(static_cast<double>(state.iterations()) * spans,
                                                 benchmark::Counter::kIsRate);
}
BENCHMARK(BM_JsonV1Decode)->Arg(100);

}  // namespace
}  // namespace cairn::codec

BENCHMARK_MAIN();
