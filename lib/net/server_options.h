// Configuration and counters of an HttpServer.
//
// Every input is bounded: header bytes, body bytes, time to receive a header, time to receive a
// body, time a keep-alive connection may sit idle, time to write a response, and the number of open
// connections. Defaults suit a collector behind no proxy (Zipkin/Armeria: 10 MiB bodies).
#pragma once

#include <array>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>

namespace cairn::net {

struct ServerOptions {
  // IP literal ("127.0.0.1", "::", "0.0.0.0") or "localhost"; no DNS lookups.
  std::string host = "127.0.0.1";
  // 0 binds an ephemeral port; HttpServer::port() tells which.
  std::uint16_t port = 0;
  // Threads running the io_context; 0 means std::thread::hardware_concurrency().
  std::size_t io_threads = 1;

  // Request line + header fields; more is answered 431 and the connection closed.
  std::size_t max_header_bytes = 16 * 1024;
  // Body after de-chunking (gzip is not decoded here); more is answered 413 and the connection
  // closed. A Content-Length above the limit is refused before any body byte is read.
  std::uint64_t max_body_bytes = 10 * 1024 * 1024;

  // Timeouts are enforced by a watchdog that wakes every min(timeouts)/4 (5..250 ms), so each one
  // fires up to that much late.
  //
  // From the first byte of a request (or from accept, for a connection's first request) to the end
  // of its header. A client that is slower is disconnected without an answer (slowloris).
  std::chrono::milliseconds header_timeout{10'000};
  // From the end of the header to the end of the body.
  std::chrono::milliseconds body_timeout{30'000};
  // How long a keep-alive connection may wait for its next request.
  std::chrono::milliseconds idle_timeout{60'000};
  // To write one response.
  std::chrono::milliseconds write_timeout{30'000};
  // After an error answer (400/413/431/503) the server stops sending and reads and drops what the
  // client still sends, for at most this long, so the client sees the answer instead of a reset.
  std::chrono::milliseconds linger_timeout{2'000};

  // Open connections; further ones get a canned 503 and are closed.
  std::size_t max_connections = 10'000;
  // Requests served on one connection before the server asks it to close; 0 = unlimited.
  std::size_t max_requests_per_connection = 0;
  // Value of the Server header on every response; empty sends none.
  std::string server_header;

  // Stop(): after the drain deadline, connections are force-closed; this is how long their
  // coroutines then get to unwind before the io_context is stopped regardless.
  std::chrono::milliseconds stop_grace{2'000};
};

// A snapshot of the server's counters (monotonic since Start, except connections_active).
struct ServerStats {
  std::uint64_t connections_accepted = 0;
  std::uint64_t connections_active = 0;
  std::uint64_t connections_rejected = 0;  // over max_connections (503)
  std::uint64_t requests = 0;              // fully received requests handed to the router
  // responses_by_class[c] counts responses with status c·xx (index 0: out of range).
  std::array<std::uint64_t, 6> responses_by_class{};
  std::uint64_t rejected_malformed = 0;         // 400: unparseable HTTP
  std::uint64_t rejected_header_too_large = 0;  // 431
  std::uint64_t rejected_body_too_large = 0;    // 413
  std::uint64_t header_timeouts = 0;            // incl. slowloris, closed without an answer
  std::uint64_t body_timeouts = 0;
  std::uint64_t idle_timeouts = 0;   // keep-alive connections closed while idle
  std::uint64_t write_errors = 0;    // response write failed or timed out
  std::uint64_t handler_errors = 0;  // a handler threw (answered 500)
  std::uint64_t accept_errors = 0;
};

}  // namespace cairn::net
