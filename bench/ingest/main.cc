// cairn-loadgen: load generator for cairn-server (or any Zipkin-compatible collector).
//
//   cairn-loadgen ingest   --url http://127.0.0.1:9411 --connections 8 --duration 10
//   cairn-loadgen query    --url ... --duration 60 --max-spans 10000000   (load, then query)
//   cairn-loadgen overload --url ... --rate 600000 --duration 15 --server-pid 1234
//
// Prints a human summary and `BENCH <name> <value> <unit>` lines (docs/benchmarks.md). Exit
// status: 0 when the run worked (spans accepted, queries answered correctly), 1 when it did not,
// 2 for bad options.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <string>
#include <thread>

#include "bench/ingest/ingest_run.h"
#include "bench/ingest/overload_run.h"
#include "bench/ingest/query_run.h"
#include "tools/support/http_client.h"

namespace {

using cairn::bench::IngestResult;

void Bench(const std::string& name, double value, const char* unit) {
  std::printf("BENCH %s %.3f %s\n", name.c_str(), value, unit);
}

void BenchCount(const std::string& name, unsigned long long value, const char* unit) {
  std::printf("BENCH %s %llu %s\n", name.c_str(), value, unit);
}

void PrintIngest(const std::string& name, IngestResult& r) {
  std::printf(
      "%s: %.1f s measured, %llu batches accepted (%llu spans), %llu refused (503), %llu other "
      "status, %llu errors; %llu spans stored in total\n",
      name.c_str(), r.seconds, static_cast<unsigned long long>(r.accepted_batches),
      static_cast<unsigned long long>(r.accepted_spans),
      static_cast<unsigned long long>(r.refused_batches),
      static_cast<unsigned long long>(r.other_status), static_cast<unsigned long long>(r.errors),
      static_cast<unsigned long long>(r.stored_spans));
  std::printf("%s: %.0f spans/s, request latency p50 %.2f ms, p99 %.2f ms, max %.2f ms\n",
              name.c_str(), r.SpansPerSecond(), r.latency.QuantileMs(0.5),
              r.latency.QuantileMs(0.99), r.latency.MaxMs());
  if (!r.first_error.empty()) {
    std::printf("%s: first unexpected answer: %s\n", name.c_str(),
                r.first_error.substr(0, 300).c_str());
  }
  Bench(name + "_spans_per_s", r.SpansPerSecond(), "spans/s");
  Bench(name + "_p50_ms", r.latency.QuantileMs(0.5), "ms");
  Bench(name + "_p99_ms", r.latency.QuantileMs(0.99), "ms");
  BenchCount(name + "_spans_stored", r.stored_spans, "spans");
  BenchCount(name + "_503s", r.refused_batches, "batches");
}

void PrintQuery(const std::string& name, const char* what, cairn::bench::QueryFigures& f,
                bool p50_only_name = false) {
  std::printf(
      "%s: %llu answered, p50 %.2f ms, p99 %.2f ms, max %.2f ms, %llu %s returned, %llu "
      "failures%s%s\n",
      name.c_str(), static_cast<unsigned long long>(f.latency.count()), f.latency.QuantileMs(0.5),
      f.latency.QuantileMs(0.99), f.latency.MaxMs(), static_cast<unsigned long long>(f.results),
      what, static_cast<unsigned long long>(f.failures), f.first_failure.empty() ? "" : ": ",
      f.first_failure.substr(0, 300).c_str());
  if (p50_only_name) {
    Bench(name + "_ms", f.latency.QuantileMs(0.5), "ms");
  } else {
    Bench(name + "_p50_ms", f.latency.QuantileMs(0.5), "ms");
  }
  Bench(name + "_p99_ms", f.latency.QuantileMs(0.99), "ms");
}

double Mib(std::int64_t kib) { return static_cast<double>(kib) / 1024.0; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cairn-loadgen: ingest, query and overload benchmarks against cairn-server"};
  app.require_subcommand(1);
  std::string url = "http://127.0.0.1:9411";
  std::string name;
  cairn::bench::IngestOptions ingest;
  double duration_s = 10, warmup_s = 1;
  cairn::bench::QueryOptions query;
  double settle_s = 0;
  int server_pid = 0;

  auto add_ingest_options = [&](CLI::App* sub) {
    sub->add_option("--url", url, "base URL of the server")->capture_default_str();
    sub->add_option("--connections,-c", ingest.connections, "keep-alive connections")
        ->check(CLI::Range(1, 1024))
        ->capture_default_str();
    sub->add_option("--duration,-d", duration_s, "measured seconds")
        ->check(CLI::Range(0.1, 3600.0))
        ->capture_default_str();
    sub->add_option("--warmup", warmup_s, "seconds before measuring")
        ->check(CLI::Range(0.0, 600.0))
        ->capture_default_str();
    sub->add_option("--batch-size,-b", ingest.batch_size, "spans per POST")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    sub->add_option("--max-spans", ingest.max_spans, "stop once this many spans were accepted")
        ->capture_default_str();
    sub->add_option("--templates", ingest.templates, "distinct pre-encoded batches")
        ->check(CLI::Range(1, 100000))
        ->capture_default_str();
    sub->add_option("--name", name, "prefix of the BENCH lines");
  };
  CLI::App* ingest_cmd = app.add_subcommand("ingest", "post batches as fast as answered");
  add_ingest_options(ingest_cmd);
  CLI::App* query_cmd = app.add_subcommand("query", "load, then measure query latency");
  add_ingest_options(query_cmd);
  query_cmd->add_option("--trace-requests", query.trace_requests)->capture_default_str();
  query_cmd->add_option("--search-requests", query.search_requests)->capture_default_str();
  query_cmd->add_option("--dependency-requests", query.dependency_requests)->capture_default_str();
  query_cmd
      ->add_option("--settle", settle_s,
                   "seconds between loading and querying (lets dependency linking finish)")
      ->check(CLI::Range(0.0, 600.0));
  CLI::App* overload_cmd = app.add_subcommand("overload", "offer a fixed rate, watch RSS, /health");
  add_ingest_options(overload_cmd);
  overload_cmd->add_option("--rate", ingest.rate, "offered spans per second")
      ->required()
      ->check(CLI::Range(1.0, 1e9));
  overload_cmd->add_option("--server-pid", server_pid, "pid of the server, for its RSS");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }
  if (!cairn::tools::ParseHttpUrl(url, ingest.host, ingest.port)) {
    std::fprintf(stderr, "cairn-loadgen: --url must be http://host:port, got %s\n", url.c_str());
    return 2;
  }
  ingest.duration = std::chrono::milliseconds(static_cast<std::int64_t>(duration_s * 1000));
  ingest.warmup = std::chrono::milliseconds(static_cast<std::int64_t>(warmup_s * 1000));
  ingest.seed =
      static_cast<std::uint64_t>(std::chrono::steady_clock::now().time_since_epoch().count());
  std::printf("cairn-loadgen: %s, %zu connections, %zu-span batches, %.1f s (+%.1f s warm-up)%s\n",
              url.c_str(), ingest.connections, ingest.batch_size, duration_s, warmup_s,
              ingest.max_spans > 0
                  ? (", at most " + std::to_string(ingest.max_spans) + " spans").c_str()
                  : "");
  std::fflush(stdout);

