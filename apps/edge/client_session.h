// The coroutine that serves one client connection (plain TCP or TLS): TLS handshake, then
// requests read one after another under the edge's limits, each answered by HandleRequest.
//
// Limits: the header (request line + fields) within limits.max-header-bytes and max-headers
// (431), the body within max-body-bytes (413, refused from Content-Length before reading it),
// header-timeout from the first byte (or from accept) to the end of the header (slowloris: the
// connection is closed without an answer), body-timeout for the body, idle-timeout between
// requests, write-timeout per response part. Unparseable HTTP, a missing Host on HTTP/1.1 and
// requests with both Content-Length and Transfer-Encoding get 400 and the connection is closed
// after a bounded lingering close.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <cstdint>
#include <memory>

#include "apps/edge/worker.h"

namespace cairn::edge {

// Serves `socket` until the client leaves, a limit closes it, or the worker drains. `tls` (with
// the snapshot's context) selects HTTPS. Counts the connection in shared().connections for its
// lifetime (the caller has already incremented it).
boost::asio::awaitable<void> ServeClient(Worker& worker, boost::asio::ip::tcp::socket socket,
                                         bool tls, std::uint16_t listener_port);

}  // namespace cairn::edge
