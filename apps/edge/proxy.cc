#include "apps/edge/proxy.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/status.hpp>
#include <charconv>
#include <optional>
#include <random>

#include "apps/edge/edge_tracing.h"
#include "lib/net/http1_io.h"

namespace cairn::edge {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using Clock = std::chrono::steady_clock;
using Field = net::MessageHead::Field;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxResponseFields = 200;

bool IsIdempotent(http::verb method) {
  switch (method) {
    case http::verb::get:
    case http::verb::head:
    case http::verb::options:
    case http::verb::put:
    case http::verb::delete_:
    case http::verb::trace:
      return true;
    default:
      return false;
  }
}

// Hop-by-hop headers (RFC 9110 section 7.6.1 and the classic list) never cross the proxy.
bool IsHopByHop(http::field id, std::string_view name) {
  switch (id) {
    case http::field::connection:
    case http::field::keep_alive:
    case http::field::proxy_connection:
    case http::field::te:
    case http::field::trailer:
    case http::field::transfer_encoding:
    case http::field::upgrade:
    case http::field::proxy_authorization:
    case http::field::proxy_authenticate:
      return true;
    case http::field::unknown:
      return net::EqualsIgnoreCase(name, "proxy-connection");
    default:
      return false;
  }
}

bool InList(const std::vector<std::string>& lower_names, std::string_view name) {
  for (const std::string& n : lower_names) {
    if (net::EqualsIgnoreCase(n, name)) return true;
  }
  return false;
}

// True when `name` is listed in a Connection header of `head` (those are hop-by-hop too).
bool NamedInConnection(const net::MessageHead& head, std::string_view name) {
  for (const Field& f : head.fields()) {
    if (f.id == http::field::connection && net::HasToken(head.value(f), name)) return true;
  }
  return false;
}

bool HasConnectionTokens(const net::MessageHead& head) {
  for (const Field& f : head.fields()) {
    if (f.id == http::field::connection) {
      std::string_view v = head.value(f);
      // "close" and "keep-alive" name no header worth looking for.
      if (!net::EqualsIgnoreCase(v, "close") && !net::EqualsIgnoreCase(v, "keep-alive"))
        return true;
    }
  }
  return false;
}

void AppendUnsigned(std::string& out, std::uint64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value);
  out.append(buf, end);
}

void AppendHex(std::string& out, std::uint64_t value) {
  char buf[24];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, value, 16);
  out.append(buf, end);
}

// Request line and the headers shared by every attempt (not Host, not tracing, no blank line).
void BuildUpstreamHead(const ProxyRequest& req, std::string& out) {
  const net::MessageHead& head = *req.head;
  const Route& route = *req.route;
  out.clear();
  out.append(head.method_string());
  out.push_back(' ');
  RouteTable::UpstreamTarget(route, req.path, req.query, out);
  out.append(" HTTP/1.1\r\n");
  const bool check_connection = HasConnectionTokens(head);
  std::string_view forwarded_for;
  for (const Field& f : head.fields()) {
    const std::string_view name = head.name(f);
    switch (f.id) {
      case http::field::host:
      case http::field::content_length:
      case http::field::expect:
        continue;
      default:
        break;
    }
    if (f.id == http::field::unknown && net::EqualsIgnoreCase(name, "x-forwarded-for")) {
      forwarded_for = head.value(f);  // the last one wins; clients join repeated values
      continue;
    }
    if (IsHopByHop(f.id, name) || IsPropagationHeader(name)) continue;
    if (f.id == http::field::unknown && (net::EqualsIgnoreCase(name, "x-request-id") ||
                                         net::EqualsIgnoreCase(name, "x-forwarded-host") ||
                                         net::EqualsIgnoreCase(name, "x-forwarded-proto") ||
                                         net::EqualsIgnoreCase(name, "x-forwarded-port") ||
                                         net::EqualsIgnoreCase(name, "x-forwarded-prefix"))) {
      continue;
    }
    if (InList(route.sensitive, name)) continue;
    if (check_connection && NamedInConnection(head, name)) continue;
    net::AppendField(out, name, head.value(f));
  }
  out.append("X-Forwarded-For: ");
  if (!forwarded_for.empty()) {
    out.append(forwarded_for);
    out.append(", ");
  }
  out.append(req.client_ip);
  out.append("\r\nX-Forwarded-Proto: ");
  out.append(req.tls ? "https" : "http");
  out.append("\r\n");
  if (std::string_view host = head.Value(http::field::host); !host.empty()) {
    net::AppendField(out, "X-Forwarded-Host", host);
  }
  out.append("X-Forwarded-Port: ");
  AppendUnsigned(out, req.listener_port);
  out.append("\r\n");
  if (std::string_view prefix = RouteTable::StrippedPrefix(route, req.path); !prefix.empty()) {
    net::AppendField(out, "X-Forwarded-Prefix", prefix);
  }
  net::AppendField(out, "X-Request-Id", req.request_id);
  const std::size_t body = req.body->size();
  const http::verb m = head.method();
  if (body > 0 || m == http::verb::post || m == http::verb::put || m == http::verb::patch) {
    out.append("Content-Length: ");
    AppendUnsigned(out, body);
    out.append("\r\n");
  }
}