  if (ingest_cmd->parsed()) {
    IngestResult result = cairn::bench::RunIngest(ingest);
    PrintIngest(name.empty() ? "ingest" : name, result);
    return result.accepted_spans > 0 && result.errors == 0 && result.other_status == 0 ? 0 : 1;
  }

  if (query_cmd->parsed()) {
    IngestResult load = cairn::bench::RunIngest(ingest);
    const std::string load_name = name.empty() ? "query_load" : name;
    PrintIngest(load_name, load);
    if (settle_s > 0) {
      std::fflush(stdout);
      std::this_thread::sleep_for(std::chrono::milliseconds(static_cast<int>(settle_s * 1000)));
    }
    query.host = ingest.host;
    query.port = ingest.port;
    query.seed = ingest.seed;
    cairn::bench::QueryResult q = cairn::bench::RunQueries(query, load.trace_ids);
    std::printf("queries over %llu stored spans:\n",
                static_cast<unsigned long long>(load.stored_spans));
    PrintQuery("trace_by_id", "spans", q.trace_by_id);
    PrintQuery("search_service_tag_1h", "traces", q.search);
    PrintQuery("dependencies_7d", "links", q.dependencies, true);
    BenchCount("query_spans_stored", load.stored_spans, "spans");
    const bool ok = load.accepted_spans > 0 && q.trace_by_id.failures == 0 &&
                    q.search.failures == 0 && q.dependencies.failures == 0 &&
                    q.search.results > 0 && q.dependencies.results > 0;
    return ok ? 0 : 1;
  }

  cairn::bench::OverloadOptions overload;
  overload.ingest = ingest;
  overload.server_pid = server_pid;
  cairn::bench::OverloadResult o = cairn::bench::RunOverload(overload);
  const std::string overload_name = name.empty() ? "overload" : name;
  PrintIngest(overload_name, o.ingest);
  std::printf(
      "%s: offered %.0f spans/s; %llu sends started late; server RSS before %.1f MiB "
      "(RssAnon %.1f), peak %.1f MiB (RssAnon %.1f), after %.1f MiB (RssAnon %.1f) over "
      "%llu samples\n",
      overload_name.c_str(), ingest.rate, static_cast<unsigned long long>(o.ingest.behind_schedule),
      Mib(o.before.rss_kib), Mib(o.before.rss_anon_kib), Mib(o.peak.rss_kib),
      Mib(o.peak.rss_anon_kib), Mib(o.after.rss_kib), Mib(o.after.rss_anon_kib),
      static_cast<unsigned long long>(o.memory_samples));
  std::printf("%s: /health p50 %.2f ms, p99 %.2f ms, max %.2f ms over %zu probes, %llu failed\n",
              overload_name.c_str(), o.health.QuantileMs(0.5), o.health.QuantileMs(0.99),
              o.health.MaxMs(), o.health.count(),
              static_cast<unsigned long long>(o.health_failures));
  Bench(overload_name + "_offered_spans_per_s", ingest.rate, "spans/s");
  if (server_pid > 0) {
    Bench(overload_name + "_rss_mib", Mib(o.peak.rss_kib), "MiB");
    Bench(overload_name + "_rss_anon_mib", Mib(o.peak.rss_anon_kib), "MiB");
  }
  Bench(overload_name + "_health_p99_ms", o.health.QuantileMs(0.99), "ms");
  BenchCount(overload_name + "_health_failures", o.health_failures, "probes");
  return o.health.count() > 0 ? 0 : 1;
}
