// Throughput of the RocksDB store: Accept() of 100-span batches (the design target is 300,000
// spans/s on a 2-core machine, WAL on, no fsync) and the main queries over a store filled with
// such batches. Spans look like a small landscape's: 5-span traces over 6 services with HTTP tags,
// some errors and annotations, about 450 bytes of JSON each. The background linker runs as in
// production (5 s quiet period), so ingest figures include its share of the CPU.
//
//   build-*/lib/storage/rocksdb/rocksdb_span_store_benchmark --benchmark_min_time=3
#include <benchmark/benchmark.h>
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <sys/resource.h>

#include <atomic>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "lib/storage/annotation_query.h"
#include "lib/storage/rocksdb/rocksdb_span_store.h"
#include "lib/storage/testing/test_spans.h"

namespace cairn::storage {
namespace {

using testing::MakeSpan;
using trace::SpanKind;

constexpr int kBatchSize = 100;
constexpr int kSpansPerTrace = 5;
const char* const kServices[] = {"frontend", "accounts", "quotes", "images", "vip", "edge"};
const char* const kPaths[] = {"/",      "/api/quotes", "/api/accounts/42", "/img/7.jpg",
                              "/login", "/api/vip",    "/health",          "/api/quotes/random"};

struct Dataset {
  std::vector<trace::SpanRecordPtr> spans;
  std::vector<std::vector<const trace::SpanRecord*>> batches;
};

// `traces` 5-span traces, shuffled into batches the way reporters of several services would
// interleave them.
Dataset MakeDataset(int traces, std::int64_t start_us) {
  Dataset data;
  std::mt19937_64 random(42);
  for (int t = 0; t < traces; ++t) {
    const std::string trace_id = trace::Hex64(random() | 1);
    const std::int64_t ts = start_us + t * 1000;
    const char* path = kPaths[random() % std::size(kPaths)];
    for (int s = 0; s < kSpansPerTrace; ++s) {
      const char* service = kServices[(t + s) % std::size(kServices)];
      const char* remote = kServices[(t + s + 1) % std::size(kServices)];
      const std::string id = trace::Hex64(static_cast<std::uint64_t>(s + 1));
      const std::string parent = s == 0 ? "" : trace::Hex64(static_cast<std::uint64_t>(s));
      testing::SpanSpec spec{
          .trace_id = trace_id,
          .id = id,
          .parent_id = parent,
          .kind = s % 2 == 0 ? SpanKind::kServer : SpanKind::kClient,
          .name = s % 2 == 0 ? "get" : "http call",
          .timestamp_us = ts + s * 150,
          .duration_us = 20000 - s * 1000 + static_cast<std::int64_t>(random() % 500),
          .local_service = service,
          .remote_service = remote,
          .tags = {{"http.method", "GET"},
                   {"http.path", path},
                   {"http.status_code", random() % 20 == 0 ? "500" : "200"}},
          .local_ipv4 = "10.0.0.12",
          .local_port = 8080};
      if (random() % 20 == 0) spec.tags.push_back({"error", "500"});
      if (random() % 10 == 0) spec.annotations.push_back({ts + s * 150 + 10, "retry"});
      data.spans.push_back(MakeSpan(spec));
    }
  }
  std::vector<const trace::SpanRecord*> order;
  for (const auto& span : data.spans) order.push_back(span.get());
  // Neighbouring traces' spans mix within a batch, a trace's spans spread over two batches.
  for (std::size_t i = 0; i + 1 < order.size(); i += 2) {
    if (random() % 3 == 0) std::swap(order[i], order[std::min(order.size() - 1, i + 7)]);
  }
  for (std::size_t i = 0; i < order.size(); i += kBatchSize) {
    data.batches.emplace_back(
        order.begin() + static_cast<std::ptrdiff_t>(i),
        order.begin() + static_cast<std::ptrdiff_t>(std::min(order.size(), i + kBatchSize)));
  }
  return data;
}

// Directories made by TempDir(), removed at exit.
struct TempDirs {
  std::vector<std::string> dirs;
  ~TempDirs() {
    for (const std::string& dir : dirs) std::filesystem::remove_all(dir);
  }
};
TempDirs temp_dirs;

std::string TempDir() {
  std::string pattern = (std::filesystem::temp_directory_path() / "cairn-rocks-bench-XXXXXX");
  if (::mkdtemp(pattern.data()) == nullptr) std::abort();
  temp_dirs.dirs.push_back(pattern);
  return pattern;
}

std::unique_ptr<RocksDBSpanStore> OpenStore(const std::string& dir, bool search = true) {
  RocksDBStoreOptions options;
  options.path = dir;
  options.store.search_enabled = search;
  options.store.autocomplete_keys = {"http.method"};
  Result<std::unique_ptr<RocksDBSpanStore>> store = RocksDBSpanStore::Open(options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::abort();
  }
  return std::move(store).value();
}

std::int64_t NowMicros() { return trace::SystemClock().NowMicros(); }

double ProcessCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

// One store shared by every run of the ingest benchmark (it only grows).
struct IngestFixture {
  explicit IngestFixture(bool search) : store(OpenStore(dir, search)) {}
  std::string dir = TempDir();
  std::unique_ptr<RocksDBSpanStore> store;
  Dataset data = MakeDataset(40000, NowMicros());
  std::atomic<std::uint64_t> passes{0};
};
IngestFixture& Ingest(bool search) {
  // Function statics: destroyed at exit before temp_dirs removes their directories.
  if (search) {
    static auto with_search = std::make_unique<IngestFixture>(true);
    return *with_search;
  }
  static auto without_search = std::make_unique<IngestFixture>(false);
  return *without_search;
}

// Arg 1: search indexing on (the default); 0: off (SEARCH_ENABLED=false: spans, dirty queue).
void BM_Accept(benchmark::State& state) {
  IngestFixture& fixture = Ingest(state.range(0) != 0);
  const auto stride = static_cast<std::size_t>(state.threads());
  std::size_t next = static_cast<std::size_t>(state.thread_index());
  std::uint64_t pass = fixture.passes.fetch_add(1) + 1;
  std::int64_t spans = 0;
  const double process_cpu_start = ProcessCpuSeconds();
  for (auto _ : state) {
    // Threads use disjoint batches (by index modulo the thread count), and each pass over the
    // data gets fresh trace ids so it adds new traces rather than growing old ones.
    const std::vector<const trace::SpanRecord*>& batch = fixture.data.batches[next];
    for (const trace::SpanRecord* span : batch) {
      const_cast<trace::SpanRecord*>(span)->trace_id.high = pass;
    }
    Status status = fixture.store->Accept(batch);
    if (!status.ok()) state.SkipWithError(status.ToString().c_str());
    spans += static_cast<std::int64_t>(batch.size());
    next += stride;
    if (next >= fixture.data.batches.size()) {
      next = static_cast<std::size_t>(state.thread_index());
      pass = fixture.passes.fetch_add(1) + 1;
    }
  }
  state.SetItemsProcessed(spans);
  if (state.thread_index() == 0) {
    // CPU of the whole process (callers, RocksDB's flushes and compactions, the linker) per span:
    // what bounds ingest when cores, not the disk, are the limit.
    state.counters["process_cpu_us_per_span"] = (ProcessCpuSeconds() - process_cpu_start) * 1e6 /
                                                static_cast<double>(spans * state.threads());
  }
}
BENCHMARK(BM_Accept)->Arg(1)->Threads(1)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Accept)->Arg(1)->Threads(2)->UseRealTime()->Unit(benchmark::kMicrosecond);
BENCHMARK(BM_Accept)->Arg(0)->Threads(1)->UseRealTime()->Unit(benchmark::kMicrosecond);

// The anchor from docs (architecture.md, "Measured on this machine kind"): plain RocksDB, WAL on,
// no fsync, a 100-key WriteBatch of 489-byte values under random keys, i.e. "a span is one key"
// with no index at all. Comparing BM_Accept with it factors out how busy the machine is.
void BM_RawRocksDbOneKeyPerSpan(benchmark::State& state) {
  static const std::string dir = TempDir();
  static std::unique_ptr<rocksdb::DB> db = [] {
    rocksdb::Options options;
    options.create_if_missing = true;
    options.max_background_jobs = 2;
    rocksdb::DB* opened = nullptr;
    if (!rocksdb::DB::Open(options, dir, &opened).ok()) std::abort();
    return std::unique_ptr<rocksdb::DB>(opened);
  }();
  std::mt19937_64 random(7);
  const std::string value(489, 'x');
  char key[16];
  for (auto _ : state) {
    rocksdb::WriteBatch batch;
    for (int i = 0; i < kBatchSize; ++i) {
      const std::uint64_t a = random();
      const std::uint64_t b = random();
      std::memcpy(key, &a, 8);
      std::memcpy(key + 8, &b, 8);
      (void)batch.Put(rocksdb::Slice(key, 16), value);
    }
    if (!db->Write(rocksdb::WriteOptions(), &batch).ok()) state.SkipWithError("write failed");
  }
  state.SetItemsProcessed(state.iterations() * kBatchSize);
}
BENCHMARK(BM_RawRocksDbOneKeyPerSpan)->UseRealTime()->Unit(benchmark::kMicrosecond);

// A store holding 100,000 linked spans, for the query benchmarks.
struct QueryFixture {
  std::string dir = TempDir();
  std::unique_ptr<RocksDBSpanStore> store = OpenStore(dir);
  std::int64_t start_us = NowMicros() - 3600LL * 1000 * 1000;
  Dataset data = MakeDataset(20000, start_us);
  QueryFixture() {
    for (auto& batch : data.batches) {
      if (!store->Accept(batch).ok()) std::abort();
    }
    if (!store->LinkDependenciesNow().ok()) std::abort();
  }
  QueryRequest Request() const {
    QueryRequest request;
    request.end_ts_ms = NowMicros() / 1000;
    request.lookback_ms = 2 * 3600 * 1000;
    request.limit = 10;
    return request;
  }
};
QueryFixture& Queries() {
  static auto fixture = std::make_unique<QueryFixture>();
  return *fixture;
}

void BM_GetTrace(benchmark::State& state) {
  QueryFixture& fixture = Queries();
  std::size_t i = 0;
  for (auto _ : state) {
    const trace::TraceId id =
        fixture.data.spans[(i++ * 7919) % fixture.data.spans.size()]->trace_id;
    Result<Trace> trace = fixture.store->GetTrace(id);
    if (!trace.ok() || trace->empty()) state.SkipWithError("trace not found");
  }
}
BENCHMARK(BM_GetTrace)->Unit(benchmark::kMicrosecond);

void RunSearch(benchmark::State& state, QueryRequest request) {
  QueryFixture& fixture = Queries();
  for (auto _ : state) {
    Result<std::vector<Trace>> traces = fixture.store->GetTraces(request);
    if (!traces.ok() || traces->size() != static_cast<std::size_t>(request.limit)) {
      state.SkipWithError("search did not fill its limit");
    }
  }
}

void BM_SearchAll(benchmark::State& state) { RunSearch(state, Queries().Request()); }
BENCHMARK(BM_SearchAll)->Unit(benchmark::kMicrosecond);

void BM_SearchByService(benchmark::State& state) {
  QueryRequest request = Queries().Request();
  request.service_name = "quotes";
  RunSearch(state, request);
}
BENCHMARK(BM_SearchByService)->Unit(benchmark::kMicrosecond);

void BM_SearchByServiceAndTag(benchmark::State& state) {
  QueryRequest request = Queries().Request();
  request.service_name = "quotes";
  request.annotation_query = ParseAnnotationQuery("http.status_code=500");
  RunSearch(state, request);
}
BENCHMARK(BM_SearchByServiceAndTag)->Unit(benchmark::kMicrosecond);

void BM_SearchByMinDuration(benchmark::State& state) {
  QueryRequest request = Queries().Request();
  request.service_name = "vip";
  request.min_duration_us = 19000;
  RunSearch(state, request);
}
BENCHMARK(BM_SearchByMinDuration)->Unit(benchmark::kMicrosecond);

void BM_GetDependenciesWeek(benchmark::State& state) {
  QueryFixture& fixture = Queries();
  for (auto _ : state) {
    Result<std::vector<DependencyLink>> links =
        fixture.store->GetDependencies(NowMicros() / 1000, 7LL * 24 * 3600 * 1000);
    if (!links.ok() || links->empty()) state.SkipWithError("no links");
  }
}
BENCHMARK(BM_GetDependenciesWeek)->Unit(benchmark::kMicrosecond);

void BM_ServiceNames(benchmark::State& state) {
  QueryFixture& fixture = Queries();
  for (auto _ : state) {
    Result<std::vector<std::string>> names = fixture.store->GetServiceNames();
    if (!names.ok() || names->size() != std::size(kServices)) state.SkipWithError("names");
  }
}
BENCHMARK(BM_ServiceNames)->Unit(benchmark::kMicrosecond);

}  // namespace
}  // namespace cairn::storage

BENCHMARK_MAIN();
