// The overload phase of the load generator: posts at a fixed rate above the server's capacity for
// a bounded time (RunIngest in open-loop mode) while two probes watch the server:
// - its memory, from /proc/<pid>/status (VmRSS and RssAnon) every `sample_interval`: a bounded
//   write queue must keep it flat however much is offered;
// - GET /health on a connection of its own every `health_interval`: the server must stay
//   responsive while it sheds load with 503s.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>

#include "bench/ingest/ingest_run.h"
#include "tools/support/latency_stats.h"
#include "tools/support/server_process.h"

namespace cairn::bench {

struct OverloadOptions {
  IngestOptions ingest;  // `rate` and `duration` set the offered load
  pid_t server_pid = 0;  // 0: memory is not sampled
  std::chrono::milliseconds sample_interval{100};
  std::chrono::milliseconds health_interval{20};
};

struct OverloadResult {
  IngestResult ingest;
  tools::MemoryUsage before;
  tools::MemoryUsage peak;  // the largest VmRSS sample (and the largest RssAnon sample)
  tools::MemoryUsage after;
  std::uint64_t memory_samples = 0;
  tools::LatencyRecorder health;
  std::uint64_t health_failures = 0;  // non-200 or no answer
};

OverloadResult RunOverload(const OverloadOptions& options);

}  // namespace cairn::bench
