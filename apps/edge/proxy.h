// Proxy: forwards one routed request to its service and relays the answer to the client, with
// the edge's traffic policy:
//   - host choice by the service's load balancer, skipping ejected, unhealthy and (for retries)
//     already tried hosts;
//   - circuit breaking: past max-requests, max-pending-requests or (while waiting) max-connections
//     the answer is 503 with a body that names the limit, at once;
//   - keep-alive connections from the worker's pool; a request that fails on a reused connection
//     before any response byte is sent once more on a fresh one (the server had closed it);
//   - retries (route retry policy): connect failures for any method, resets, per-try timeouts and
//     the configured statuses (503) for idempotent methods only, each after a jittered backoff
//     (between half and all of min(base * 2^(n-1), max)), to another host when there is one, within
//     the route's response timeout (504 when it passes);
//   - outlier detection fed with connect failures and 5xx answers;
//   - one CLIENT span per attempt (child of the request's SERVER span), injected as B3 and W3C;
//   - headers: hop-by-hop and sensitive headers dropped both ways, X-Forwarded-For/-Host/-Proto/
//     -Port/-Prefix and X-Request-Id set, Host rewritten to the upstream unless preserve-host;
//   - the response is streamed: header and body parts are written as they arrive (re-chunked for
//     HTTP/1.1 clients when the upstream gives no length).
#pragma once

#include <atomic>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "apps/edge/route_table.h"
#include "apps/edge/worker.h"
#include "cairn/trace/context.h"
#include "lib/net/http1_head.h"

namespace cairn::edge {

// Where responses go: the client connection, whatever its transport.
class Downstream {
 public:
  virtual ~Downstream() = default;
  // Writes everything or fails (timeouts included) with `ec`.
  virtual boost::asio::awaitable<void> Write(std::span<const boost::asio::const_buffer> buffers,
                                             boost::system::error_code& ec) = 0;
};

// Per-connection scratch space, reused by every request on the connection.
struct ProxyScratch {
  std::string head;     // upstream request line and shared headers
  std::string attempt;  // per-attempt headers (Host, tracing) and the blank line
  net::MessageHead response;
  std::string response_head;
  std::string chunk;    // response body bytes waiting to be relayed
  std::string framing;  // chunk-size lines
};

struct ProxyRequest {
  const net::MessageHead* head = nullptr;
  const std::string* body = nullptr;
  std::string_view path;   // raw path of the target
  std::string_view query;  // "" or "?..."
  const Route* route = nullptr;
  boost::asio::ip::tcp::endpoint client;
  std::string_view client_ip;
  bool tls = false;
  std::uint16_t listener_port = 0;
  std::string_view request_id;
  trace::TraceContext parent;  // the SERVER span's context
  std::string_view span_name;
  bool client_keep_alive = true;  // the client wants to keep the connection
  // Set when the edge starts draining; responses written after that close the connection.
  const std::atomic<bool>* draining = nullptr;

  bool KeepAlive() const {
    return client_keep_alive && (draining == nullptr || !draining->load(std::memory_order_relaxed));
  }
};

struct ProxyResult {
  unsigned status = 0;
  std::uint64_t bytes_sent = 0;    // response body bytes written to the client
  std::string_view flags;          // Envoy response flags, e.g. "UF,URX"; empty: none
  std::string_view upstream_host;  // "ip:port" of the last attempt
  std::int64_t upstream_us = -1;   // send to response header of the answering attempt
  int attempts = 0;
  std::string_view error;         // why the edge answered itself (for the span)
  bool close_downstream = false;  // the connection cannot carry another response
};

boost::asio::awaitable<void> Proxy(Worker& worker, ProxyScratch& scratch, const ProxyRequest& req,
                                   Downstream& downstream, ProxyResult& result);

// Writes a complete response made by the edge itself (errors, admin endpoints).
boost::asio::awaitable<void> WriteLocalResponse(Downstream& downstream, ProxyScratch& scratch,
                                                unsigned status, std::string_view body,
                                                std::string_view content_type, bool keep_alive,
                                                bool head_only, boost::system::error_code& ec);

}  // namespace cairn::edge
