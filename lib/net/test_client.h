// Test-only: a blocking HTTP/1.1 client over a Beast tcp_stream, with a timeout on every operation,
// for the integration tests of lib/net. It runs its own single-threaded io_context, so it never
// shares threads with the server under test. Not for production use (see lib/trace_http).
#pragma once

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "lib/net/http.h"

namespace cairn::net::testing {

class TestClient {
 public:
  explicit TestClient(std::uint16_t port,
                      std::chrono::milliseconds timeout = std::chrono::seconds(5))
      : stream_(ioc_), timeout_(timeout) {
    asio::ip::tcp::endpoint endpoint(asio::ip::make_address("127.0.0.1"), port);
    stream_.expires_after(timeout_);
    stream_.async_connect(endpoint, [this](beast::error_code ec) { connect_error_ = ec; });
    Run();
  }

  const beast::error_code& connect_error() const { return connect_error_; }
  beast::tcp_stream& stream() { return stream_; }

  // Writes raw bytes.
  beast::error_code WriteRaw(std::string_view bytes) {
    beast::error_code result;
    stream_.expires_after(timeout_);
    asio::async_write(stream_, asio::buffer(bytes.data(), bytes.size()),
                      [&](beast::error_code ec, std::size_t) { result = ec; });
    Run();
    return result;
  }

  beast::error_code Send(Request& req) {
    if (req.find(http::field::host) == req.end()) req.set(http::field::host, "127.0.0.1");
    req.prepare_payload();
    beast::error_code result;
    stream_.expires_after(timeout_);
    http::async_write(stream_, req, [&](beast::error_code ec, std::size_t) { result = ec; });
    Run();
    return result;
  }

  // Reads one response. `head` tells the parser that the request was HEAD (no body follows).
  beast::error_code Read(Response& res, bool head = false) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(64 * 1024 * 1024);
    parser.skip(head);
    beast::error_code result;
    stream_.expires_after(timeout_);
    http::async_read(stream_, buffer_, parser,
                     [&](beast::error_code ec, std::size_t) { result = ec; });
    Run();
    if (!result) res = parser.release();
    return result;
  }

  // Sends `req` and reads its response; on error the response has status 0 and `error` is set.
  Response RoundTrip(Request req, beast::error_code* error = nullptr) {
    Response res;
    res.result(0);
    beast::error_code ec = Send(req);
    if (!ec) ec = Read(res, req.method() == http::verb::head);
    if (error != nullptr) *error = ec;
    if (ec) res.result(0);
    return res;
  }

  Response Get(std::string_view target, beast::error_code* error = nullptr) {
    return RoundTrip(Request(http::verb::get, target, 11), error);
  }
  Response Post(std::string_view target, std::string body, beast::error_code* error = nullptr) {
    Request req(http::verb::post, target, 11);
    req.body() = std::move(body);
    return RoundTrip(std::move(req), error);
  }

  // Reads until the server closes the connection (or `within` passes); returns everything read
  // (including bytes already buffered) and sets `closed` when the peer closed or reset.
  std::string ReadUntilClose(bool& closed, std::chrono::milliseconds within) {
    std::string out(static_cast<const char*>(buffer_.data().data()), buffer_.size());
    buffer_.consume(buffer_.size());
    closed = false;
    stream_.expires_after(within);
    char chunk[4096];
    bool done = false;
    std::function<void(beast::error_code, std::size_t)> on_read;
    on_read = [&](beast::error_code ec, std::size_t n) {
      out.append(chunk, n);
      if (ec) {
        closed = ec != beast::error::timeout;
        done = true;
        return;
      }
      stream_.async_read_some(asio::buffer(chunk), on_read);
    };
    stream_.async_read_some(asio::buffer(chunk), on_read);
    Run();
    (void)done;
    return out;
  }

 private:
  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  asio::io_context ioc_;
  beast::tcp_stream stream_;
  beast::flat_buffer buffer_;
  std::chrono::milliseconds timeout_;
  beast::error_code connect_error_;
};

}  // namespace cairn::net::testing
