#include "lib/net/session.h"

#include <algorithm>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/write.hpp>
#include <optional>
#include <string>
#include <tuple>

#include "lib/net/request_context.h"

namespace cairn::net::internal {
namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
using tcp = asio::ip::tcp;

// Bytes asked for by the read that waits for a new request.
constexpr std::size_t kReadChunk = 16 * 1024;
// What a lingering close reads and drops at most before it closes anyway.
constexpr std::size_t kMaxLingerBytes = 1024 * 1024;
// Error answers are tiny; a client that cannot take them this fast is not worth waiting for.
constexpr std::chrono::milliseconds kErrorWriteTimeout{5'000};

enum class ReadFailure { kClosed, kTimeout, kMalformed, kHeaderTooLarge, kBodyTooLarge };

ReadFailure Classify(const beast::error_code& ec, bool timed_out) {
  if (timed_out) return ReadFailure::kTimeout;
  if (ec == http::error::header_limit || ec == http::error::buffer_overflow) {
    return ReadFailure::kHeaderTooLarge;
  }
  if (ec == http::error::body_limit) return ReadFailure::kBodyTooLarge;
  if (ec.category() == http::make_error_code(http::error::bad_method).category()) {
    // The stream ended early; there is no one left to answer.
    if (ec == http::error::end_of_stream || ec == http::error::partial_message ||
        ec == http::error::short_read) {
      return ReadFailure::kClosed;
    }
    return ReadFailure::kMalformed;
  }
  return ReadFailure::kClosed;  // reset, eof, closed by Stop()
}

bool ExpectsContinue(const Request& req) {
  if (req.version() < 11) return false;
  auto it = req.find(http::field::expect);
  return it != req.end() && beast::iequals(it->value(), "100-continue");
}

// Stops sending, then reads and drops what the client still sends until it closes, the linger time
// passes or kMaxLingerBytes were dropped, and closes. Closing with unread input would make the
// kernel send a reset that can destroy our last answer before the client reads it.
asio::awaitable<void> LingeringClose(ServerState& state, Connection& conn,
                                     beast::flat_buffer& buffer) {
  beast::error_code ec;
  conn.socket.shutdown(tcp::socket::shutdown_send, ec);
  if (!ec && !state.stopping.load()) {
    conn.idle = true;  // Stop() may cut the linger short
    buffer.clear();
    conn.ArmDeadline(state.options.linger_timeout);
    std::size_t dropped = 0;
    while (dropped < kMaxLingerBytes) {
      auto [read_ec, n] = co_await conn.socket.async_read_some(buffer.prepare(kReadChunk), kTuple);
      if (read_ec) break;
      dropped += n;
    }
  }
  conn.DisarmDeadline();
  conn.Close();
}

// Sends a one-off error answer and closes the connection.
asio::awaitable<void> FailAndClose(ServerState& state, Connection& conn, beast::flat_buffer& buffer,
                                   http::status status, std::string message) {
  Response res = MakeResponse(status, std::move(message));
  res.keep_alive(false);
  if (!state.options.server_header.empty())
    res.set(http::field::server, state.options.server_header);
  res.prepare_payload();
  state.counters.CountResponse(res.result_int());
  conn.ArmDeadline(std::min(state.options.write_timeout, kErrorWriteTimeout));
  auto [ec, n] = co_await http::async_write(conn.socket, res, kTuple);
  if (ec) {
    Counters::Inc(state.counters.write_errors);
    conn.Close();
    co_return;
  }
  co_await LingeringClose(state, conn, buffer);
}

// Answers a failed request read (header or body) as the failure deserves.
asio::awaitable<void> HandleReadFailure(ServerState& state, Connection& conn,
                                        beast::flat_buffer& buffer, const beast::error_code& ec,
                                        bool in_header) {
  Counters& counters = state.counters;
  switch (Classify(ec, conn.timed_out)) {
    case ReadFailure::kClosed:
      conn.Close();
      break;
    case ReadFailure::kTimeout:
      Counters::Inc(in_header ? counters.header_timeouts : counters.body_timeouts);
      conn.Close();
      break;
    case ReadFailure::kMalformed:
      Counters::Inc(counters.rejected_malformed);
      co_await FailAndClose(state, conn, buffer, http::status::bad_request,
                            "malformed HTTP request: " + ec.message());
      break;
    case ReadFailure::kHeaderTooLarge:
      Counters::Inc(counters.rejected_header_too_large);
      co_await FailAndClose(
          state, conn, buffer, http::status::request_header_fields_too_large,
          "request header exceeds " + std::to_string(state.options.max_header_bytes) + " bytes");
      break;
    case ReadFailure::kBodyTooLarge:
      Counters::Inc(counters.rejected_body_too_large);
      co_await FailAndClose(
          state, conn, buffer, http::status::payload_too_large,
          "request body exceeds " + std::to_string(state.options.max_body_bytes) + " bytes");
      break;
  }
}

// Runs the router; a handler that throws anyway is answered 500 rather than taking the connection
// (or the process) down.
asio::awaitable<Response> Dispatch(ServerState& state, RequestContext& ctx) {
  try {
    co_return co_await state.router.Handle(ctx);
  } catch (...) {
    Counters::Inc(state.counters.handler_errors);
  }
  co_return MakeResponse(http::status::internal_server_error, "internal server error");
}

// Fills in what the handler leaves to the server: version, keep-alive, framing, Server header.
void Finalize(const ServerOptions& options, const Request& req, Response& res, bool keep_alive) {
  res.version(req.version());
  res.keep_alive(keep_alive);
  if (!options.server_header.empty() && res.find(http::field::server) == res.end()) {
    res.set(http::field::server, options.server_header);
  }
  const unsigned code = res.result_int();
  if (code < 200 || code == 204 || code == 304) {
    res.body().clear();  // these never carry a body; prepare_payload would throw on one
  }
  const bool head_with_length = req.method() == http::verb::head && res.body().empty() &&
                                res.find(http::field::content_length) != res.end();
  if (!head_with_length) res.prepare_payload();
}

}  // namespace

asio::awaitable<void> ServeConnection(std::shared_ptr<ServerState> state_ptr,
                                      std::shared_ptr<Connection> conn_ptr,
                                      Registration registration) {
  (void)registration;  // lives as long as this frame
  ServerState& state = *state_ptr;
  Connection& conn = *conn_ptr;
  const ServerOptions& options = state.options;
  tcp::socket& socket = conn.socket;
  Counters& counters = state.counters;

  beast::error_code ec;
  const tcp::endpoint remote = socket.remote_endpoint(ec);
  // Holds at most one header plus what one read brings; bodies go straight into the request.
  beast::flat_buffer buffer(options.max_header_bytes + kReadChunk);
  RequestContext ctx;
  std::optional<http::request_parser<http::string_body>> parser;
  std::size_t served = 0;

  while (true) {
    if (buffer.size() == 0) {
      // Between requests: an idle connection that Stop() may close at any moment.
      conn.idle = true;
      if (state.stopping.load()) break;
      conn.ArmDeadline(served == 0 ? options.header_timeout : options.idle_timeout);
      auto [read_ec, n] = co_await socket.async_read_some(buffer.prepare(kReadChunk), kTuple);
      conn.idle = false;
      if (read_ec) {
        if (conn.timed_out) {
          Counters::Inc(served == 0 ? counters.header_timeouts : counters.idle_timeouts);
        }
        break;
      }
      buffer.commit(n);
    }

    parser.emplace();
    parser->header_limit(static_cast<std::uint32_t>(options.max_header_bytes));
    parser->body_limit(options.max_body_bytes);
    conn.ArmDeadline(options.header_timeout);
    auto [header_ec, header_n] = co_await http::async_read_header(socket, buffer, *parser, kTuple);
    if (header_ec) {
      co_await HandleReadFailure(state, conn, buffer, header_ec, /*in_header=*/true);
      break;
    }
    if (parser->get().version() >= 11 &&
        parser->get().find(http::field::host) == parser->get().end()) {
      // RFC 9112 section 3.2: a server must answer 400 to an HTTP/1.1 request without Host.
      Counters::Inc(counters.rejected_malformed);
      co_await FailAndClose(state, conn, buffer, http::status::bad_request,
                            "malformed HTTP request: HTTP/1.1 request without Host header");
      break;
    }
    if (!parser->is_done()) {
      if (ExpectsContinue(parser->get())) {
        http::response<http::empty_body> go_on{http::status::continue_, 11};
        conn.ArmDeadline(options.write_timeout);
        auto [write_ec, write_n] = co_await http::async_write(socket, go_on, kTuple);
        if (write_ec) {
          Counters::Inc(counters.write_errors);
          break;
        }
      }
      conn.ArmDeadline(options.body_timeout);
      auto [body_ec, body_n] = co_await http::async_read(socket, buffer, *parser, kTuple);
      if (body_ec) {
        co_await HandleReadFailure(state, conn, buffer, body_ec, /*in_header=*/false);
        break;
      }
    }

    Request req = parser->release();
    Counters::Inc(counters.requests);
    ++served;
    // The handler's own time is not bounded by the connection's I/O deadlines.
    conn.DisarmDeadline();
    ctx.Reset(req, remote);
    Response res = co_await Dispatch(state, ctx);

    const bool keep_alive =
        req.keep_alive() && res.keep_alive() && !state.stopping.load() &&
        (options.max_requests_per_connection == 0 || served < options.max_requests_per_connection);
    Finalize(options, req, res, keep_alive);
    counters.CountResponse(res.result_int());

    conn.ArmDeadline(options.write_timeout);
    beast::error_code write_ec;
    if (req.method() == http::verb::head) {
      http::response_serializer<http::string_body> serializer(res);
      std::tie(write_ec, std::ignore) =
          co_await http::async_write_header(socket, serializer, kTuple);
    } else {
      std::tie(write_ec, std::ignore) = co_await http::async_write(socket, res, kTuple);
    }
    if (write_ec) {
      Counters::Inc(counters.write_errors);
      break;
    }
    if (!keep_alive) {
      if (buffer.size() == 0 && socket.available(ec) == 0 && !ec) {
        socket.shutdown(tcp::socket::shutdown_send, ec);
      } else {
        co_await LingeringClose(state, conn, buffer);
      }
      break;
    }
  }
  conn.idle = true;
  conn.DisarmDeadline();
  conn.Close();
}

asio::awaitable<void> RejectConnection(std::shared_ptr<ServerState> state_ptr,
                                       std::shared_ptr<Connection> conn_ptr,
                                       Registration registration) {
  (void)registration;  // lives as long as this frame
  static constexpr std::string_view kAnswer =
      "HTTP/1.1 503 Service Unavailable\r\n"
      "Content-Type: text/plain; charset=utf-8\r\n"
      "Content-Length: 27\r\n"
      "Connection: close\r\n"
      "\r\n"
      "server at connection limit\n";
  ServerState& state = *state_ptr;
  Connection& conn = *conn_ptr;
  conn.idle = true;  // nothing to lose: Stop() may close it at any point
  beast::flat_buffer buffer(kReadChunk);
  state.counters.CountResponse(503);
  conn.ArmDeadline(kErrorWriteTimeout);
  auto [ec, n] = co_await asio::async_write(conn.socket, asio::buffer(kAnswer), kTuple);
  if (ec) {
    conn.Close();
    co_return;
  }
  co_await LingeringClose(state, conn, buffer);
}

}  // namespace cairn::net::internal
