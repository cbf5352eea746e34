#include "apps/edge/request_handler.h"

#include <array>

#include "apps/edge/edge_tracing.h"
#include "apps/edge/route_table.h"
#include "cairn/trace/ids.h"

namespace cairn::edge {

namespace asio = boost::asio;
namespace http = boost::beast::http;

namespace {

constexpr std::string_view kTextPlain = "text/plain; charset=utf-8";
constexpr std::size_t kMaxSpanName = 200;

// "<method> <template>" in lower-case method, in a stack buffer.
std::string_view SpanName(std::string_view method, std::string_view suffix,
                          std::array<char, kMaxSpanName>& buf) {
  std::size_t n = 0;
  for (char c : method) {
    if (n == buf.size()) break;
    buf[n++] = (c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c;
  }
  for (char c : suffix) {
    if (n == buf.size()) break;
    buf[n++] = c;
  }
  return {buf.data(), n};
}

}  // namespace

std::string NewRequestId() {
  char id[36];
  NewRequestId(id);
  return std::string(id, sizeof id);
}

void NewRequestId(char (&out)[36]) {
  trace::IdGenerator& ids = trace::DefaultIdGenerator();
  std::uint64_t hi = ids.NextId();
  std::uint64_t lo = ids.NextId();
  hi = (hi & 0xFFFFFFFFFFFF0FFFULL) | 0x0000000000004000ULL;  // version 4
  lo = (lo & 0x3FFFFFFFFFFFFFFFULL) | 0x8000000000000000ULL;  // variant 10
  char hex[32];
  trace::WriteHex64(hi, hex);
  trace::WriteHex64(lo, hex + 16);
  std::size_t n = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) out[n++] = '-';
    out[n++] = hex[i];
  }
}

bool IsAcceptableRequestId(std::string_view id) {
  if (id.empty() || id.size() > 128) return false;
  for (char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '-' || c == '_' || c == '.' || c == ':';
    if (!ok) return false;
  }
  return true;
}

