#include "apps/server/ops.h"

#include <cstdio>
#include <cstdlib>

#include "apps/server/query_runner.h"
#include "apps/server/version.h"
#include "lib/model/json_escape.h"
#include "lib/net/request_context.h"

namespace cairn::server {
namespace {

namespace http = net::http;

constexpr std::string_view kActuatorJson = "application/vnd.spring-boot.actuator.v2+json";
constexpr std::string_view kJsonUtf8 = "application/json; charset=utf-8";
constexpr std::string_view kPrometheusType = "text/plain; version=0.0.4; charset=utf-8";

// Jackson writes a double as its shortest form with at least one fractional digit.
std::string JavaDouble(double value) {
  char buf[64];
  std::string text;
  // The shortest representation that reads back as the same value.
  for (int precision = 1; precision <= 17; ++precision) {
    const int n = std::snprintf(buf, sizeof(buf), "%.*g", precision, value);
    text.assign(buf, static_cast<std::size_t>(n));
    if (std::strtod(buf, nullptr) == value) break;
  }
  if (text.find_first_of(".eEn") == std::string::npos) text += ".0";
  return text;
}

std::string PromLabel(std::string_view value) {
  std::string out;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out += "\\n";
    } else {
      out.push_back(c);
    }
  }
  return out;
}

class PromWriter {
 public:
  void Family(std::string_view name, std::string_view type, std::string_view help) {
    out_ += "# HELP ";
    out_ += name;
    out_ += ' ';
    out_ += help;
    out_ += "\n# TYPE ";
    out_ += name;
    out_ += ' ';
    out_ += type;
    out_ += '\n';
  }
  void Sample(std::string_view name, std::string_view labels, double value) {
    out_ += name;
    if (!labels.empty()) {
      out_ += '{';
      out_ += labels;
      out_ += '}';
    }
    out_ += ' ';
    out_ += JavaDouble(value);
    out_ += '\n';
  }
  void Single(std::string_view name, std::string_view type, std::string_view help, double value) {
    Family(name, type, help);
    Sample(name, {}, value);
  }
  std::string Take() { return std::move(out_); }

 private:
  std::string out_;
};

net::Response Health(std::string_view content_type, bool up, std::string body) {
  return net::MakeResponse(up ? http::status::ok : http::status::service_unavailable,
                           std::move(body), content_type);
}

net::asio::awaitable<net::Response> HandleHealth(const OpsSources& sources,
                                                 std::string_view content_type) {
  auto task = [store = sources.store] { return store->Check(); };
  Status status = co_await RunQuery(*sources.pool, sources.health_timeout, std::move(task));
  if (status.code() == StatusCode::kDeadlineExceeded) {
    co_return Health(content_type, false, HealthTimeoutJson());
  }
  co_return Health(content_type, status.ok(),
                   HealthJson(status.ok(), sources.store->Describe(), status.message()));
}

}  // namespace

std::string HealthJson(bool up, std::string_view component, std::string_view error) {
  const std::string_view status = up ? "UP" : "DOWN";
  std::string out = "{\"status\":\"";
  out += status;
  out += "\",\"zipkin\":{\"status\":\"";
  out += status;
  out += "\",\"details\":{";
  model::AppendJsonString(component, out);
  out += ":{\"status\":\"";
  out += status;
  out += '"';
  if (!up) {
    out += ",\"details\":{\"error\":";
    model::AppendJsonString(error, out);
    out += '}';
  }
  out += "}}}}";
  return out;
}

std::string HealthTimeoutJson() {
  return "{\"status\":\"DOWN\",\"zipkin\":{\"status\":\"DOWN\",\"details\":{\"error\":"
         "\"Timed out computing health status. This often means your storage backend is "
         "unreachable.\"}}}";
}

std::string InfoJson() {
  std::string out = "{\"zipkin\":{\"version\":";
  model::AppendJsonString(kVersion, out);
  out += ",\"commit\":";
  model::AppendJsonString(kCommit, out);
  out += "}}";
  return out;
}

