#include "lib/trace_amqp/amqp_log.h"

#include <cstdio>
#include <utility>

namespace cairn::trace_amqp {

RateLimitedLog::RateLimitedLog(std::string prefix, LogSink sink, Clock::duration interval)
    : prefix_(std::move(prefix)), sink_(std::move(sink)), interval_(interval) {}

bool RateLimitedLog::Warn(std::string_view message, Clock::time_point now) {
  if (wrote_warning_ && now - last_warning_ < interval_) {
    ++suppressed_;
    return false;
  }
  Write("warning", message, suppressed_);
  wrote_warning_ = true;
  last_warning_ = now;
  suppressed_ = 0;
  return true;
}

void RateLimitedLog::Info(std::string_view message) { Write("info", message, 0); }

void RateLimitedLog::Write(std::string_view level, std::string_view message,
                           std::uint64_t suppressed) {
  std::string line = prefix_;
  line.append(" ");
  line.append(level);
  line.append(": ");
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

}  // namespace cairn::trace_amqp
