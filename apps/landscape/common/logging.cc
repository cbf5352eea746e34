#include "apps/landscape/common/logging.h"

#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "cairn/trace/current_span.h"
#include "lib/model/json_escape.h"

namespace cairn::landscape {
namespace {

constexpr std::array<std::string_view, 7> kLevels = {"trace", "debug",    "info", "warn",
                                                     "error", "critical", "off"};

// "2024-05-01T12:00:00.123Z"
void AppendUtcTime(spdlog::log_clock::time_point time, std::string& out) {
  const auto since_epoch = time.time_since_epoch();
  const auto seconds = std::chrono::duration_cast<std::chrono::seconds>(since_epoch);
  const auto millis =
      std::chrono::duration_cast<std::chrono::milliseconds>(since_epoch - seconds).count();
  const std::time_t t = static_cast<std::time_t>(seconds.count());
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  const int n = std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                              tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
                              tm.tm_sec, static_cast<int>(millis));
  out.append(buf, static_cast<std::size_t>(n));
}

std::string_view LevelName(spdlog::level::level_enum level) {
  const auto& name = spdlog::level::to_string_view(level);
  return std::string_view(name.data(), name.size());
}

class TraceLogFormatter final : public spdlog::formatter {
 public:
  TraceLogFormatter(LogFormat format, std::string service)
      : format_(format), service_(std::move(service)) {}

  void format(const spdlog::details::log_msg& msg, spdlog::memory_buf_t& dest) override {
    std::string line;
    line.reserve(160 + msg.payload.size());
    const trace::TraceContext* context = trace::CurrentContext();
    std::string trace_id;
    std::string span_id;
    if (context != nullptr && context->IsValid()) {
      trace_id = context->trace_id.ToHex();
      span_id = trace::Hex64(context->span_id);
    }
    const std::string_view payload(msg.payload.data(), msg.payload.size());
    if (format_ == LogFormat::kJson) {
      line += "{\"time\":\"";
      AppendUtcTime(msg.time, line);
      line += "\",\"level\":";
      model::AppendJsonString(LevelName(msg.level), line);
      line += ",\"service\":";
      model::AppendJsonString(service_, line);
      if (!trace_id.empty()) {
        line += ",\"traceId\":\"" + trace_id + "\",\"spanId\":\"" + span_id + "\"";
      }
      line += ",\"msg\":";
      model::AppendJsonString(payload, line);
      line += "}\n";
    } else {
      AppendUtcTime(msg.time, line);
      line += ' ';
      std::string level(LevelName(msg.level));
      for (char& c : level) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
      level.resize(std::max<std::size_t>(level.size(), 5), ' ');
      line += level;
      line += " [" + service_ + "," + trace_id + "," + span_id + "] ";
      line += payload;
      line += '\n';
    }
    dest.append(line.data(), line.data() + line.size());
  }

  std::unique_ptr<spdlog::formatter> clone() const override {
    return std::make_unique<TraceLogFormatter>(format_, service_);
  }

 private:
  const LogFormat format_;
  const std::string service_;
};

}  // namespace

Result<LogFormat> ParseLogFormat(std::string_view text) {
  if (text == "text") return LogFormat::kText;
  if (text == "json") return LogFormat::kJson;
  return InvalidArgument("expected text or json");
}

Status ValidateLogLevel(std::string_view text) {
  for (std::string_view level : kLevels) {
    if (text == level) return Status::Ok();
  }
  return InvalidArgument("expected one of trace, debug, info, warn, error, critical, off");
}

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format, std::string service) {
  return std::make_unique<TraceLogFormatter>(format, std::move(service));
}

void SetUpLogging(std::string_view service, LogFormat format, std::string_view level) {
  auto logger = std::make_shared<spdlog::logger>(std::string(service),
                                                 std::make_shared<spdlog::sinks::stdout_sink_mt>());
  logger->set_formatter(MakeLogFormatter(format, std::string(service)));
  logger->set_level(spdlog::level::from_str(std::string(level)));
  logger->flush_on(spdlog::level::info);
  spdlog::set_default_logger(std::move(logger));
}

}  // namespace cairn::landscape
