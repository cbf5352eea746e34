#include "lib/metrics/process_metrics.h"

#include <sys/resource.h>
#include <unistd.h>

#include <charconv>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

namespace cairn::metrics {
namespace {

std::optional<std::string> ReadFile(const char* path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return std::nullopt;
  return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
}

bool ParseUnsigned(std::string_view text, double& out) {
  std::uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) return false;
  out = static_cast<double>(value);
  return true;
}

std::vector<std::string_view> SplitSpaces(std::string_view text) {
  std::vector<std::string_view> out;
  std::size_t i = 0;
  while (i < text.size()) {
    while (i < text.size() && (text[i] == ' ' || text[i] == '\n')) ++i;
    std::size_t j = i;
    while (j < text.size() && text[j] != ' ' && text[j] != '\n') ++j;
    if (j > i) out.push_back(text.substr(i, j - i));
    i = j;
  }
  return out;
}

}  // namespace

Result<ProcessStats> ParseProcStat(std::string_view stat, double ticks_per_second,
                                   double page_size_bytes, double boot_time_seconds) {
  // "pid (comm) state ppid ...": comm may hold anything, so fields count from the last ')'.
  const std::size_t close = stat.rfind(')');
  if (close == std::string_view::npos) {
    return InvalidArgument("/proc/self/stat: no command name in parentheses");
  }
  // After ')' come fields 3 (state), 4, ...; field n is at index n - 3.
  const std::vector<std::string_view> fields = SplitSpaces(stat.substr(close + 1));
  auto field = [&](std::size_t n) { return fields[n - 3]; };
  if (fields.size() < 24 - 2) {
    return InvalidArgument("/proc/self/stat: expected at least 24 fields, got " +
                           std::to_string(fields.size() + 2));
  }
  double utime = 0, stime = 0, start_ticks = 0, vsize = 0, rss_pages = 0;
  if (!ParseUnsigned(field(14), utime) || !ParseUnsigned(field(15), stime) ||
      !ParseUnsigned(field(22), start_ticks) || !ParseUnsigned(field(23), vsize) ||
      !ParseUnsigned(field(24), rss_pages)) {
    return InvalidArgument("/proc/self/stat: a field is not a decimal number");
  }
  if (!(ticks_per_second > 0)) return InvalidArgument("ticks per second must be positive");
  ProcessStats stats;
  stats.cpu_seconds = (utime + stime) / ticks_per_second;
  stats.start_time_seconds = boot_time_seconds + start_ticks / ticks_per_second;
  stats.virtual_bytes = vsize;
  stats.resident_bytes = rss_pages * page_size_bytes;
  return stats;
}

Result<double> ParseBootTime(std::string_view proc_stat) {
  std::size_t pos = 0;
  while (pos < proc_stat.size()) {
    std::size_t end = proc_stat.find('\n', pos);
    if (end == std::string_view::npos) end = proc_stat.size();
    std::string_view line = proc_stat.substr(pos, end - pos);
    if (line.starts_with("btime ")) {
      double value = 0;
      if (ParseUnsigned(line.substr(6), value)) return value;
      break;
    }
    pos = end + 1;
  }
  return InvalidArgument("/proc/stat: no btime line");
}

ProcessStats ReadProcessStats() {
  ProcessStats stats;
  std::optional<std::string> stat = ReadFile("/proc/self/stat");
  std::optional<std::string> system = ReadFile("/proc/stat");
  if (stat && system) {
    const double ticks = static_cast<double>(sysconf(_SC_CLK_TCK));
    const double page = static_cast<double>(sysconf(_SC_PAGESIZE));
    Result<double> boot = ParseBootTime(*system);
    if (boot.ok() && ticks > 0 && page > 0) {
      Result<ProcessStats> parsed = ParseProcStat(*stat, ticks, page, *boot);
      if (parsed.ok()) stats = *parsed;
    }
  }
  std::error_code ec;
  std::size_t fds = 0;
  for (std::filesystem::directory_iterator it("/proc/self/fd", ec), end; !ec && it != end;
       it.increment(ec)) {
    ++fds;
  }
  // The iterator's own descriptor is counted while it is open; client_golang counts it too.
  if (!ec) stats.open_fds = static_cast<double>(fds);
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY) {
    stats.max_fds = static_cast<double>(limit.rlim_cur);
  }
  return stats;
}

void RegisterProcessMetrics(Registry& registry) {
  registry.AddCollector([](TextWriter& w) {
    const ProcessStats s = ReadProcessStats();
    auto put = [&w](std::string_view name, MetricType type, std::string_view help,
                    const std::optional<double>& value) {
      if (value) w.Single(name, type, help, *value);
    };
    put("process_cpu_seconds_total", MetricType::kCounter,
        "Total user and system CPU time spent in seconds.", s.cpu_seconds);
    put("process_open_fds", MetricType::kGauge, "Number of open file descriptors.", s.open_fds);
    put("process_max_fds", MetricType::kGauge, "Maximum number of open file descriptors.",
        s.max_fds);
    put("process_virtual_memory_bytes", MetricType::kGauge, "Virtual memory size in bytes.",
        s.virtual_bytes);
    put("process_resident_memory_bytes", MetricType::kGauge, "Resident memory size in bytes.",
        s.resident_bytes);
    put("process_start_time_seconds", MetricType::kGauge,
        "Start time of the process since unix epoch in seconds.", s.start_time_seconds);
  });
}

}  // namespace cairn::metrics
