// bench_trace: the tracing library's headline figures (docs/benchmarks.md).
//
// Runs every benchmark with 5 repetitions (aggregates only; command-line flags override), then
// measures heap allocations per sampled span and prints one `BENCH <name> <value> <unit>` line per
// figure, medians of the repetitions. Exits 1 if a benchmark failed or the reporter dropped spans.
#include <benchmark/benchmark.h>

#include <cstdio>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "bench/trace/bench_trace.h"

namespace {

// Console output as usual, plus the median CPU time per iteration (ns) of each benchmark: the
// calling thread's cost, which other processes on a shared machine disturb far less than the
// wall-clock time (both are in the console table; on an idle machine they agree).
class CapturingReporter final : public benchmark::ConsoleReporter {
 public:
  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      const std::string name = run.run_name.function_name;
      if (run.error_occurred) {
        failed_.push_back(name + ": " + run.error_message);
        continue;
      }
      const double ns = run.GetAdjustedCPUTime() * Multiplier(run.time_unit);
      if (run.run_type == Run::RT_Aggregate && run.aggregate_name == "median") {
        medians_[name] = ns;
      } else if (run.run_type == Run::RT_Iteration && run.repetitions <= 1) {
        medians_[name] = ns;  // a single run (--benchmark_repetitions=1)
      }
    }
  }

  std::optional<double> Median(const std::string& name) const {
    auto it = medians_.find(name);
    if (it == medians_.end()) return std::nullopt;
    return it->second;
  }
  const std::vector<std::string>& failed() const { return failed_; }

 private:
  static double Multiplier(benchmark::TimeUnit unit) {
    switch (unit) {
      case benchmark::kSecond:
        return 1e9;
      case benchmark::kMillisecond:
        return 1e6;
      case benchmark::kMicrosecond:
        return 1e3;
      case benchmark::kNanosecond:
        return 1;
    }
    return 1;
  }

  std::map<std::string, double> medians_;
  std::vector<std::string> failed_;
};

void PrintFigure(const char* name, std::optional<double> value, const char* unit,
                 int decimals = 1) {
  if (value) std::printf("BENCH %s %.*f %s\n", name, decimals, *value, unit);
}

}  // namespace

int main(int argc, char** argv) {
  // Defaults go first so that the same flags given on the command line win.
  static char repetitions[] = "--benchmark_repetitions=5";
  static char aggregates_only[] = "--benchmark_report_aggregates_only=true";
  static char min_time[] = "--benchmark_min_time=0.3";
  std::vector<char*> args = {argv[0], repetitions, aggregates_only, min_time};
  args.insert(args.end(), argv + 1, argv + argc);
  int count = static_cast<int>(args.size());
  args.push_back(nullptr);
  benchmark::Initialize(&count, args.data());
  if (benchmark::ReportUnrecognizedArguments(count, args.data())) return 2;

  CapturingReporter reporter;
  benchmark::RunSpecifiedBenchmarks(&reporter);
  benchmark::Shutdown();

  // Allocation counts go with the timings they explain: measured when that benchmark ran.
  const std::optional<double> sampled = reporter.Median("BM_SampledSpan");
  const std::optional<double> dd = reporter.Median("BM_DdSampledSpan");
  constexpr int kAllocationSpans = 20 * cairn::bench::kDrainEvery;
  std::optional<cairn::bench::AllocationsPerSpan> cairn_allocations;
  if (sampled) cairn_allocations = cairn::bench::MeasureCairnAllocations(kAllocationSpans);
  std::optional<cairn::bench::AllocationsPerSpan> dd_allocations;
#ifdef CAIRN_BENCH_WITH_DD
  if (dd) dd_allocations = cairn::bench::MeasureDdAllocations(kAllocationSpans);
#endif

  std::printf("\n");
  PrintFigure("span_sampled_ns", sampled, "ns");
  PrintFigure("span_unsampled_ns", reporter.Median("BM_UnsampledSpan"), "ns");
  PrintFigure("b3_extract_inject_ns", reporter.Median("BM_B3ExtractInject"), "ns");
  PrintFigure("json_v2_encode_ns_per_span", reporter.Median("BM_JsonV2Encode"), "ns");
  if (cairn_allocations) {
    PrintFigure("allocations_per_sampled_span", cairn_allocations->caller_thread, "count", 2);
    PrintFigure("allocations_per_sampled_span_all_threads", cairn_allocations->all_threads, "count",
                2);
  }
  PrintFigure("dd_span_sampled_ns", dd, "ns");
  if (dd_allocations) {
    PrintFigure("dd_allocations_per_sampled_span", dd_allocations->caller_thread, "count", 2);
  }
#ifndef CAIRN_BENCH_WITH_DD
  std::printf("bench_trace: built without dd-opentracing-cpp, no comparison\n");
#endif
  if (sampled && dd && *sampled > 0) {
    PrintFigure("span_sampled_speedup_vs_dd", *dd / *sampled, "x", 2);
  }

  const auto& totals = cairn::bench::SampledTotals();
  PrintFigure("span_sampled_dropped", static_cast<double>(totals.dropped.load()), "count", 0);
  int status = 0;
  if (totals.dropped.load() != 0) {
    std::fprintf(stderr, "bench_trace: the reporter dropped %llu of %llu sampled spans\n",
                 static_cast<unsigned long long>(totals.dropped.load()),
                 static_cast<unsigned long long>(totals.reported.load()));
    status = 1;
  }
  for (const std::string& failure : reporter.failed()) {
    std::fprintf(stderr, "bench_trace: FAILED %s\n", failure.c_str());
    status = 1;
  }
  return status;
}
