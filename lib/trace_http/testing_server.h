// TestHttpServer: a small Beast HTTP/1.1 server for tests (not part of the library).
//
// Listens on 127.0.0.1 (port 0 = ephemeral) and serves keep-alive connections on its own thread,
// answering each request with a user handler. It can delay responses (a slow server), be stopped
// (connections closed, port released: a server that is down) and started again on the same port.
// The handler runs on the server thread, one request at a time; it may block (e.g. call another
// server) but then delays every other connection.
#pragma once

#include <atomic>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "cairn/trace/status.h"

namespace cairn::trace_http::testing {

using Request = boost::beast::http::request<boost::beast::http::string_body>;
using Response = boost::beast::http::response<boost::beast::http::string_body>;

struct RequestInfo {
  std::uint64_t connection_id = 0;  // 1 for the first connection accepted, then 2, ...
  boost::asio::ip::tcp::endpoint remote;
};

class TestHttpServer {
 public:
  using Handler = std::function<Response(const Request&, const RequestInfo&)>;

  explicit TestHttpServer(Handler handler);
  ~TestHttpServer();  // Stop()
  TestHttpServer(const TestHttpServer&) = delete;
  TestHttpServer& operator=(const TestHttpServer&) = delete;

  // Binds 127.0.0.1:`port` and starts serving; port 0 means the port of the previous run when
  // there was one (a restart after Stop), else an ephemeral port.
  // FailedPrecondition when running, Unavailable when the port cannot be bound.
  Status Start(std::uint16_t port = 0);
  // Closes the listener and every connection, and joins the thread. Idempotent.
  void Stop();
  bool running() const { return running_; }

  std::uint16_t port() const { return port_; }
  std::string BaseUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

  // Each response is sent this long after its request was read (default 0).
  void set_response_delay(std::chrono::milliseconds delay) { delay_ms_ = delay.count(); }
  std::uint64_t connections_accepted() const { return connections_; }

 private:
  class Loop;

  Handler handler_;
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
  bool running_ = false;
  std::uint16_t port_ = 0;
  std::atomic<std::int64_t> delay_ms_{0};
  std::atomic<std::uint64_t> connections_{0};
};

}  // namespace cairn::trace_http::testing
