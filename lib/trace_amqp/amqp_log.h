// RateLimitedLog: the warnings of a publisher or consumer thread (connection lost, reconnect
// failed, messages dropped), one line each, rate limited so that a broker outage cannot flood the
// application's log: the first warning is written at once, later ones at most once per interval,
// each saying how many were suppressed since the previous line. Info lines (connected again,
// closed) are always written. Lines go to a sink (default: stderr). Used by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

namespace cairn::trace_amqp {

// Receives one complete line (no trailing newline). Called from the publisher's or consumer's own
// thread; must be thread-safe if shared between several of them.
using LogSink = std::function<void(std::string_view line)>;

class RateLimitedLog {
 public:
  using Clock = std::chrono::steady_clock;

  RateLimitedLog(std::string prefix, LogSink sink,
                 Clock::duration interval = std::chrono::seconds(30));

  // Returns true when the line was written.
  bool Warn(std::string_view message, Clock::time_point now = Clock::now());
  void Info(std::string_view message);

 private:
  void Write(std::string_view level, std::string_view message, std::uint64_t suppressed);

  std::string prefix_;
  LogSink sink_;
  Clock::duration interval_;
  bool wrote_warning_ = false;
  Clock::time_point last_warning_{};
  std::uint64_t suppressed_ = 0;
};

}  // namespace cairn::trace_amqp
