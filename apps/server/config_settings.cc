#include "apps/server/config_settings.h"

#include <array>
#include <limits>

#include "lib/config/values.h"

namespace cairn::server {
namespace {

using std::chrono::milliseconds;

constexpr std::int64_t kMaxInt = std::numeric_limits<int>::max();
constexpr std::int64_t kMaxLong = std::numeric_limits<std::int64_t>::max();

using config::Assign;
using config::AssignInteger;
using config::ParseBool;
using config::ParseByteSize;
using config::ParseDuration;
using config::ParseInteger;
using config::ParseList;
using config::ParseNumber;
using config::TrimWhitespace;

// Zipkin's UI URLs: empty means "not set" (config.json then says null).
Status AssignOptionalText(std::string_view v, std::optional<std::string>& field) {
  std::string_view trimmed = TrimWhitespace(v);
  if (trimmed.empty()) {
    field.reset();
  } else {
    field = std::string(trimmed);
  }
  return Status::Ok();
}

Status ApplyStorageType(std::string_view v, ServerConfig& c) {
  std::string_view type = TrimWhitespace(v);
  if (type == "mem") {
    c.storage_type = StorageType::kMem;
  } else if (type == "rocksdb") {
    c.storage_type = StorageType::kRocksDb;
  } else {
    return InvalidArgument("expected mem or rocksdb");
  }
  return Status::Ok();
}

Status ApplySampleRate(std::string_view v, ServerConfig& c) {
  // Zipkin: "rate should be between 0 and 1".
  Result<double> rate = ParseNumber(v, 0.0, 1.0);
  if (!rate.ok()) return InvalidArgument("rate should be between 0 and 1");
  c.sample_rate = static_cast<float>(*rate);
  return Status::Ok();
}

Status ApplyBindAddress(std::string_view v, ServerConfig& c) {
  return config::AssignNonEmpty(v, c.bind_address, "an IP address such as 0.0.0.0 or ::");
}

Status ApplyDataDir(std::string_view v, ServerConfig& c) {
  return config::AssignNonEmpty(v, c.data_dir, "a directory path");
}

Status ApplyAllowedOrigins(std::string_view v, ServerConfig& c) {
  std::vector<std::string> origins = ParseList(v);
  if (origins.empty()) return InvalidArgument("expected * or a comma-separated list of origins");
  c.allowed_origins = std::move(origins);
  return Status::Ok();
}

Status ApplyBasePath(std::string_view v, ServerConfig& c) {
  std::string path(TrimWhitespace(v));
  if (path.empty() || path.front() != '/')
    return InvalidArgument("expected a path starting with /");
  while (path.size() > 1 && path.back() == '/') path.pop_back();
  c.ui.base_path = std::move(path);
  return Status::Ok();
}

Status ApplyLogLevel(std::string_view v, ServerConfig& c) {
  static constexpr std::array<std::string_view, 7> kLevels = {"trace", "debug",    "info", "warn",
                                                              "error", "critical", "off"};
  std::string_view level = TrimWhitespace(v);
  for (std::string_view known : kLevels) {
    if (level == known) {
      c.log_level = std::string(level);
      return Status::Ok();
    }
  }
  return InvalidArgument("expected trace, debug, info, warn, error, critical or off");
}

constexpr Setting kSettings[] = {
    // server: the HTTP listener and process.
    {"QUERY_PORT", "query.port", "9411",
     "TCP port of the HTTP API, UI and collector (0 picks a free port)",
     [](std::string_view v, ServerConfig& c) { return AssignInteger(v, c.port, 0, 65535); }},
    {"QUERY_BIND_ADDRESS", "query.bind-address", "0.0.0.0",
     "IP address to listen on (cairn extension)", ApplyBindAddress},
    {"CAIRN_IO_THREADS", "server.io-threads", "0", "threads serving HTTP I/O; 0 means one per core",
     [](std::string_view v, ServerConfig& c) { return AssignInteger(v, c.io_threads, 0, 256); }},
    {"CAIRN_MAX_BODY_BYTES", "server.max-body-size", "10MB",
     "largest request body accepted (before gunzip); larger is answered 413",
     [](std::string_view v, ServerConfig& c) {
       return Assign(ParseByteSize(v, 1024, 1ULL << 30), c.max_body_bytes);
     }},
    {"CAIRN_SHUTDOWN_TIMEOUT", "server.shutdown-timeout", "10s",
     "on SIGTERM/SIGINT, how long in-flight requests and queued writes may take to finish",
     [](std::string_view v, ServerConfig& c) {
       return Assign(ParseDuration(v, milliseconds(1)), c.shutdown_timeout);
     }},
    {"CAIRN_LOG_LEVEL", "server.log-level", "info",
     "trace, debug, info, warn, error, critical or off", ApplyLogLevel},

    // storage
    {"STORAGE_TYPE", "storage.type", "rocksdb",
     "mem (in memory, lost on restart) or rocksdb (durable, in CAIRN_DATA_DIR)", ApplyStorageType},
    {"CAIRN_DATA_DIR", "storage.data-dir", "./cairn-data", "directory of the rocksdb store",
     ApplyDataDir},
    {"CAIRN_RETENTION", "storage.retention", "7d",
     "rocksdb: how long spans are kept (0 keeps them forever)",
     [](std::string_view v, ServerConfig& c) {
       return Assign(ParseDuration(v, milliseconds(1)), c.retention);
     }},
    {"MEM_MAX_SPANS", "storage.mem.max-spans", "500000",
     "mem: spans kept before the oldest traces are evicted",
     [](std::string_view v, ServerConfig& c) {
       return AssignInteger(v, c.mem_max_spans, 1, kMaxInt);
     }},
    {"STRICT_TRACE_ID", "storage.strict-trace-id", "true",
     "false groups 64-bit and 128-bit trace ids with the same lower half into one trace",
     [](std::string_view v, ServerConfig& c) { return Assign(ParseBool(v), c.strict_trace_id); }},
    {"SEARCH_ENABLED", "storage.search-enabled", "true",
     "false disables indexing and search (trace by id and dependencies still work)",
     [](std::string_view v, ServerConfig& c) { return Assign(ParseBool(v), c.search_enabled); }},
    {"AUTOCOMPLETE_KEYS", "storage.autocomplete-keys", "",
     "comma-separated tag keys whose values are indexed for /api/v2/autocompleteValues",
     [](std::string_view v, ServerConfig& c) {
       c.autocomplete_keys = ParseList(v);
       return Status::Ok();
     }},

    // collector
    {"COLLECTOR_HTTP_ENABLED", "collector.http.enabled", "true",
     "accept spans on POST /api/v1/spans and /api/v2/spans",
     [](std::string_view v, ServerConfig& c) {
       return Assign(ParseBool(v), c.collector_http_enabled);
     }},
    {"COLLECTOR_SAMPLE_RATE", "collector.sample-rate", "1.0",
     "fraction of traces stored, 0.0 to 1.0 (debug spans are always stored)", ApplySampleRate},
    {"CAIRN_WRITE_QUEUE_SIZE", "collector.write-queue-size", "100000",
     "spans accepted but not yet stored; past it POSTs are answered 503 with Retry-After",
     [](std::string_view v, ServerConfig& c) {
       return AssignInteger(v, c.write_queue_spans, 1, kMaxInt);
     }},
    {"CAIRN_WRITER_THREADS", "collector.writer-threads", "2", "threads writing spans to storage",
     [](std::string_view v, ServerConfig& c) { return AssignInteger(v, c.writer_threads, 1, 64); }},
    {"CAIRN_MAX_SPANS_PER_MESSAGE", "collector.max-spans-per-message", "100000",
     "spans in one POST body; more is answered 413",
     [](std::string_view v, ServerConfig& c) {
       return AssignInteger(v, c.max_spans_per_message, 1, kMaxInt);
     }},

    // query
    {"QUERY_ENABLED", "query.enabled", "true",
     "false answers 404 on the query API and the UI (the collector and /health stay up)",
     [](std::string_view v, ServerConfig& c) { return Assign(ParseBool(v), c.query_enabled); }},
    {"QUERY_LOOKBACK", "query.lookback", "86400000",
     "default lookback of /api/v2/traces and /api/v2/dependencies, in milliseconds",
     [](std::string_view v, ServerConfig& c) {
       return Assign(ParseInteger(v, 1, kMaxLong), c.query_lookback_ms);
     }},
    {"QUERY_TIMEOUT", "query.timeout", "11s",
     "longest a query may take before it is answered 500 (0 disables)",
     [](std::string_view v, ServerConfig& c) {
       return Assign(ParseDuration(v, milliseconds(1)), c.query_timeout);
     }},
    {"QUERY_NAMES_MAX_AGE", "query.names-max-age", "300",
     "Cache-Control max-age (seconds) of the name endpoints once more than 3 services exist",
     [](std::string_view v, ServerConfig& c) {
       return AssignInteger(v, c.names_max_age_seconds, 0, kMaxInt);
     }},
    {"ZIPKIN_QUERY_ALLOWED_ORIGINS", "query.allowed-origins", "*",
     "CORS: comma-separated origins allowed to call the API, or *", ApplyAllowedOrigins},
    {"CAIRN_QUERY_THREADS", "query.threads", "4", "threads running storage queries",
     [](std::string_view v, ServerConfig& c) { return AssignInteger(v, c.query_threads, 1, 256); }},

    // ui: /zipkin/config.json
    {"UI_ENABLED", "ui.enabled", "QUERY_ENABLED", "serve the UI under /zipkin/",
     [](std::string_view v, ServerConfig& c) { return Assign(ParseBool(v), c.ui.enabled); }},
    {"ZIPKIN_UI_ENVIRONMENT", "ui.environment", "", "label shown in the UI",
     [](std::string_view v, ServerConfig& c) {
       c.ui.environment = std::string(TrimWhitespace(v));
       return Status::Ok();
     }},
    {"ZIPKIN_UI_QUERY_LIMIT", "ui.query-limit", "10", "default limit of the UI's trace search",
     [](std::string_view v, ServerConfig& c) {
       return AssignInteger(v, c.ui.query_limit, 1, kMaxInt);
     }},
    {"ZIPKIN_UI_DEFAULT_LOOKBACK", "ui.default-lookback", "900000",
     "default lookback of the UI's trace search, in milliseconds",
     [](std::string_view v, ServerConfig& c) {
       return Assign(ParseInteger(v, 1, kMaxLong), c.ui.default_lookback_ms);
     }},
    {"ZIPKIN_UI_SEARCH_ENABLED", "ui.search-enabled", "SEARCH_ENABLED",
     "show the UI's search screen",
     [](std::string_view v, ServerConfig& c) { return Assign(ParseBool(v), c.ui.search_enabled); }},
    {"ZIPKIN_UI_LOGS_URL", "ui.logs-url", "", "logs link of a trace; {traceId} is replaced",
     [](std::string_view v, ServerConfig& c) { return AssignOptionalText(v, c.ui.logs_url); }},
    {"ZIPKIN_UI_SUPPORT_URL", "ui.support-url", "", "support link shown in the UI",
     [](std::string_view v, ServerConfig& c) { return AssignOptionalText(v, c.ui.support_url); }},
    {"ZIPKIN_UI_ARCHIVE_POST_URL", "ui.archive-post-url", "",
     "where the UI posts a trace to archive it",
     [](std::string_view v, ServerConfig& c) {
       return AssignOptionalText(v, c.ui.archive_post_url);
     }},
    {"ZIPKIN_UI_ARCHIVE_URL", "ui.archive-url", "", "where an archived trace is shown",
     [](std::string_view v, ServerConfig& c) { return AssignOptionalText(v, c.ui.archive_url); }},
    {"ZIPKIN_UI_DEPENDENCY_ENABLED", "ui.dependency.enabled", "true",
     "show the dependency graph screen",
     [](std::string_view v, ServerConfig& c) {
       return Assign(ParseBool(v), c.ui.dependency_enabled);
     }},
    {"ZIPKIN_UI_DEPENDENCY_LOW_ERROR_RATE", "ui.dependency.low-error-rate", "0.5",
     "error rate from which a dependency link is drawn yellow",
     [](std::string_view v, ServerConfig& c) {
       return Assign(ParseNumber(v, 0.0, 1.0), c.ui.dependency_low_error_rate);
     }},
    {"ZIPKIN_UI_DEPENDENCY_HIGH_ERROR_RATE", "ui.dependency.high-error-rate", "0.75",
     "error rate from which a dependency link is drawn red",
     [](std::string_view v, ServerConfig& c) {
       return Assign(ParseNumber(v, 0.0, 1.0), c.ui.dependency_high_error_rate);
     }},
    {"ZIPKIN_UI_BASEPATH", "ui.base-path", "/zipkin", "path the UI is served under", ApplyBasePath},
    {"CAIRN_UI_DIR", "ui.assets-dir", "(found next to the binary)",
     "directory of the built web UI (ui/, built by make build)",
     [](std::string_view v, ServerConfig& c) {
       c.ui.assets_dir = std::string(TrimWhitespace(v));
       return Status::Ok();
     }},
};

}  // namespace

std::span<const Setting> AllSettings() { return kSettings; }

}  // namespace cairn::server
