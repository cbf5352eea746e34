// ReporterLog: the AsyncReporter's warnings (send failures, drops), one line each on stderr, rate
// limited so a collector outage cannot flood the application's logs: the first line is written at
// once, later ones at most once per interval, each telling how many were suppressed since the
// previous one. Used from the reporter's worker thread only (not thread-safe).
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace cairn::trace::internal {

class ReporterLog {
 public:
  using Clock = std::chrono::steady_clock;
  using Sink = std::function<void(std::string_view line)>;

  // `sink` receives each full line (without newline); default: stderr.
  explicit ReporterLog(Clock::duration interval = std::chrono::seconds(30), Sink sink = {});

  // Rate-limited warning. Returns true when the line was written.
  bool Warn(std::string_view message, Clock::time_point now = Clock::now());
  // Always written (rare events such as the summary on close).
  void Always(std::string_view message);

  std::uint64_t suppressed() const { return suppressed_; }

 private:
  void Write(std::string_view message, std::uint64_t suppressed);

  Clock::duration interval_;
  Sink sink_;
  bool wrote_any_ = false;
  Clock::time_point last_write_{};
  std::uint64_t suppressed_ = 0;
};

}  // namespace cairn::trace::internal