std::string MetricsJson(std::span<const CollectorMetrics* const> collectors) {
  std::string out = "{";
  bool first = true;
  auto put = [&](std::string_view kind, std::string_view metric, const std::string& transport,
                 std::uint64_t value) {
    if (!first) out += ',';
    first = false;
    model::AppendJsonString(
        std::string(kind) + ".zipkin_collector." + std::string(metric) + "." + transport, out);
    out += ':';
    out += JavaDouble(static_cast<double>(value));
  };
  for (const CollectorMetrics* collector : collectors) {
    const CollectorMetrics::Snapshot s = collector->Read();
    const std::string& t = collector->transport();
    put("counter", "messages", t, s.messages);
    put("counter", "messages_dropped", t, s.messages_dropped);
    put("counter", "bytes", t, s.bytes);
    put("counter", "spans", t, s.spans);
    put("counter", "spans_dropped", t, s.spans_dropped);
    put("gauge", "message_spans", t, s.message_spans);
    put("gauge", "message_bytes", t, s.message_bytes);
  }
  out += '}';
  return out;
}

std::string PrometheusText(const OpsSources& sources) {
  PromWriter w;
  struct CollectorFamily {
    std::string_view name;
    std::string_view type;
    std::string_view help;
    std::uint64_t CollectorMetrics::Snapshot::*field;
  };
  static constexpr CollectorFamily kFamilies[] = {
      {"zipkin_collector_messages_total", "counter", "Messages received by the collector",
       &CollectorMetrics::Snapshot::messages},
      {"zipkin_collector_messages_dropped_total", "counter",
       "Messages that could not be decoded or stored",
       &CollectorMetrics::Snapshot::messages_dropped},
      {"zipkin_collector_bytes_total", "counter", "Bytes of messages received, after gunzip",
       &CollectorMetrics::Snapshot::bytes},
      {"zipkin_collector_spans_total", "counter", "Spans decoded from messages",
       &CollectorMetrics::Snapshot::spans},
      {"zipkin_collector_spans_dropped_total", "counter",
       "Spans not stored: sampled out, queue full or storage error",
       &CollectorMetrics::Snapshot::spans_dropped},
      {"zipkin_collector_message_spans", "gauge", "Spans in the last message",
       &CollectorMetrics::Snapshot::message_spans},
      {"zipkin_collector_message_bytes", "gauge", "Bytes of the last message",
       &CollectorMetrics::Snapshot::message_bytes},
  };
  for (const CollectorFamily& family : kFamilies) {
    w.Family(family.name, family.type, family.help);
    for (const CollectorMetrics* collector : sources.collectors) {
      const CollectorMetrics::Snapshot s = collector->Read();
      w.Sample(family.name, "transport=\"" + PromLabel(collector->transport()) + "\"",
               static_cast<double>(s.*family.field));
    }
  }

  if (sources.requests != nullptr) {
    const auto timings = sources.requests->Read();
    auto labels = [](const HttpRequestMetrics::Key& key) {
      return "method=\"" + PromLabel(key.method) + "\",status=\"" + std::to_string(key.status) +
             "\",uri=\"" + PromLabel(key.uri) + "\"";
    };
    w.Family("http_server_requests_seconds", "summary", "HTTP requests served, by templated uri");
    for (const auto& [key, timing] : timings) {
      w.Sample("http_server_requests_seconds_count", labels(key),
               static_cast<double>(timing.count));
      w.Sample("http_server_requests_seconds_sum", labels(key), timing.sum_seconds);
    }
    w.Family("http_server_requests_seconds_max", "gauge", "Longest HTTP request, by uri");
    for (const auto& [key, timing] : timings) {
      w.Sample("http_server_requests_seconds_max", labels(key), timing.max_seconds);
    }
  }

  if (sources.write_queue) {
    const WriteQueueStats q = sources.write_queue();
    w.Single("cairn_write_queue_spans", "gauge", "Spans waiting to be stored",
             static_cast<double>(q.queued_spans));
    w.Single("cairn_write_queue_batches", "gauge", "Messages waiting to be stored",
             static_cast<double>(q.queued_batches));
    w.Single("cairn_write_queue_capacity_spans", "gauge", "Spans the write queue may hold",
             static_cast<double>(sources.write_queue_capacity));
    w.Single("cairn_write_queue_rejected_total", "counter",
             "Messages refused with 503 because the write queue was full",
             static_cast<double>(q.rejected_batches));
    w.Single("cairn_storage_commits_total", "counter", "Successful storage writes (group commits)",
             static_cast<double>(q.commits));
    w.Single("cairn_storage_committed_messages_total", "counter", "Messages stored",
             static_cast<double>(q.committed_batches));
    w.Single("cairn_storage_committed_spans_total", "counter", "Spans stored",
             static_cast<double>(q.committed_spans));
    w.Single("cairn_storage_failed_messages_total", "counter",
             "Messages the store refused (answered 500)", static_cast<double>(q.failed_batches));
  }
  if (sources.pool != nullptr) {
    w.Single("cairn_query_pool_pending", "gauge", "Storage reads queued or running",
             static_cast<double>(sources.pool->pending()));
    w.Single("cairn_query_pool_rejected_total", "counter",
             "Storage reads refused because the query pool was full",
             static_cast<double>(sources.pool->rejected()));
  }
  if (sources.http_server) {
    const net::ServerStats s = sources.http_server();
    w.Single("cairn_http_connections_active", "gauge", "Open HTTP connections",
             static_cast<double>(s.connections_active));
    w.Single("cairn_http_connections_accepted_total", "counter", "HTTP connections accepted",
             static_cast<double>(s.connections_accepted));
    w.Single("cairn_http_connections_rejected_total", "counter",
             "HTTP connections refused over the connection limit",
             static_cast<double>(s.connections_rejected));
    w.Single("cairn_http_requests_total", "counter", "HTTP requests received",
             static_cast<double>(s.requests));
    w.Single("cairn_http_rejected_body_too_large_total", "counter",
             "Requests answered 413 because the body exceeded the limit",
             static_cast<double>(s.rejected_body_too_large));
    w.Single("cairn_http_rejected_malformed_total", "counter", "Unparseable HTTP requests",
             static_cast<double>(s.rejected_malformed));
    w.Single("cairn_http_timeouts_total", "counter", "Connections closed on a read timeout",
             static_cast<double>(s.header_timeouts + s.body_timeouts));
  }
  return w.Take();
}

void AddOpsRoutes(net::Router& router, OpsSources sources) {
  // The router keeps the handlers (and so this shared copy) alive.
  auto shared = std::make_shared<const OpsSources>(std::move(sources));
  router.Get("/health",
             [shared](net::RequestContext&) { return HandleHealth(*shared, kJsonUtf8); });
  router.Get("/actuator/health",
             [shared](net::RequestContext&) { return HandleHealth(*shared, kActuatorJson); });
  auto info = [](net::RequestContext&) {
    return net::MakeResponse(http::status::ok, InfoJson(), kJsonUtf8);
  };
  router.Get("/info", net::SyncHandler(info));
  router.Get("/actuator/info", net::SyncHandler(info));
  router.Get("/metrics", net::SyncHandler([shared](net::RequestContext&) {
               return net::MakeResponse(http::status::ok, MetricsJson(shared->collectors),
                                        kJsonUtf8);
             }));
  auto prometheus = [shared](net::RequestContext&) {
    return net::MakeResponse(http::status::ok, PrometheusText(*shared), kPrometheusType);
  };
  router.Get("/prometheus", net::SyncHandler(prometheus));
  router.Get("/actuator/prometheus", net::SyncHandler(prometheus));
}

}  // namespace cairn::server