asio::awaitable<bool> HandleRequest(Worker& worker, ProxyScratch& scratch, const ClientInfo& client,
                                    const net::MessageHead& head, const std::string& body,
                                    Downstream& downstream) {
  EdgeShared& shared = worker.shared();
  // Keep this request's configuration alive until it is answered, whatever reloads happen.
  const std::shared_ptr<const Snapshot> snapshot = worker.snapshot();
  const EdgeConfig& config = snapshot->config;
  const auto start_wall = std::chrono::system_clock::now();
  const auto start = std::chrono::steady_clock::now();
  const bool head_only = head.method() == http::verb::head;
  const bool wants_keep_alive =
      head.keep_alive() && !shared.draining.load(std::memory_order_relaxed);

  const std::string_view target = head.target();
  const std::size_t query_at = target.find('?');
  const std::string_view path = target.substr(0, query_at);
  const std::string_view query =
      query_at == std::string_view::npos ? std::string_view() : target.substr(query_at);

  std::string_view request_id;
  if (const net::MessageHead::Field* f = head.Find("x-request-id");
      f != nullptr && IsAcceptableRequestId(head.value(*f))) {
    request_id = head.value(*f);
  }
  char generated_id[36];
  if (request_id.empty()) {
    NewRequestId(generated_id);
    request_id = std::string_view(generated_id, sizeof generated_id);
  }

  ProxyResult result;
  std::string_view route_label = "-";
  std::string local_body;
  unsigned local_status = 0;
  std::string_view local_type = kTextPlain;
  trace::Span span;
  std::array<char, kMaxSpanName> name_buf;
  const Route* route = nullptr;

  if (path == config.health_path || path == config.metrics_path) {
    route_label = "admin";
    if (path == config.health_path) {
      const bool draining = shared.draining.load(std::memory_order_relaxed);
      local_status = draining ? 503 : 200;
      local_body = draining ? "{\"status\":\"DRAINING\"}" : "{\"status\":\"UP\"}";
      local_type = "application/json";
    } else {
      local_status = 200;
      local_body = shared.metrics->Render();
      local_type = "text/plain; version=0.0.4; charset=utf-8";
    }
  } else if (path.empty() || path.front() != '/') {
    local_status = 400;
    local_body = "request target must be a path starting with '/'\n";
    shared.metrics->Reject(Rejection::kBadPath);
  } else if (HasDotSegment(path)) {
    local_status = 400;
    local_body = "request path must not contain '.' or '..' segments\n";
    shared.metrics->Reject(Rejection::kBadPath);
  } else {
    route = snapshot->routes->Match(head.method_string(), path);
    HeadReader reader(head);
    trace::Extracted extracted = shared.tracer->Extract(reader);
    const std::string_view name = SpanName(
        head.method_string(),
        route != nullptr ? std::string_view(route->template_text) : std::string_view(" not_found"),
        name_buf);
    span = shared.tracer->StartSpanFromExtracted(name, trace::SpanKind::kServer, extracted);
    if (span.IsRecording()) {
      span.Tag("http.method", head.method_string());
      span.Tag("http.path", path);
      span.Tag("guid:x-request-id", request_id);
      if (route != nullptr) span.Tag("edge.route", route->config->id);
      span.SetRemoteIpAndPort(client.ip, client.remote.port());
    }
    if (route == nullptr) {
      local_status = 404;
      local_body = "no route for " + std::string(path) + "\n";
      result.flags = "NR";
    } else {
      route_label = route->config->id;
      ProxyRequest req;
      req.head = &head;
      req.body = &body;
      req.path = path;
      req.query = query;
      req.route = route;
      req.client = client.remote;
      req.client_ip = client.ip;
      req.tls = client.tls;
      req.listener_port = client.listener_port;
      req.request_id = request_id;
      req.parent = span.context();
      req.span_name = name;
      req.client_keep_alive = wants_keep_alive;
      req.draining = &shared.draining;
      co_await Proxy(worker, scratch, req, downstream, result);
    }
  }

  if (local_status != 0) {
    boost::system::error_code ec;
    const bool keep_alive = wants_keep_alive && !shared.draining.load(std::memory_order_relaxed);
    co_await WriteLocalResponse(downstream, scratch, local_status, local_body, local_type,
                                keep_alive, head_only, ec);
    result.close_downstream = !keep_alive;
    result.status = local_status;
    result.bytes_sent = head_only ? 0 : local_body.size();
    if (ec) result.close_downstream = true;
  }

  if (span.IsRecording()) {
    span.Tag("http.status_code", static_cast<std::int64_t>(result.status));
    if (result.status >= 500 || result.status == 0) {
      span.SetError(result.flags.empty() ? std::to_string(result.status)
                                         : std::string(result.flags));
    }
  }
  span.Finish();

  (route != nullptr ? *route->metrics : shared.metrics->Route(std::string(route_label)))
      .CountResponse(result.status);

  AccessLogBuffer& log = worker.access_log();
  if (log.enabled()) {
    char trace_hex[32];
    std::size_t trace_len = 0;
    if (span.context().IsValid()) trace_len = span.context().trace_id.WriteHex(trace_hex);
    AccessEntry e;
    e.start = start_wall;
    e.method = head.method_string();
    e.target = target;
    e.version = head.version();
    e.status = result.status;
    e.flags = result.flags;
    e.bytes_received = body.size();
    e.bytes_sent = result.bytes_sent;
    e.duration_ms = std::chrono::duration_cast<std::chrono::milliseconds>(
                        std::chrono::steady_clock::now() - start)
                        .count();
    e.upstream_ms = result.upstream_us < 0 ? -1 : result.upstream_us / 1000;
    if (const net::MessageHead::Field* f = head.Find("x-forwarded-for")) {
      e.forwarded_for = head.value(*f);
    }
    e.user_agent = head.Value(http::field::user_agent);
    e.request_id = request_id;
    e.authority = head.Value(http::field::host);
    e.upstream_host = result.upstream_host;
    e.trace_id = std::string_view(trace_hex, trace_len);
    e.route = route_label;
    log.Add(e);
  }
  co_return wants_keep_alive && !result.close_downstream &&
      !shared.draining.load(std::memory_order_relaxed);
}

}  // namespace cairn::edge
