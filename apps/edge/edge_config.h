// EdgeConfig: everything cairn-edge runs with, as loaded and validated from YAML, environment and
// flags (config_loader.h). Plain data; the route table and services are built from it
// (route_table.h, service.h). docs/edge.md describes every key.
#pragma once

#include <boost/asio/ip/tcp.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cairn::edge {

using std::chrono::milliseconds;

enum class LbPolicy { kRoundRobin, kLeastRequest };

struct ListenerConfig {
  bool enabled = false;
  std::string address = "0.0.0.0";
  std::uint16_t port = 0;  // 0: an ephemeral port (tests)
};

struct LimitsConfig {
  std::size_t max_connections = 10'000;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_headers = 100;
  std::uint64_t max_body_bytes = 8 * 1024 * 1024;
  milliseconds header_timeout{10'000};
  milliseconds body_timeout{30'000};
  milliseconds idle_timeout{60'000};
  milliseconds write_timeout{30'000};
  milliseconds drain_timeout{15'000};
};

struct TracingConfig {
  std::string service_name = "edge-server";
  // Zipkin v2 collector, e.g. http://127.0.0.1:9411/api/v2/spans; empty: spans are not sent.
  std::string zipkin_url;
  double sample_rate = 1.0;
};

struct UpstreamHost {
  std::string url;   // as configured
  std::string host;  // name or address
  std::uint16_t port = 80;
  std::string host_header;                  // "host:port" for the Host header
  boost::asio::ip::tcp::endpoint endpoint;  // resolved at load
  std::string address;                      // endpoint as "ip:port", for logs, tags and metrics
  std::string ip;                           // endpoint address alone, for span endpoints
};

struct CircuitBreakerConfig {
  std::size_t max_connections = 1024;
  std::size_t max_pending_requests = 1024;
  std::size_t max_requests = 1024;
};

struct OutlierConfig {
  bool enabled = true;
  int consecutive_failures = 5;  // connect failures and 5xx in a row
  milliseconds ejection_time{30'000};
  int max_ejection_percent = 50;
};

struct HealthCheckConfig {
  bool enabled = false;
  std::string path = "/health";
  milliseconds interval{5'000};
  milliseconds timeout{1'000};
  int unhealthy_threshold = 3;
  int healthy_threshold = 2;
};

struct ServiceConfig {
  std::string name;
  std::vector<UpstreamHost> hosts;
  std::string base_path;  // path of the instance URLs ("" or "/accounts"), without a trailing '/'
  LbPolicy lb = LbPolicy::kRoundRobin;
  milliseconds connect_timeout{2'000};
  CircuitBreakerConfig circuit_breaker;
  OutlierConfig outlier;
  HealthCheckConfig health_check;
};

struct RetryConfig {
  int retries = 1;  // further attempts after the first; idempotent requests only
  bool on_connect_failure = true;
  bool on_reset = true;
  std::vector<unsigned> on_statuses{503};
  milliseconds per_try_timeout{0};  // 0: the route's response timeout
  milliseconds backoff_base{25};
  milliseconds backoff_max{250};
};

struct RouteConfig {
  std::string id;
  std::string path;     // as configured, without the global prefix
  std::string pattern;  // global prefix + path: what requests are matched against
  std::string service;  // name of a ServiceConfig
  bool strip_prefix = true;
  milliseconds response_timeout{10'000};
  RetryConfig retry;
  std::vector<std::string> sensitive_headers{"Cookie", "Set-Cookie", "Authorization"};
  bool preserve_host = false;
  std::vector<std::string> methods;  // empty: any method
};

struct EdgeConfig {
  std::string config_file;  // where it was loaded from ("" for defaults only)
  ListenerConfig https{true, "0.0.0.0", 8765};
  ListenerConfig http{false, "127.0.0.1", 8080};
  std::string cert_file;
  std::string key_file;
  std::size_t workers = 0;  // 0: one per core
  LimitsConfig limits;
  TracingConfig tracing;
  std::string access_log = "-";  // file path, "-" for stdout, "" for none
  std::string health_path = "/health";
  std::string metrics_path = "/metrics";
  std::string log_level = "info";
  std::size_t upstream_max_idle = 64;  // per upstream host and worker
  milliseconds upstream_idle_timeout{30'000};
  std::string prefix;  // global route prefix, e.g. "/api"
  bool strip_prefix = true;
  std::vector<ServiceConfig> services;
  std::vector<RouteConfig> routes;
};

}  // namespace cairn::edge
