// Internal to lib/net: the coroutines that serve one accepted connection.
//
// ServeConnection reads requests one after another (keep-alive; pipelined requests wait in the read
// buffer and are answered in order), hands each to the router, and writes the answer, enforcing
// every limit and timeout in ServerOptions. Malformed or oversized requests get 400/413/431 and the
// connection is closed; timeouts close it without an answer. It runs on the connection's strand.
//
// RejectConnection answers a connection over the max_connections limit with a canned 503.
//
// Timeouts are deadlines on the Connection that the server's watchdog enforces by closing the
// socket. Both coroutines are written against a plain tcp::socket; a TLS listener would run the
// same loop over beast::ssl_stream<tcp::socket> after the handshake (the flex-session design),
// closing the lowest layer on a deadline in the same way.
#pragma once

#include <memory>

#include "lib/net/server_state.h"

namespace cairn::net::internal {

asio::awaitable<void> ServeConnection(std::shared_ptr<ServerState> state,
                                      std::shared_ptr<Connection> conn, Registration registration);

asio::awaitable<void> RejectConnection(std::shared_ptr<ServerState> state,
                                       std::shared_ptr<Connection> conn, Registration registration);

}  // namespace cairn::net::internal
