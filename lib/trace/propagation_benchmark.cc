// Cost of reading and writing trace context, carrier excluded as far as possible: the carrier here
// is a flat array with case-insensitive lookup and fixed value buffers (no allocation), close to
// what an HTTP parser's header table costs. Target (docs/propagation.md): B3 extract + inject
// <= 150 ns on the reference machine, with no allocation on the B3 path.
#include <benchmark/benchmark.h>

#include <array>
#include <cstddef>
#include <cstring>
#include <string>
#include <string_view>

#include "cairn/trace/propagation.h"
#include "lib/trace/propagation_hex.h"

namespace cairn::trace {
namespace {

using propagation_internal::EqualsIgnoreCase;

class FlatHeaders final : public HeaderReader, public HeaderWriter {
 public:
  void Add(std::string_view name, std::string_view value) {
    Slot& slot = slots_[size_++];
    slot.name = name;
    std::memcpy(slot.value, value.data(), value.size());
    slot.length = value.size();
  }
  void Clear() { size_ = 0; }

  std::size_t Get(std::string_view name, std::string_view* values, std::size_t max) const override {
    std::size_t count = 0;
    for (std::size_t i = 0; i < size_; ++i) {
      if (!EqualsIgnoreCase(slots_[i].name, name)) continue;
      if (count < max) values[count] = std::string_view(slots_[i].value, slots_[i].length);
      ++count;
    }
    return count;
  }

  void Set(std::string_view name, std::string_view value) override {
    for (std::size_t i = 0; i < size_; ++i) {
      if (EqualsIgnoreCase(slots_[i].name, name)) {
        std::memcpy(slots_[i].value, value.data(), value.size());
        slots_[i].length = value.size();
        return;
      }
    }
    Add(name, value);
  }

 private:
  struct Slot {
    std::string_view name;
    char value[128];
    std::size_t length = 0;
  };
  std::array<Slot, 16> slots_;
  std::size_t size_ = 0;
};

FlatHeaders IncomingB3Multi() {
  FlatHeaders headers;
  headers.Add("Host", "quotes-service:8080");
  headers.Add("User-Agent", "cairn-bench");
  headers.Add("X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124");
  headers.Add("X-B3-SpanId", "a2fb4a1d1a96d312");
  headers.Add("X-B3-ParentSpanId", "0020000000000001");
  headers.Add("X-B3-Sampled", "1");
  return headers;
}

void BM_B3MultiExtractInject(benchmark::State& state) {
  const FlatHeaders incoming = IncomingB3Multi();
  FlatHeaders outgoing;
  for (auto _ : state) {
    Extracted extracted = ExtractB3(incoming);
    extracted.context.parent_id = extracted.context.span_id;
    extracted.context.span_id = 0x1234567890abcdef;
    outgoing.Clear();
    InjectB3Multi(extracted.context, outgoing);
    benchmark::DoNotOptimize(outgoing);
  }
}
BENCHMARK(BM_B3MultiExtractInject);

void BM_B3SingleExtractInject(benchmark::State& state) {
  FlatHeaders incoming;
  incoming.Add("Host", "quotes-service:8080");
  incoming.Add("b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1-0020000000000001");
  FlatHeaders outgoing;
  for (auto _ : state) {
    Extracted extracted = ExtractB3(incoming);
    outgoing.Clear();
    InjectB3Single(extracted.context, /*with_parent=*/false, outgoing);
    benchmark::DoNotOptimize(outgoing);
  }
}
BENCHMARK(BM_B3SingleExtractInject);

void BM_W3CExtractInject(benchmark::State& state) {
  FlatHeaders incoming;
  incoming.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  FlatHeaders outgoing;
  for (auto _ : state) {
    Extracted extracted = ExtractW3C(incoming);
    outgoing.Clear();
    InjectW3C(extracted.context, extracted.tracestate, outgoing);
    benchmark::DoNotOptimize(outgoing);
  }
}
BENCHMARK(BM_W3CExtractInject);

void BM_W3CExtractWithTracestate(benchmark::State& state) {
  FlatHeaders incoming;
  incoming.Add("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
  incoming.Add("tracestate", "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");
  for (auto _ : state) {
    Extracted extracted = ExtractW3C(incoming);
    benchmark::DoNotOptimize(extracted);
  }
}
BENCHMARK(BM_W3CExtractWithTracestate);

// The format code alone, no carrier.
void BM_B3SingleParseWrite(benchmark::State& state) {
  const std::string_view value =
      "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-1-0020000000000001";
  char buffer[68];
  for (auto _ : state) {
    Extracted extracted = ExtractB3Single(value);
    benchmark::DoNotOptimize(WriteB3Single(extracted.context, true, buffer));
    benchmark::ClobberMemory();
  }
}
BENCHMARK(BM_B3SingleParseWrite);

// The carrier alone: the six lookups ExtractB3 makes and the four writes of InjectB3Multi.
void BM_CarrierOnly(benchmark::State& state) {
  const FlatHeaders incoming = IncomingB3Multi();
  FlatHeaders outgoing;
  for (auto _ : state) {
    std::string_view value;
    for (std::string_view name :
         {"b3", "x-b3-sampled", "x-b3-flags", "x-b3-traceid", "x-b3-spanid", "x-b3-parentspanid"}) {
      benchmark::DoNotOptimize(incoming.Get(name, &value, 1));
    }
    outgoing.Clear();
    outgoing.Set("x-b3-traceid", "463ac35c9f6413ad48485a3953bb6124");
    outgoing.Set("x-b3-spanid", "a2fb4a1d1a96d312");
    outgoing.Set("x-b3-parentspanid", "0020000000000001");
    outgoing.Set("x-b3-sampled", "1");
    benchmark::DoNotOptimize(outgoing);
  }
}
BENCHMARK(BM_CarrierOnly);

// The tracer's path: Propagator reads B3 then looks for traceparent, writes B3 multi + W3C.
void BM_PropagatorExtractInject(benchmark::State& state) {
  const FlatHeaders incoming = IncomingB3Multi();
  const Propagator propagator;
  FlatHeaders outgoing;
  for (auto _ : state) {
    Extracted extracted = propagator.Extract(incoming);
    outgoing.Clear();
    propagator.Inject(extracted.context, /*messaging=*/false, outgoing, extracted.tracestate);
    benchmark::DoNotOptimize(outgoing);
  }
}
BENCHMARK(BM_PropagatorExtractInject);

}  // namespace
}  // namespace cairn::trace

BENCHMARK_MAIN();