enum class Framing { kNone, kLength, kChunked, kClose };

// The client's response head; returns how the body is framed towards the client.
Framing BuildResponseHead(const ProxyRequest& req, const net::MessageHead& resp, bool head_request,
                          std::string& out, bool& close) {
  out.clear();
  out.append(req.head->version() == 10 ? "HTTP/1.0 " : "HTTP/1.1 ");
  AppendUnsigned(out, resp.status());
  out.push_back(' ');
  std::string_view reason = resp.reason();
  if (reason.empty()) {
    boost::beast::string_view r = http::obsolete_reason(static_cast<http::status>(resp.status()));
    reason = std::string_view(r.data(), r.size());
  }
  out.append(reason);
  out.append("\r\n");
  const bool check_connection = HasConnectionTokens(resp);
  for (const Field& f : resp.fields()) {
    const std::string_view name = resp.name(f);
    if (f.id == http::field::content_length) continue;
    if (IsHopByHop(f.id, name)) continue;
    if (InList(req.route->sensitive, name)) continue;
    if (check_connection && NamedInConnection(resp, name)) continue;
    net::AppendField(out, name, resp.value(f));
  }
  const unsigned status = resp.status();
  Framing framing;
  if (status < 200 || status == 204 || status == 304) {
    framing = Framing::kNone;
  } else if (head_request) {
    framing = Framing::kNone;
    if (resp.content_length()) {
      out.append("Content-Length: ");
      AppendUnsigned(out, *resp.content_length());
      out.append("\r\n");
    }
  } else if (resp.content_length()) {
    framing = Framing::kLength;
    out.append("Content-Length: ");
    AppendUnsigned(out, *resp.content_length());
    out.append("\r\n");
  } else if (req.head->version() >= 11) {
    framing = Framing::kChunked;
    out.append("Transfer-Encoding: chunked\r\n");
  } else {
    framing = Framing::kClose;
    close = true;
  }
  if (!req.KeepAlive()) close = true;
  if (close) {
    out.append("Connection: close\r\n");
  } else if (req.head->version() == 10) {
    out.append("Connection: keep-alive\r\n");
  }
  out.append("\r\n");
  return framing;
}

// Writes the head (once) and what body bytes `chunk` holds, framed as chosen.
asio::awaitable<void> RelayPart(Downstream& downstream, ProxyScratch& scratch, Framing framing,
                                bool with_head, bool last, ProxyResult& result,
                                boost::system::error_code& ec) {
  std::array<asio::const_buffer, 4> parts;
  std::size_t n = 0;
  if (with_head) parts[n++] = asio::buffer(scratch.response_head);
  const std::size_t body = scratch.chunk.size();
  scratch.framing.clear();
  if (framing == Framing::kChunked) {
    if (body > 0) {
      AppendHex(scratch.framing, body);
      scratch.framing.append("\r\n");
      parts[n++] = asio::buffer(scratch.framing);
      parts[n++] = asio::buffer(scratch.chunk);
      // The chunk's CRLF, plus the last chunk when this is the end.
      parts[n++] =
          asio::buffer(last ? std::string_view("\r\n0\r\n\r\n") : std::string_view("\r\n"));
    } else if (last) {
      parts[n++] = asio::buffer(std::string_view("0\r\n\r\n"));
    }
  } else if (framing != Framing::kNone && body > 0) {
    parts[n++] = asio::buffer(scratch.chunk);
  }
  if (n > 0) co_await downstream.Write(std::span(parts.data(), n), ec);
  if (!ec && framing != Framing::kNone) result.bytes_sent += body;
  scratch.chunk.clear();
}

