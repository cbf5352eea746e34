// Structured logs for landscape processes (spdlog), correlated with traces: every line carries the
// trace and span id of the span current on the logging thread (trace::CurrentContext), so a log
// line can be found from a trace in cairn's UI and the other way round.
//
//   text: 2024-05-01T12:00:00.123Z INFO
//   [quotes-service,463ac35c9f6413ad48485a3953bb6124,a2fb4a1d1a96d312] message json:
//   {"time":"2024-05-01T12:00:00.123Z","level":"info","service":"quotes-service",
//          "traceId":"463ac35c9f6413ad48485a3953bb6124","spanId":"a2fb4a1d1a96d312","msg":"message"}
//
// The text form is Spring Cloud Sleuth's "[app,traceId,spanId]" (ids empty outside a span); the
// JSON form omits the ids outside a span. Loggers are synchronous, so the current span is the one
// of the code that logs. Times are UTC.
#pragma once

#include <spdlog/formatter.h>

#include <memory>
#include <string>
#include <string_view>

#include "lib/base/status.h"

namespace cairn::landscape {

enum class LogFormat { kText, kJson };

// "text" or "json"; InvalidArgument otherwise.
Result<LogFormat> ParseLogFormat(std::string_view text);
// trace, debug, info, warn, error, critical, off; InvalidArgument otherwise.
Status ValidateLogLevel(std::string_view text);

std::unique_ptr<spdlog::formatter> MakeLogFormatter(LogFormat format, std::string service);

// Makes a stdout logger named after the service with this format and level the default spdlog
// logger (flushed at info and above). `level` must have passed ValidateLogLevel.
void SetUpLogging(std::string_view service, LogFormat format, std::string_view level);

}  // namespace cairn::landscape
