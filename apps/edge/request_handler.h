// HandleRequest: everything the edge does with one fully read client request, whatever the
// transport: the admin endpoints (/health, /metrics), path checks, routing, the SERVER span
// (continuing the caller's B3/W3C context or starting a trace), proxying (proxy.h), the
// requests metric and the access log line.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <string>

#include "apps/edge/proxy.h"
#include "apps/edge/worker.h"
#include "lib/net/http1_head.h"

namespace cairn::edge {

struct ClientInfo {
  boost::asio::ip::tcp::endpoint remote;
  std::string ip;  // remote address as text (IPv4-mapped IPv6 shown as IPv4)
  bool tls = false;
  std::uint16_t listener_port = 0;
};

// Answers `head` (with `body`) on `downstream`. Returns true when the connection may carry
// another request (the client wants keep-alive, the response was framed and fully written, and
// the edge is not draining).
boost::asio::awaitable<bool> HandleRequest(Worker& worker, ProxyScratch& scratch,
                                           const ClientInfo& client, const net::MessageHead& head,
                                           const std::string& body, Downstream& downstream);

// A fresh X-Request-Id: a random UUID (version 4) in its 36-character text form, written to `out`.
void NewRequestId(char (&out)[36]);
std::string NewRequestId();
// Whether a client-sent X-Request-Id is kept: 1 to 128 characters of [A-Za-z0-9._:-].
bool IsAcceptableRequestId(std::string_view id);

}  // namespace cairn::edge
