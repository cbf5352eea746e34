#include "bench/ingest/overload_run.h"

#include <algorithm>
#include <atomic>
#include <thread>

#include "tools/support/http_client.h"

namespace cairn::bench {

namespace {

using Clock = std::chrono::steady_clock;

void SampleMemory(const OverloadOptions& options, const std::atomic<bool>& done,
                  OverloadResult& out) {
  while (!done.load()) {
    auto usage = tools::ReadMemoryUsage(options.server_pid);
    if (usage.ok()) {
      out.peak.rss_kib = std::max(out.peak.rss_kib, usage->rss_kib);
      out.peak.rss_anon_kib = std::max(out.peak.rss_anon_kib, usage->rss_anon_kib);
      ++out.memory_samples;
    }
    std::this_thread::sleep_for(options.sample_interval);
  }
}

void ProbeHealth(const OverloadOptions& options, const std::atomic<bool>& done,
                 OverloadResult& out) {
  tools::HttpClient client(options.ingest.host, options.ingest.port, std::chrono::seconds(10));
  while (!done.load()) {
    const Clock::time_point start = Clock::now();
    tools::HttpResponse response = client.Get("/health");
    const Clock::time_point end = Clock::now();
    if (response.status == 200) {
      out.health.Record(end - start);
    } else {
      ++out.health_failures;
    }
    std::this_thread::sleep_until(start + options.health_interval);
  }
}

}  // namespace

OverloadResult RunOverload(const OverloadOptions& options) {
  OverloadResult result;
  if (options.server_pid > 0) {
    auto before = tools::ReadMemoryUsage(options.server_pid);
    if (before.ok()) result.before = *before;
  }
  std::atomic<bool> done{false};
  std::thread memory;
  if (options.server_pid > 0) {
    memory = std::thread([&] { SampleMemory(options, done, result); });
  }
  // Health probes start with the measured window, after the warm-up.
  std::thread health([&] {
    std::this_thread::sleep_for(options.ingest.warmup);
    ProbeHealth(options, done, result);
  });
  result.ingest = RunIngest(options.ingest);
  done.store(true);
  health.join();
  if (memory.joinable()) memory.join();
  if (options.server_pid > 0) {
    auto after = tools::ReadMemoryUsage(options.server_pid);
    if (after.ok()) result.after = *after;
  }
  return result;
}

}  // namespace cairn::bench
