// Configuration every landscape process shares, and its rows for a lib/config settings table.
//
// Keys follow the original's flat viper keys (`server_port`, `zipkin_server_url`), so the YAML
// file is flat, the environment variable is the key upper-cased (SERVER_PORT) and the flag is
// --<key> (--server_port). A service's own config struct derives from ServiceConfig and appends
// its own rows to CommonSettings<ItsConfig>():
//
//   struct QuotesConfig : landscape::ServiceConfig { ... };
//   static const auto kSettings = [] {
//     auto rows = landscape::CommonSettings<QuotesConfig>({.server_port = "8080"});
//     rows.push_back({"QUOTES_LANGUAGE", "default_language", "en", "...", &ApplyLanguage});
//     return rows;
//   }();
//
// A bad value stops start-up with a message naming the key, its source and the value (loader.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "apps/landscape/common/logging.h"
#include "lib/base/status.h"
#include "lib/config/settings.h"

namespace cairn::landscape {

struct ServiceConfig {
  // Address to listen on: an IP literal or "localhost".
  std::string bind_address = "0.0.0.0";
  std::uint16_t server_port = 0;
  // IPv4 address this instance reports (servedBy, tracer endpoint); empty: detected.
  std::string service_ip;
  // Where spans go (from `zipkin_server_url`, see ZipkinSpansUrl); empty: not reported.
  std::string zipkin_spans_url = "http://127.0.0.1:9411/api/v2/spans";
  double trace_sample_rate = 1.0;
  std::size_t io_threads = 2;
  std::size_t blocking_threads = 2;
  std::size_t blocking_queue = 256;
  std::uint64_t max_body_bytes = 1024 * 1024;
  std::chrono::milliseconds shutdown_timeout{5000};
  std::string log_level = "info";
  LogFormat log_format = LogFormat::kText;
};

// Parsers for the shared rows (each returns what was expected; the loader adds key and value).
Status ApplyBindAddress(std::string_view text, ServiceConfig& config);
Status ApplyServerPort(std::string_view text, ServiceConfig& config);
Status ApplyServiceIp(std::string_view text, ServiceConfig& config);
// An http:// URL (base or full spans URL), or "" / "off" to disable reporting.
Status ApplyZipkinServerUrl(std::string_view text, ServiceConfig& config);
Status ApplyTraceSampleRate(std::string_view text, ServiceConfig& config);
Status ApplyIoThreads(std::string_view text, ServiceConfig& config);
Status ApplyBlockingThreads(std::string_view text, ServiceConfig& config);
Status ApplyBlockingQueue(std::string_view text, ServiceConfig& config);
Status ApplyMaxBodyBytes(std::string_view text, ServiceConfig& config);
Status ApplyShutdownTimeout(std::string_view text, ServiceConfig& config);
Status ApplyLogLevel(std::string_view text, ServiceConfig& config);
Status ApplyLogFormat(std::string_view text, ServiceConfig& config);

// An absolute http:// URL of another service (`quotes_service_url`...), stored trimmed.
Status AssignServiceUrl(std::string_view text, std::string& field);

// Defaults shown in --help for the rows whose default differs per service. The views must refer
// to string literals (the table keeps them).
struct CommonDefaults {
  std::string_view server_port = "0";
  std::string_view max_body_bytes = "1MB";
};

// The shared rows for a config struct C derived from ServiceConfig.
template <typename C>
std::vector<config::Setting<C>> CommonSettings(CommonDefaults defaults) {
  // Each row forwards to the ServiceConfig parser of the same key.
#define CAIRN_LANDSCAPE_ROW(env, key, default_text, help, fn)                       \
  config::Setting<C> {                                                              \
    env, key, default_text, help, [](std::string_view v, C& c) { return fn(v, c); } \
  }
  return {
      CAIRN_LANDSCAPE_ROW("SERVER_PORT", "server_port", defaults.server_port,
                          "TCP port to listen on (0: any free port)", ApplyServerPort),
      CAIRN_LANDSCAPE_ROW("BIND_ADDRESS", "bind_address", "0.0.0.0",
                          "Address to listen on (IP literal or localhost)", ApplyBindAddress),
      CAIRN_LANDSCAPE_ROW("SERVICE_IP", "service_ip", "detected",
                          "IPv4 address this instance reports as servedBy and in spans",
                          ApplyServiceIp),
      CAIRN_LANDSCAPE_ROW("ZIPKIN_SERVER_URL", "zipkin_server_url", "http://127.0.0.1:9411",
                          "Trace server (spans go to <url>/api/v2/spans unless the URL has a "
                          "path); \"off\" disables reporting",
                          ApplyZipkinServerUrl),
      CAIRN_LANDSCAPE_ROW("TRACE_SAMPLE_RATE", "trace_sample_rate", "1.0",
                          "Fraction of new traces recorded (0..1)", ApplyTraceSampleRate),
      CAIRN_LANDSCAPE_ROW("IO_THREADS", "io_threads", "2", "Threads serving HTTP", ApplyIoThreads),
      CAIRN_LANDSCAPE_ROW("BLOCKING_THREADS", "blocking_threads", "2",
                          "Threads for blocking or CPU-heavy work", ApplyBlockingThreads),
      CAIRN_LANDSCAPE_ROW("BLOCKING_QUEUE", "blocking_queue", "256",
                          "Blocking tasks queued or running before requests get 503",
                          ApplyBlockingQueue),
      CAIRN_LANDSCAPE_ROW("MAX_BODY_BYTES", "max_body_bytes", defaults.max_body_bytes,
                          "Largest request body accepted (larger: 413)", ApplyMaxBodyBytes),
      CAIRN_LANDSCAPE_ROW("SHUTDOWN_TIMEOUT", "shutdown_timeout", "5s",
                          "How long requests in flight may finish after SIGTERM",
                          ApplyShutdownTimeout),
      CAIRN_LANDSCAPE_ROW("LOG_LEVEL", "log_level", "info",
                          "trace, debug, info, warn, error, critical or off", ApplyLogLevel),
      CAIRN_LANDSCAPE_ROW("LOG_FORMAT", "log_format", "text", "text or json", ApplyLogFormat),
  };
#undef CAIRN_LANDSCAPE_ROW
}

}  // namespace cairn::landscape
