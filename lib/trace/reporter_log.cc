#include "lib/trace/reporter_log.h"

#include <cstdio>
#include <utility>

namespace cairn::trace::internal {

ReporterLog::ReporterLog(Clock::duration interval, Sink sink)
    : interval_(interval), sink_(std::move(sink)) {}

bool ReporterLog::Warn(std::string_view message, Clock::time_point now) {
  if (wrote_any_ && now - last_write_ < interval_) {
    ++suppressed_;
    return false;
  }
  Write(message, suppressed_);
  wrote_any_ = true;
  last_write_ = now;
  suppressed_ = 0;
  return true;
}

void ReporterLog::Always(std::string_view message) { Write(message, 0); }

void ReporterLog::Write(std::string_view message, std::uint64_t suppressed) {
  std::string line = "cairn AsyncReporter: ";
  line.append(message);
  if (suppressed > 0) {
    line.append(" (");
    line.append(std::to_string(suppressed));
    line.append(suppressed == 1 ? " warning suppressed before this one)"
                                : " warnings suppressed before this one)");
  }
  if (sink_) {
    sink_(line);
    return;
  }
  line.push_back('\n');
  std::fwrite(line.data(), 1, line.size(), stderr);
}

}  // namespace cairn::trace::internal
