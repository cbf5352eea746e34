// HttpServer: cairn's HTTP/1.1 server. One io_context run by N threads, one coroutine per
// connection on its own strand, a Router for the application logic, and a limit or timeout on every
// input (see ServerOptions).
//
//   Router router;
//   router.Get("/health", [](RequestContext&) { return MakeResponse(http::status::ok, "UP"); });
//   HttpServer server(options, std::move(router));
//   CAIRN_RETURN_IF_ERROR(server.Start());   // listening once this returns
//   ...
//   server.Stop(std::chrono::seconds(5));     // graceful
//
// Start() binds and listens before it returns (port() then tells an ephemeral port). Stop(drain)
// stops accepting, closes idle keep-alive connections, lets requests in flight finish and answers
// them with "Connection: close", and after `drain` closes whatever is left; it returns once the I/O
// threads are joined. Stop() must not be called from an I/O thread (i.e. from a handler). The
// destructor calls Stop with a zero drain. Start/Stop are not thread-safe against each other;
// stats() and port() may be called from any thread.
//
// Handlers run on the I/O threads: anything that blocks belongs in a BlockingPool (RunBlocking),
// which must be stopped before this server is destroyed.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <chrono>
#include <cstdint>
#include <memory>

#include "lib/base/status.h"
#include "lib/net/router.h"
#include "lib/net/server_options.h"

namespace cairn::net {

class HttpServer {
 public:
  HttpServer(ServerOptions options, Router router);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds, listens and starts the I/O threads. Fails with the router's registration error,
  // kInvalidArgument for a bad host, kUnavailable when the address cannot be bound, and
  // kFailedPrecondition when called twice.
  Status Start();

  // The bound port (useful with port 0); 0 before Start.
  std::uint16_t port() const;

  // Executor of the server's io_context, for work that must share its threads (e.g. clients).
  asio::any_io_executor executor();

  // Graceful stop; see the file comment. Idempotent; a no-op before Start.
  void Stop(std::chrono::milliseconds drain);

  ServerStats stats() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace cairn::net
