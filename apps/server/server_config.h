// ServerConfig: everything cairn-server can be told, as validated, typed values.
//
// The config loader (config_loader.h) fills it from flags, environment, a YAML file and these
// defaults; the rest of the server only ever sees a finished ServerConfig, so no component parses
// text or reads the environment itself. Defaults follow Zipkin's (zipkin-server-shared.yml) where
// Zipkin has the setting; docs/server.md lists every key.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace cairn::server {

enum class StorageType { kMem, kRocksDb };

// Served as /zipkin/config.json (Zipkin's ZipkinUiProperties).
struct UiConfig {
  bool enabled = true;  // UI_ENABLED (defaults to QUERY_ENABLED)
  std::string environment;
  int query_limit = 10;
  std::int64_t default_lookback_ms = 900'000;
  bool search_enabled = true;  // ZIPKIN_UI_SEARCH_ENABLED (defaults to SEARCH_ENABLED)
  std::optional<std::string> logs_url;
  std::optional<std::string> support_url;
  std::optional<std::string> archive_post_url;
  std::optional<std::string> archive_url;
  bool dependency_enabled = true;
  double dependency_low_error_rate = 0.5;
  double dependency_high_error_rate = 0.75;
  std::string base_path = "/zipkin";
  // CAIRN_UI_DIR: the built UI (ui_assets.h). Empty: the placeholder page. The loader fills it
  // with FindUiAssetsDir() unless set.
  std::string assets_dir;
};

struct ServerConfig {
  // HTTP listener.
  std::string bind_address = "0.0.0.0";                // QUERY_BIND_ADDRESS
  std::uint16_t port = 9411;                           // QUERY_PORT
  std::size_t io_threads = 0;                          // CAIRN_IO_THREADS, 0: one per core
  std::uint64_t max_body_bytes = 10 * 1024 * 1024;     // CAIRN_MAX_BODY_BYTES
  std::chrono::milliseconds shutdown_timeout{10'000};  // CAIRN_SHUTDOWN_TIMEOUT

  // Storage.
  StorageType storage_type = StorageType::kRocksDb;             // STORAGE_TYPE
  std::string data_dir = "./cairn-data";                        // CAIRN_DATA_DIR
  std::chrono::milliseconds retention{7LL * 24 * 3600 * 1000};  // CAIRN_RETENTION, 0: forever
  std::size_t mem_max_spans = 500'000;                          // MEM_MAX_SPANS
  bool strict_trace_id = true;                                  // STRICT_TRACE_ID
  bool search_enabled = true;                                   // SEARCH_ENABLED
  std::vector<std::string> autocomplete_keys;                   // AUTOCOMPLETE_KEYS

  // Collector.
  bool collector_http_enabled = true;       // COLLECTOR_HTTP_ENABLED
  float sample_rate = 1.0f;                 // COLLECTOR_SAMPLE_RATE
  std::size_t write_queue_spans = 100'000;  // CAIRN_WRITE_QUEUE_SIZE (spans waiting for storage)
  std::size_t writer_threads = 2;           // CAIRN_WRITER_THREADS
  std::size_t max_spans_per_message = 100'000;  // CAIRN_MAX_SPANS_PER_MESSAGE

  // Query API.
  bool query_enabled = true;                         // QUERY_ENABLED
  std::int64_t query_lookback_ms = 86'400'000;       // QUERY_LOOKBACK
  std::chrono::milliseconds query_timeout{11'000};   // QUERY_TIMEOUT, 0: none
  int names_max_age_seconds = 300;                   // QUERY_NAMES_MAX_AGE
  std::vector<std::string> allowed_origins = {"*"};  // ZIPKIN_QUERY_ALLOWED_ORIGINS
  std::size_t query_threads = 4;                     // CAIRN_QUERY_THREADS

  UiConfig ui;

  std::string log_level = "info";  // CAIRN_LOG_LEVEL
};

}  // namespace cairn::server
