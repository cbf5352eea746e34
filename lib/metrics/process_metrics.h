// The standard process metrics of Prometheus client libraries (names and meanings as in
// client_golang's process collector), read from Linux /proc at each scrape:
//   process_cpu_seconds_total       user + system CPU time
//   process_resident_memory_bytes   resident set size
//   process_virtual_memory_bytes    virtual memory size
//   process_start_time_seconds      start time, seconds since the Unix epoch
//   process_open_fds                open file descriptors
//   process_max_fds                 the soft RLIMIT_NOFILE
// A value that cannot be read (not Linux, /proc not mounted) is left out of the exposition.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "lib/base/status.h"
#include "lib/metrics/registry.h"

namespace cairn::metrics {

struct ProcessStats {
  std::optional<double> cpu_seconds;
  std::optional<double> resident_bytes;
  std::optional<double> virtual_bytes;
  std::optional<double> start_time_seconds;
  std::optional<double> open_fds;
  std::optional<double> max_fds;
};

// Parses the text of /proc/<pid>/stat (proc(5)): utime (14), stime (15), starttime (22),
// vsize (23), rss (24). The command name (field 2) may contain spaces and parentheses.
// `boot_time_seconds` is /proc/stat's btime. InvalidArgument for text that does not fit.
Result<ProcessStats> ParseProcStat(std::string_view stat, double ticks_per_second,
                                   double page_size_bytes, double boot_time_seconds);

// The "btime" line of /proc/stat; InvalidArgument when there is none.
Result<double> ParseBootTime(std::string_view proc_stat);

// Reads this process's figures now.
ProcessStats ReadProcessStats();

// Adds the families above to `registry`, rendered from ReadProcessStats() at each scrape.
void RegisterProcessMetrics(Registry& registry);

}  // namespace cairn::metrics