struct Failure {
  unsigned status = 503;
  std::string_view flags;
  std::string message;
};

// Keeps a service's and a host's active-request counts for the scope of an attempt.
class ActiveRequest {
 public:
  ActiveRequest(Service& service, HostState& host) : service_(service), host_(host) {
    host_.active_requests.fetch_add(1, std::memory_order_relaxed);
  }
  ~ActiveRequest() {
    host_.active_requests.fetch_sub(1, std::memory_order_relaxed);
    service_.EndRequest();
  }
  ActiveRequest(const ActiveRequest&) = delete;
  ActiveRequest& operator=(const ActiveRequest&) = delete;

 private:
  Service& service_;
  HostState& host_;
};

std::chrono::milliseconds Backoff(const RetryConfig& retry, int retry_number) {
  std::int64_t upper = retry.backoff_base.count();
  for (int i = 1; i < retry_number && upper < retry.backoff_max.count(); ++i) upper *= 2;
  upper = std::min<std::int64_t>(upper, retry.backoff_max.count());
  thread_local std::minstd_rand rng(std::random_device{}());
  std::uniform_int_distribution<std::int64_t> pick(upper / 2, upper);
  return std::chrono::milliseconds(pick(rng));
}

void TagAttempt(trace::Span& span, const ProxyRequest& req, const HostState& host,
                std::string_view target, int attempt, std::string& scratch) {
  if (!span.IsRecording()) return;
  span.SetRemoteServiceName(req.route->service->name());
  span.SetRemoteIpAndPort(host.config->ip, host.config->port);
  span.Tag("http.method", req.head->method_string());
  span.Tag("http.path", target.substr(0, target.find('?')));
  scratch.assign("http://");
  scratch.append(host.config->host_header);
  scratch.append(target);
  span.Tag("http.url", scratch);
  span.Tag("upstream.address", host.config->address);
  span.Tag("retry.count", static_cast<std::int64_t>(attempt));
}

}  // namespace

asio::awaitable<void> WriteLocalResponse(Downstream& downstream, ProxyScratch& scratch,
                                         unsigned status, std::string_view body,
                                         std::string_view content_type, bool keep_alive,
                                         bool head_only, boost::system::error_code& ec) {
  std::string& out = scratch.response_head;
  out.clear();
  out.append("HTTP/1.1 ");
  AppendUnsigned(out, status);
  out.push_back(' ');
  boost::beast::string_view reason = http::obsolete_reason(static_cast<http::status>(status));
  out.append(reason.data(), reason.size());
  out.append("\r\n");
  if (!body.empty()) net::AppendField(out, "Content-Type", content_type);
  out.append("Content-Length: ");
  AppendUnsigned(out, body.size());
  out.append(keep_alive ? "\r\n\r\n" : "\r\nConnection: close\r\n\r\n");
  std::array<asio::const_buffer, 2> parts{asio::buffer(out), asio::buffer(body)};
  co_await downstream.Write(std::span(parts.data(), head_only ? 1 : 2), ec);
}

