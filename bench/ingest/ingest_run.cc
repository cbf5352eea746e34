#include "bench/ingest/ingest_run.h"

#include <algorithm>
#include <random>
#include <thread>

#include "tools/support/http_client.h"

namespace cairn::bench {

namespace {

using Clock = std::chrono::steady_clock;

struct Shared {
  const IngestOptions& options;
  const std::vector<BatchTemplate>& templates;
  const std::atomic<bool>* stop;
  std::uint64_t id_high;
  Clock::time_point start;
  Clock::time_point measure_start;
  Clock::time_point end;
  std::atomic<std::uint64_t> stored_spans{0};
};

struct WorkerResult {
  IngestResult figures;
  Clock::time_point last_finish;
  std::uint64_t traces_seen = 0;
};

void RunWorker(Shared& shared, std::size_t index, WorkerResult& out) {
  const IngestOptions& options = shared.options;
  tools::HttpClient client(options.host, options.port, options.request_timeout);
  BatchStamper stamper(shared.templates,
                       tools::TraceIdSource(shared.id_high, static_cast<std::uint32_t>(index + 1)),
                       index * 7);
  std::mt19937_64 rng(options.seed * 1000 + index);
  const std::size_t keep = std::max<std::size_t>(1, options.keep_trace_ids / options.connections);
  // Open loop: this worker's share of the rate, staggered so workers do not send in lockstep.
  const bool paced = options.rate > 0;
  const auto interval =
      paced ? std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(
                  static_cast<double>(options.batch_size * options.connections) / options.rate))
            : Clock::duration::zero();
  Clock::time_point next = shared.start + interval * static_cast<std::int64_t>(index) /
                                              static_cast<std::int64_t>(options.connections);
  IngestResult& r = out.figures;
  out.last_finish = shared.start;

  while (true) {
    Clock::time_point now = Clock::now();
    if (now >= shared.end) break;
    if (shared.stop != nullptr && shared.stop->load(std::memory_order_relaxed)) break;
    if (options.max_spans > 0 &&
        shared.stored_spans.load(std::memory_order_relaxed) >= options.max_spans) {
      break;
    }
    if (paced) {
      if (now < next) {
        std::this_thread::sleep_until(std::min(next, shared.end));
        continue;  // re-check the end and stop conditions after sleeping
      }
      if (now - next > interval && now >= shared.measure_start) ++r.behind_schedule;
      // Far behind (the server stalled): do not try to catch up in a burst.
      next = now - next > std::chrono::seconds(1) ? now + interval : next + interval;
    }
    const std::string& body = stamper.Next();
    const Clock::time_point sent = Clock::now();
    tools::HttpResponse response = client.Post("/api/v2/spans", body);
    const Clock::time_point done = Clock::now();
    out.last_finish = done;
    const bool measured = sent >= shared.measure_start;
    if (response.status == 202) {
      shared.stored_spans.fetch_add(stamper.spans(), std::memory_order_relaxed);
      r.stored_spans += stamper.spans();
      for (const trace::TraceId& id : stamper.trace_ids()) {
        ++out.traces_seen;
        if (r.trace_ids.size() < keep) {
          r.trace_ids.push_back(id);
        } else if (std::uint64_t j = rng() % out.traces_seen; j < keep) {
          r.trace_ids[j] = id;
        }
      }
    } else if (r.first_error.empty() && response.status != 503) {
      r.first_error = response.transport_ok()
                          ? "HTTP " + std::to_string(response.status) + ": " + response.body
                          : response.error;
    }
    if (!measured) continue;
    if (response.transport_ok()) r.latency.Record(done - sent);
    switch (response.status) {
      case 202:
        ++r.accepted_batches;
        r.accepted_spans += stamper.spans();
        break;
      case 503:
        ++r.refused_batches;
        break;
      case 0:
        ++r.errors;
        break;
      default:
        ++r.other_status;
    }
    if (!response.transport_ok()) {
      // Do not spin on a dead server.
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
}

}  // namespace

IngestResult RunIngest(const IngestOptions& options, const std::atomic<bool>* stop) {
  const std::vector<BatchTemplate> templates = BuildBatchTemplates(
      std::max<std::size_t>(1, options.templates), options.batch_size, options.seed);
  Shared shared{options, templates, stop, tools::TraceIdSource::RandomHigh(), {}, {}, {}};
  shared.start = Clock::now();
  shared.measure_start = shared.start + options.warmup;
  shared.end = shared.measure_start + options.duration;

  std::vector<WorkerResult> results(options.connections);
  std::vector<std::thread> workers;
  for (std::size_t i = 0; i < options.connections; ++i) {
    workers.emplace_back([&shared, &results, i] { RunWorker(shared, i, results[i]); });
  }
  for (std::thread& worker : workers) worker.join();

  IngestResult total;
  Clock::time_point last = shared.measure_start;
  for (WorkerResult& result : results) {
    IngestResult& r = result.figures;
    total.accepted_batches += r.accepted_batches;
    total.accepted_spans += r.accepted_spans;
    total.refused_batches += r.refused_batches;
    total.other_status += r.other_status;
    total.errors += r.errors;
    total.behind_schedule += r.behind_schedule;
    total.stored_spans += r.stored_spans;
    total.latency.Merge(r.latency);
    total.trace_ids.insert(total.trace_ids.end(), r.trace_ids.begin(), r.trace_ids.end());
    if (total.first_error.empty()) total.first_error = r.first_error;
    last = std::max(last, result.last_finish);
  }
  total.seconds = std::chrono::duration<double>(last - shared.measure_start).count();
  return total;
}

}  // namespace cairn::bench
