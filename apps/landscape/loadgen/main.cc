// cairn-landscape-loadgen: load for the running landscape, as the original's loadtest/main.go
// gave it: `--users` simulated users, each sending GET <target>/accounts/<id> for a random id in
// 10000..10098 (or always `--account`) at `--rate` requests per second (per user) for `--duration`
// seconds, over its own connection (keep-alive unless --no-keepalive). Latency is measured from
// each request's scheduled send time, so a slow answer delays the user's next request without
// hiding the wait (no coordinated omission). At the end it prints one line per figure:
//   BENCH landscape_requests <n> count / landscape_errors <n> count / landscape_rps <x> req/s
//   BENCH landscape_latency_p50_ms <x> ms   (p90, p99, max likewise)
// with `--label X` inserted after "landscape_" so several runs can be told apart.
// Exit status 1 when any request failed (transport error or a status other than 200).
#include <CLI/CLI.hpp>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <iostream>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "tools/support/http_client.h"
#include "tools/support/latency_stats.h"

namespace {

using cairn::tools::HttpClient;
using cairn::tools::LatencyRecorder;
using Clock = std::chrono::steady_clock;

struct Options {
  std::string target = "https://127.0.0.1:8765/api";
  int users = 10;
  double rate = 1.0;  // requests per second per user; 0 = as fast as answers come
  double duration_s = 30;
  bool keepalive = true;
  int account = 0;  // 0: a random id per request
  std::string label;
};

struct UserResult {
  LatencyRecorder latencies;
  std::uint64_t errors = 0;
  std::string first_error;
};

void RunUser(const Options& options, const std::string& host, std::uint16_t port, bool tls,
             const std::string& path, unsigned seed, Clock::time_point end, UserResult& result) {
  HttpClient client(host, port, std::chrono::seconds(10), tls);
  std::mt19937 rng(seed);
  std::uniform_int_distribution<int> account(10000, 10098);
  const auto interval = options.rate > 0 ? std::chrono::duration_cast<Clock::duration>(
                                               std::chrono::duration<double>(1.0 / options.rate))
                                         : Clock::duration::zero();
  // Users start spread over one interval, as independent people would.
  Clock::time_point next =
      Clock::now() + std::chrono::duration_cast<Clock::duration>(
                         interval * std::uniform_real_distribution<double>(0, 1)(rng));
  while (next < end) {
    std::this_thread::sleep_until(next);
    cairn::tools::HttpResponse response =
        client.Get(path + "/accounts/" +
                   std::to_string(options.account != 0 ? options.account : account(rng)));
    result.latencies.Record(Clock::now() - next);
    if (response.status != 200) {
      ++result.errors;
      if (result.first_error.empty()) {
        result.first_error = response.transport_ok()
                                 ? "HTTP " + std::to_string(response.status) + " " + response.body
                                 : response.error;
      }
    }
    if (!options.keepalive) client.Close();
    next = interval == Clock::duration::zero() ? Clock::now() : next + interval;
  }
}

void Print(const Options& options, std::string_view name, double value, std::string_view unit) {
  std::string label = options.label.empty() ? "" : options.label + "_";
  std::printf("BENCH landscape_%s%.*s %.3f %.*s\n", label.c_str(), static_cast<int>(name.size()),
              name.data(), value, static_cast<int>(unit.size()), unit.data());
}

}  // namespace

int main(int argc, char** argv) {
  Options options;
  CLI::App app{"Load for the cairn landscape: users x rate requests/s of GET /accounts/{id}"};
  app.add_option("--target", options.target,
                 "base URL: the edge (https://host:8765/api) or accountservice (http://host:6767)");
  app.add_option("--users", options.users, "concurrent users")->check(CLI::Range(1, 10000));
  app.add_option("--rate", options.rate, "requests per second per user (0: back to back)")
      ->check(CLI::Range(0.0, 100000.0));
  app.add_option("--duration", options.duration_s, "seconds")->check(CLI::PositiveNumber);
  app.add_flag("!--no-keepalive", options.keepalive, "a new connection per request");
  app.add_option("--account", options.account, "always this account id (default: random)");
  app.add_option("--label", options.label, "inserted into the BENCH names");
  CLI11_PARSE(app, argc, argv);

  std::string host, path;
  std::uint16_t port = 0;
  bool tls = false;
  if (!cairn::tools::ParseUrl(options.target, host, port, tls, path)) {
    std::cerr << "--target: expected http://host:port[/path] or https://..., got " << options.target
              << "\n";
    return 2;
  }
  std::vector<UserResult> results(static_cast<std::size_t>(options.users));
  std::vector<std::thread> users;
  Clock::time_point start = Clock::now();
  Clock::time_point end = start + std::chrono::duration_cast<Clock::duration>(
                                      std::chrono::duration<double>(options.duration_s));
  std::random_device seeds;
  for (UserResult& result : results) {
    users.emplace_back(RunUser, std::cref(options), std::cref(host), port, tls, std::cref(path),
                       seeds(), end, std::ref(result));
  }
  for (std::thread& user : users) user.join();
  double elapsed = std::chrono::duration<double>(Clock::now() - start).count();

  LatencyRecorder all;
  std::uint64_t errors = 0;
  std::string first_error;
  for (const UserResult& result : results) {
    all.Merge(result.latencies);
    errors += result.errors;
    if (first_error.empty()) first_error = result.first_error;
  }
  Print(options, "requests", static_cast<double>(all.count()), "count");
  Print(options, "errors", static_cast<double>(errors), "count");
  Print(options, "rps", static_cast<double>(all.count()) / elapsed, "req/s");
  Print(options, "latency_p50_ms", all.QuantileMs(0.50), "ms");
  Print(options, "latency_p90_ms", all.QuantileMs(0.90), "ms");
  Print(options, "latency_p99_ms", all.QuantileMs(0.99), "ms");
  Print(options, "latency_max_ms", all.MaxMs(), "ms");
  if (errors > 0) std::cerr << "first error: " << first_error << "\n";
  return errors > 0 ? 1 : 0;
}