asio::awaitable<void> Proxy(Worker& worker, ProxyScratch& scratch, const ProxyRequest& req,
                            Downstream& downstream, ProxyResult& result) {
  const Route& route = *req.route;
  Service& service = *route.service;
  const RouteConfig& rc = *route.config;
  const RetryConfig& retry = rc.retry;
  trace::Tracer& tracer = *worker.shared().tracer;
  net::UpstreamPool& pool = worker.pool();
  const http::verb method = req.head->method();
  const bool idempotent = IsIdempotent(method);
  const bool head_request = method == http::verb::head;

  const Clock::time_point start = Clock::now();
  const Clock::time_point overall = start + rc.response_timeout;
  const auto per_try = retry.per_try_timeout.count() > 0
                           ? std::min(retry.per_try_timeout, rc.response_timeout)
                           : rc.response_timeout;
  BuildUpstreamHead(req, scratch.head);
  // The target is the head's request line between the method and " HTTP/1.1".
  const std::size_t target_begin = req.head->method_string().size() + 1;
  const std::string_view target =
      std::string_view(scratch.head)
          .substr(target_begin, scratch.head.find(" HTTP/1.1\r\n") - target_begin);

  std::uint64_t tried = 0;
  int retries_left = retry.retries;
  bool stale_retry_used = false;
  bool retried = false;
  Failure failure;
  Clock::time_point now = start;

  for (int attempt = 0;; ++attempt) {
    if (attempt > 0 && retried) {
      service.metrics().retries->Increment();
      const auto wait = Backoff(retry, retry.retries - retries_left);
      if (Clock::now() + wait >= overall) {
        failure = {504, "UT", "upstream response timeout (service " + service.name() + ")"};
        break;
      }
      asio::steady_timer timer(worker.ioc());
      timer.expires_after(wait);
      co_await timer.async_wait(kTuple);
    }
    retried = false;
    now = Clock::now();
    HostState* host = service.Pick(tried, now);
    if (host == nullptr) {
      if (result.attempts == 0) {
        failure = {503, "UH", "no healthy upstream for service " + service.name()};
      }
      break;
    }
    const std::size_t host_index = service.IndexOf(*host);
    if (host_index < 64) tried |= 1ULL << host_index;
    if (!service.TryStartRequest()) {
      service.metrics().breaker[static_cast<int>(BreakerLimit::kMaxRequests)]->Increment();
      failure = {503, "UO",
                 "upstream overloaded: service " + service.name() + " is at max-requests (" +
                     std::to_string(service.config().circuit_breaker.max_requests) + ")"};
      break;
    }
    ActiveRequest active(service, *host);
    ++result.attempts;
    result.upstream_host = host->config->address;
    const auto& endpoint = host->config->endpoint;

    // A connection: idle, new, or (at the connection limit) one released while we wait.
    std::unique_ptr<net::UpstreamConnection> conn = pool.TakeIdle(endpoint);
    if (conn == nullptr && service.AtConnectionLimit()) {
      if (!service.TryStartPending()) {
        service.metrics().breaker[static_cast<int>(BreakerLimit::kMaxPendingRequests)]->Increment();
        failure = {503, "UO",
                   "upstream overloaded: service " + service.name() +
                       " is at max-pending-requests (" +
                       std::to_string(service.config().circuit_breaker.max_pending_requests) + ")"};
        break;
      }
      const Clock::time_point wait_until =
          std::min(overall, Clock::now() + service.config().connect_timeout);
      while (conn == nullptr && service.AtConnectionLimit() && Clock::now() < wait_until) {
        co_await worker.WaitForConnection(wait_until);
        conn = pool.TakeIdle(endpoint);
      }
      service.EndPending();
      if (conn == nullptr && service.AtConnectionLimit()) {
        service.metrics().breaker[static_cast<int>(BreakerLimit::kMaxConnections)]->Increment();
        failure = {503, "UO",
                   "upstream overloaded: service " + service.name() + " is at max-connections (" +
                       std::to_string(service.config().circuit_breaker.max_connections) + ")"};
        break;
      }
    }
    if (conn == nullptr) {
      boost::system::error_code ec;
      const auto connect_timeout =
          std::min(service.config().connect_timeout,
                   std::chrono::duration_cast<std::chrono::milliseconds>(overall - Clock::now()));
      service.connections()->fetch_add(1, std::memory_order_relaxed);
      conn = co_await pool.Connect(endpoint, connect_timeout, ec);
      if (conn == nullptr) {
        service.connections()->fetch_sub(1, std::memory_order_relaxed);
        service.metrics().connect_failures->Increment();
        service.ReportFailure(*host, Clock::now());
        failure = {503, "UF",
                   "upstream connect error: " + ec.message() + " (service " + service.name() +
                       ", " + host->config->address + ")"};
        if (retry.on_connect_failure && retries_left > 0 && Clock::now() < overall) {
          --retries_left;
          retried = true;
          continue;
        }
        break;
      }
      conn->open_count = service.connections();
    }

    // The attempt's CLIENT span, injected into its headers.
    trace::SpanOptions span_options;
    span_options.kind = trace::SpanKind::kClient;
    span_options.parent = &req.parent;
    trace::Span span = tracer.StartSpan(req.span_name, span_options);
    TagAttempt(span, req, *host, target, attempt, scratch.framing);
    scratch.attempt.clear();
    net::AppendField(scratch.attempt, "Host",
                     rc.preserve_host && !req.head->Value(http::field::host).empty()
                         ? req.head->Value(http::field::host)
                         : std::string_view(host->config->host_header));
    if (span.context().IsValid()) {
      HeadAppender appender(scratch.attempt);
      tracer.Inject(span.context(), trace::SpanKind::kClient, appender);
    }
    scratch.attempt.append("\r\n");

    const Clock::time_point sent_at = Clock::now();
    conn->deadline.ArmAt(std::min(overall, sent_at + per_try));
    boost::system::error_code ec;
    std::array<asio::const_buffer, 3> request_parts{
        asio::buffer(scratch.head), asio::buffer(scratch.attempt), asio::buffer(*req.body)};
    co_await conn->stream.Write(request_parts, ec);

    std::optional<net::HeadParser<false>> parser_slot;
    auto new_parser = [&]() -> net::HeadParser<false>& {
      net::HeadParser<false>& p =
          parser_slot.emplace(scratch.response, kMaxResponseFields, &scratch.chunk);
      p.header_limit(static_cast<std::uint32_t>(conn->buffer.capacity()));
      p.body_limit(boost::none);
      if (head_request) p.skip(true);
      return p;
    };
    scratch.chunk.clear();
    if (!ec) {
      co_await net::ReadHttp(conn->stream, conn->buffer, new_parser(), net::ReadUntil::kHeader, ec);
      // Interim 1xx answers (100 Continue, 103 Early Hints) are dropped; the final one follows.
      while (!ec && scratch.response.status() >= 100 && scratch.response.status() < 200 &&
             scratch.response.status() != 101) {
        co_await net::ReadHttp(conn->stream, conn->buffer, new_parser(), net::ReadUntil::kHeader,
                               ec);
      }
      if (!ec && scratch.response.status() == 101) ec = http::error::bad_version;  // no upgrades
    }
    if (!parser_slot) new_parser();
    net::HeadParser<false>& parser = *parser_slot;
    if (ec) {
      const bool timed_out = conn->deadline.fired();
      const bool nothing_received = !parser.got_some();
      const bool reused = conn->reused();
      conn.reset();
      if (!timed_out && nothing_received && reused && !stale_retry_used) {
        // The server closed a keep-alive connection we took from the pool: send again at once.
        stale_retry_used = true;
        span.Abandon();
        if (host_index < 64) tried &= ~(1ULL << host_index);
        --result.attempts;
        continue;
      }
      const bool protocol_error =
          ec.category() == http::make_error_code(http::error::bad_version).category() &&
          ec != http::error::end_of_stream && ec != http::error::partial_message &&
          ec != http::error::short_read;
      if (timed_out) {
        span.SetError("upstream timeout");
        span.Finish();
        if (Clock::now() >= overall) {
          failure = {504, "UT", "upstream response timeout (service " + service.name() + ")"};
          break;
        }
        failure = {504, "UT", "upstream per-try timeout (service " + service.name() + ")"};
        if (retry.on_reset && idempotent && retries_left > 0) {
          --retries_left;
          retried = true;
          continue;
        }
        break;
      }
      if (protocol_error) {
        service.ReportFailure(*host, Clock::now());
        span.SetError("malformed upstream response: " + ec.message());
        span.Finish();
        failure = {
            502, "UC",
            "malformed response from upstream " + host->config->address + ": " + ec.message()};
        break;
      }
      span.SetError(ec.message());
      span.Finish();
      failure = {502, "UC",
                 "upstream connection closed before a response: " + ec.message() + " (service " +
                     service.name() + ")"};
      if (retry.on_reset && idempotent && retries_left > 0 && Clock::now() < overall) {
        --retries_left;
        retried = true;
        continue;
      }
      break;
    }

    // A response header.
    const unsigned status = scratch.response.status();
    const Clock::time_point got_head = Clock::now();
    result.upstream_us =
        std::chrono::duration_cast<std::chrono::microseconds>(got_head - sent_at).count();
    service.metrics().latency->Observe(static_cast<double>(result.upstream_us) / 1e6);
    if (status >= 500) {
      service.ReportFailure(*host, got_head);
    } else {
      service.ReportSuccess(*host);
    }
    if (span.IsRecording()) span.Tag("http.status_code", static_cast<std::int64_t>(status));
    if (status >= 500) span.SetError(std::to_string(status));

    const bool retry_status = std::find(retry.on_statuses.begin(), retry.on_statuses.end(),
                                        status) != retry.on_statuses.end();
    if (retry_status && idempotent && retries_left > 0 && got_head < overall) {
      span.Finish();
      // Drop this answer; keep the connection only when its body is already complete.
      if (parser.is_done() && scratch.response.keep_alive()) {
        pool.Release(std::move(conn));
        worker.NotifyConnectionFree();
      }
      --retries_left;
      retried = true;
      continue;
    }

    // Relay the response, streaming its body.
    result.status = status;
    bool close = false;
    const Framing framing =
        BuildResponseHead(req, scratch.response, head_request, scratch.response_head, close);
    result.close_downstream = close;
    bool upstream_ok = true;
    bool first = true;
    bool need_read = conn->buffer.empty();
    parser.eager(true);
    boost::system::error_code down_ec;
    while (true) {
      const bool done = parser.is_done();
      // The head goes out with the first body bytes: when the buffer already holds some, parse
      // them first, so that a small response costs one write (and one wake-up of the client).
      if ((first && need_read) || !scratch.chunk.empty() || done) {
        co_await RelayPart(downstream, scratch, framing, first, done, result, down_ec);
        first = false;
        if (down_ec) {
          result.flags = "DC";
          result.close_downstream = true;
          upstream_ok = false;
          break;
        }
      }
      if (done) break;
      boost::system::error_code read_ec;
      if (need_read) {
        conn->deadline.Arm(rc.response_timeout);
        asio::mutable_buffer room = conn->buffer.Prepare();
        if (room.size() == 0) {
          read_ec = http::error::buffer_overflow;  // a chunk header longer than the buffer
        } else {
          std::size_t n = co_await conn->stream.ReadSome(room, read_ec);
          if (!read_ec) conn->buffer.Commit(n);
        }
      }
      if (read_ec) {
        if (read_ec == asio::error::eof && parser.need_eof()) {
          read_ec.clear();
          parser.put_eof(read_ec);
          if (!read_ec) continue;
        }
        upstream_ok = false;
        result.flags = conn->deadline.fired() ? "UT" : "UC";
        result.close_downstream = true;
        span.SetError("upstream response interrupted: " + read_ec.message());
        break;
      }
      std::size_t used = parser.put(conn->buffer.data(), read_ec);
      conn->buffer.Consume(used);
      need_read = conn->buffer.empty();
      if (read_ec == http::error::need_more) {
        read_ec.clear();
        need_read = true;
      }
      if (read_ec) {
        upstream_ok = false;
        result.flags = "UC";
        result.close_downstream = true;
        span.SetError("malformed upstream response body: " + read_ec.message());
        break;
      }
    }
    span.Finish();
    if (upstream_ok && parser.is_done() && scratch.response.keep_alive() &&
        !scratch.response.need_eof()) {
      pool.Release(std::move(conn));
      worker.NotifyConnectionFree();
    }
    co_return;
  }

  // The edge answers itself.
  if (result.attempts > 1 && failure.flags != "UO" && failure.flags != "UH") {
    failure.flags = failure.flags == "UF" ? "UF,URX" : failure.flags == "UT" ? "UT,URX" : "UC,URX";
  }
  result.status = failure.status;
  result.flags = failure.flags;
  boost::system::error_code ec;
  failure.message.push_back('\n');
  co_await WriteLocalResponse(downstream, scratch, failure.status, failure.message,
                              "text/plain; charset=utf-8", req.KeepAlive(), head_request, ec);
  result.error = failure.flags;
  if (ec) result.close_downstream = true;
  if (!head_request) result.bytes_sent = failure.message.size();
}

}  // namespace cairn::edge
