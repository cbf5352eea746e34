// The table of cairn-edge's process settings (lib/config layering). Routes and services are key
// families here only so the file loader accepts them; config_routes.cc parses them in file order.
#include "apps/edge/config_settings.h"

#include "lib/config/values.h"

namespace cairn::edge {
namespace {

using config::AssignInteger;
using Cfg = EdgeConfig;

Status AssignBool(std::string_view v, bool& field) {
  return config::Assign(config::ParseBool(v), field);
}

Status AssignDuration(std::string_view v, milliseconds& field) {
  return config::Assign(config::ParseDuration(v, milliseconds(1)), field);
}

Status AssignPositiveDuration(std::string_view v, milliseconds& field) {
  CAIRN_RETURN_IF_ERROR(AssignDuration(v, field));
  if (field.count() <= 0) return InvalidArgument("expected a duration above 0, such as 10s");
  return Status::Ok();
}

Status AssignPath(std::string_view v, std::string& field) {
  std::string_view text = config::TrimWhitespace(v);
  if (text.empty() || text.front() != '/')
    return InvalidArgument("expected a path starting with '/'");
  field = std::string(text);
  return Status::Ok();
}

Status AssignPrefix(std::string_view v, std::string& field) {
  std::string_view text = config::TrimWhitespace(v);
  while (!text.empty() && text.back() == '/') text.remove_suffix(1);
  if (!text.empty() && text.front() != '/') {
    return InvalidArgument("expected empty or a path starting with '/', such as /api");
  }
  if (text.find_first_of("*?{}") != std::string_view::npos) {
    return InvalidArgument("the prefix must be a literal path, without wildcards");
  }
  field = std::string(text);
  return Status::Ok();
}

Status AcceptStructured(std::string_view, std::string_view, Cfg&) { return Status::Ok(); }

constexpr config::Setting<Cfg> kSettings[] = {
    {"EDGE_HTTPS_ENABLED", "https.enabled", "true", "Serve HTTPS",
     [](std::string_view v, Cfg& c) { return AssignBool(v, c.https.enabled); }},
    {"EDGE_HTTPS_ADDRESS", "https.address", "0.0.0.0", "Address of the HTTPS listener",
     [](std::string_view v, Cfg& c) {
       return config::AssignNonEmpty(v, c.https.address, "expected an IP address");
     }},
    {"EDGE_HTTPS_PORT", "https.port", "8765", "Port of the HTTPS listener (0: any free port)",
     [](std::string_view v, Cfg& c) { return AssignInteger(v, c.https.port, 0, 65535); }},
    {"EDGE_TLS_CERT_FILE", "tls.cert-file", "", "PEM certificate (chain) for HTTPS",
     [](std::string_view v, Cfg& c) {
       return config::AssignNonEmpty(v, c.cert_file, "expected a file path");
     }},
    {"EDGE_TLS_KEY_FILE", "tls.key-file", "", "PEM private key for HTTPS",
     [](std::string_view v, Cfg& c) {
       return config::AssignNonEmpty(v, c.key_file, "expected a file path");
     }},
    {"EDGE_HTTP_ENABLED", "http.enabled", "false", "Also serve plain HTTP",
     [](std::string_view v, Cfg& c) { return AssignBool(v, c.http.enabled); }},
    {"EDGE_HTTP_ADDRESS", "http.address", "127.0.0.1", "Address of the plain HTTP listener",
     [](std::string_view v, Cfg& c) {
       return config::AssignNonEmpty(v, c.http.address, "expected an IP address");
     }},
    {"EDGE_HTTP_PORT", "http.port", "8080", "Port of the plain HTTP listener (0: any free port)",
     [](std::string_view v, Cfg& c) { return AssignInteger(v, c.http.port, 0, 65535); }},
    {"EDGE_WORKERS", "workers", "0", "I/O worker threads (0: one per core)",
     [](std::string_view v, Cfg& c) { return AssignInteger(v, c.workers, 0, 256); }},
    {"EDGE_MAX_CONNECTIONS", "limits.max-connections", "10000",
     "Open client connections; more are answered 503 and closed",
     [](std::string_view v, Cfg& c) {
       return AssignInteger(v, c.limits.max_connections, 1, 1'000'000);
     }},
    {"EDGE_MAX_HEADER_BYTES", "limits.max-header-bytes", "16KB",
     "Request line + headers; more is answered 431",
     [](std::string_view v, Cfg& c) {
       std::uint64_t n = 0;
       CAIRN_RETURN_IF_ERROR(config::Assign(config::ParseByteSize(v, 1024, 1 << 20), n));
       c.limits.max_header_bytes = n;
       return Status::Ok();
     }},
    {"EDGE_MAX_HEADERS", "limits.max-headers", "100", "Header fields per request; more: 431",
     [](std::string_view v, Cfg& c) { return AssignInteger(v, c.limits.max_headers, 1, 10'000); }},
    {"EDGE_MAX_BODY_BYTES", "limits.max-body-bytes", "8MB", "Request body; more is answered 413",
     [](std::string_view v, Cfg& c) {
       return config::Assign(config::ParseByteSize(v, 0, 1ULL << 32), c.limits.max_body_bytes);
     }},
    {"EDGE_HEADER_TIMEOUT", "limits.header-timeout", "10s",
     "Time to receive a request header (slowloris)",
     [](std::string_view v, Cfg& c) { return AssignPositiveDuration(v, c.limits.header_timeout); }},
    {"EDGE_BODY_TIMEOUT", "limits.body-timeout", "30s", "Time to receive a request body",
     [](std::string_view v, Cfg& c) { return AssignPositiveDuration(v, c.limits.body_timeout); }},
    {"EDGE_IDLE_TIMEOUT", "limits.idle-timeout", "60s", "Idle keep-alive client connections",
     [](std::string_view v, Cfg& c) { return AssignPositiveDuration(v, c.limits.idle_timeout); }},
    {"EDGE_WRITE_TIMEOUT", "limits.write-timeout", "30s", "Time to write a response part",
     [](std::string_view v, Cfg& c) { return AssignPositiveDuration(v, c.limits.write_timeout); }},
    {"EDGE_DRAIN_TIMEOUT", "limits.drain-timeout", "15s",
     "On SIGTERM, how long requests in flight may finish",
     [](std::string_view v, Cfg& c) { return AssignDuration(v, c.limits.drain_timeout); }},
    {"EDGE_SERVICE_NAME", "tracing.service-name", "edge-server", "Service name in spans",
     [](std::string_view v, Cfg& c) {
       return config::AssignNonEmpty(v, c.tracing.service_name, "expected a service name");
     }},
    {"EDGE_ZIPKIN_URL", "tracing.zipkin-url", "",
     "Zipkin v2 collector URL, e.g. http://127.0.0.1:9411/api/v2/spans (empty: no reporting)",
     [](std::string_view v, Cfg& c) {
       c.tracing.zipkin_url = std::string(config::TrimWhitespace(v));
       return Status::Ok();
     }},
    {"EDGE_SAMPLE_RATE", "tracing.sample-rate", "1.0",
     "Share of new traces recorded, 0 to 1 (callers' decisions are kept)",
     [](std::string_view v, Cfg& c) {
       return config::Assign(config::ParseNumber(v, 0.0, 1.0), c.tracing.sample_rate);
     }},
    {"EDGE_ACCESS_LOG", "access-log", "-", "Access log file; '-' for stdout, empty for none",
     [](std::string_view v, Cfg& c) {
       c.access_log = std::string(config::TrimWhitespace(v));
       return Status::Ok();
     }},
    {"EDGE_HEALTH_PATH", "admin.health-path", "/health", "Path answered with the edge's health",
     [](std::string_view v, Cfg& c) { return AssignPath(v, c.health_path); }},
    {"EDGE_METRICS_PATH", "admin.metrics-path", "/metrics", "Path answered with Prometheus metrics",
     [](std::string_view v, Cfg& c) { return AssignPath(v, c.metrics_path); }},
    {"EDGE_LOG_LEVEL", "log-level", "info", "trace, debug, info, warn, error, critical or off",
     [](std::string_view v, Cfg& c) {
       std::string_view level = config::TrimWhitespace(v);
       for (std::string_view ok : {"trace", "debug", "info", "warn", "error", "critical", "off"}) {
         if (level == ok) {
           c.log_level = std::string(level);
           return Status::Ok();
         }
       }
       return InvalidArgument("expected trace, debug, info, warn, error, critical or off");
     }},
    {"EDGE_UPSTREAM_MAX_IDLE", "upstream.max-idle-per-host", "64",
     "Idle keep-alive connections kept per upstream host and worker",
     [](std::string_view v, Cfg& c) { return AssignInteger(v, c.upstream_max_idle, 0, 100'000); }},
    {"EDGE_UPSTREAM_IDLE_TIMEOUT", "upstream.idle-timeout", "30s",
     "How long an idle upstream connection is kept",
     [](std::string_view v, Cfg& c) { return AssignPositiveDuration(v, c.upstream_idle_timeout); }},
    {"EDGE_PREFIX", "prefix", "", "Global route prefix, e.g. /api (Zuul's zuul.prefix)",
     [](std::string_view v, Cfg& c) { return AssignPrefix(v, c.prefix); }},
    {"EDGE_STRIP_PREFIX", "strip-prefix", "true",
     "Remove the global prefix before forwarding (Zuul's zuul.stripPrefix)",
     [](std::string_view v, Cfg& c) { return AssignBool(v, c.strip_prefix); }},
};

constexpr config::KeyFamily<Cfg> kFamilies[] = {
    {"routes.", "", "<id>.<key>", "Routes, in file order (config file only; see docs/edge.md)",
     &AcceptStructured},
    {"services.", "", "<name>.<key>", "Upstream services (config file only; see docs/edge.md)",
     &AcceptStructured},
};

}  // namespace

std::span<const config::Setting<EdgeConfig>> EdgeSettings() { return kSettings; }
std::span<const config::KeyFamily<EdgeConfig>> EdgeKeyFamilies() { return kFamilies; }

}  // namespace cairn::edge
