// cairn-demo-traffic: feeds a cairn-server with traces shaped like the demo landscape's, recorded
// by the real tracing library (Tracer + MakeHttpReporter), until the services exist to make them.
//
//   cairn-demo-traffic --server http://127.0.0.1:9411 [--requests 40] [--rate 2] [--check]
//
// Sends a burst of --requests requests (every account in turn, so VIP account 10000 is among
// them), then, with --rate > 0, a trickle of that many requests per second until SIGINT/SIGTERM.
// With --check it verifies through the query API that the burst arrived whole (services, traces,
// search, dependency links) and exits 0 only if it did. Exit status 2 for bad options, 1 when
// the collector cannot be reached or a check failed.
#include <CLI/CLI.hpp>
#include <atomic>
#include <csignal>
#include <cstdio>
#include <iostream>
#include <thread>

#include "tools/demo_traffic/landscape_checks.h"
#include "tools/demo_traffic/landscape_sim.h"
#include "tools/support/http_client.h"
#include "tools/support/landscape_spans.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void OnSignal(int) { g_stop = 1; }

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"cairn-demo-traffic: landscape-shaped traces into a cairn-server"};
  std::string server = "http://127.0.0.1:9411";
  int requests = 40;
  double rate = 0;
  bool check = false;
  int check_timeout_s = 30;
  std::uint64_t seed = 0;
  app.add_option("--server", server, "base URL of cairn-server")->capture_default_str();
  app.add_option("--requests", requests, "requests in the first burst")
      ->check(CLI::Range(2, 100000))
      ->capture_default_str();
  app.add_option("--rate", rate, "requests per second after the burst, until Ctrl-C (0: stop)")
      ->check(CLI::Range(0.0, 10000.0))
      ->capture_default_str();
  app.add_flag("--check", check, "verify through the query API that the burst arrived");
  app.add_option("--check-timeout", check_timeout_s, "seconds to wait for the checks to hold")
      ->check(CLI::Range(1, 600))
      ->capture_default_str();
  app.add_option("--seed", seed, "random seed (0: from the clock)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e) == 0 ? 0 : 2;
  }

  std::string host;
  std::uint16_t port = 0;
  if (!cairn::tools::ParseHttpUrl(server, host, port)) {
    std::fprintf(stderr, "cairn-demo-traffic: --server must be http://host:port, got %s\n",
                 server.c_str());
    return 2;
  }
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);
  if (seed == 0) seed = static_cast<std::uint64_t>(cairn::tools::NowMicros());

  auto created = cairn::tools::LandscapeSimulator::Create(server + "/api/v2/spans", seed);
  if (!created.ok()) {
    std::fprintf(stderr, "cairn-demo-traffic: %s\n", created.status().message().c_str());
    return 2;
  }
  cairn::tools::LandscapeSimulator& sim = *created.value();

  std::string vip_trace, regular_trace;
  std::uint64_t sent = 0, spans = 0;
  for (int i = 0; i < requests && g_stop == 0; ++i) {
    int account = cairn::tools::LandscapeSpanGenerator::kFirstAccount +
                  i % cairn::tools::LandscapeSpanGenerator::kAccounts;
    // Every 10th request's quote fails, so the dependency graph shows error counts.
    cairn::tools::SimulatedRequest request = sim.Request(account, i % 10 == 7);
    if (request.account_id == cairn::tools::LandscapeSpanGenerator::kVipAccount) {
      vip_trace = request.trace_id;
    } else if (regular_trace.empty()) {
      regular_trace = request.trace_id;
    }
    ++sent;
    spans += static_cast<std::uint64_t>(request.spans);
  }
  cairn::Status flushed = sim.Flush(std::chrono::seconds(10));
  const auto& metrics = sim.reporter_metrics();
  std::printf(
      "demo-traffic: sent %llu requests (%llu spans) to %s; reporter: %llu messages, "
      "%llu spans dropped\n",
      static_cast<unsigned long long>(sent), static_cast<unsigned long long>(spans), server.c_str(),
      static_cast<unsigned long long>(metrics.messages.load()),
      static_cast<unsigned long long>(metrics.SpansDropped()));
  std::fflush(stdout);
  if (!flushed.ok() || metrics.SpansDropped() > 0) {
    std::fprintf(stderr, "cairn-demo-traffic: spans did not all reach %s (%s)\n", server.c_str(),
                 flushed.ok() ? "dropped" : flushed.message().c_str());
    if (check) return 1;
  }

  if (check) {
    cairn::tools::HttpClient client(host, port);
    cairn::tools::LandscapeCheckOptions options;
    options.vip_trace_id = vip_trace;
    options.regular_trace_id = regular_trace;
    options.timeout = std::chrono::seconds(check_timeout_s);
    std::printf("demo-traffic: checking %s\n", server.c_str());
    bool ok = cairn::tools::CheckLandscape(client, options, std::cout);
    std::printf("demo-traffic: %s\n", ok ? "all checks passed" : "CHECKS FAILED");
    return ok ? 0 : 1;
  }

  if (rate > 0) {
    const auto interval = std::chrono::duration<double>(1.0 / rate);
    auto next = std::chrono::steady_clock::now();
    auto last_report = next;
    std::uint64_t trickled = 0;
    while (g_stop == 0) {
      next += std::chrono::duration_cast<std::chrono::steady_clock::duration>(interval);
      while (g_stop == 0 && std::chrono::steady_clock::now() < next) {
        std::this_thread::sleep_for(std::min<std::chrono::steady_clock::duration>(
            next - std::chrono::steady_clock::now(), std::chrono::milliseconds(100)));
      }
      if (g_stop != 0) break;
      sim.RandomRequest();
      ++trickled;
      if (std::chrono::steady_clock::now() - last_report > std::chrono::seconds(30)) {
        last_report = std::chrono::steady_clock::now();
        std::printf("demo-traffic: %llu more requests so far (%llu spans dropped)\n",
                    static_cast<unsigned long long>(trickled),
                    static_cast<unsigned long long>(metrics.SpansDropped()));
        std::fflush(stdout);
      }
    }
    (void)sim.Flush(std::chrono::seconds(2));
    std::printf("demo-traffic: stopped after %llu more requests\n",
                static_cast<unsigned long long>(trickled));
  }
  return 0;
}
