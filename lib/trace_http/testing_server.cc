#include "lib/trace_http/testing_server.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/write.hpp>
#include <set>

namespace cairn::trace_http::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;

namespace {
constexpr auto kUse = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kMaxRequestBody = 64 * 1024 * 1024;
}  // namespace

// Everything of one run; every member is used on the loop thread only, except in Start/Stop
// before the thread starts and after it ended.
class TestHttpServer::Loop {
 public:
  struct Connection {
    beast::tcp_stream stream;
    asio::steady_timer timer;
  };

  explicit Loop(TestHttpServer& server) : server_(server) {}

  asio::awaitable<void> Accept() {
    for (;;) {
      auto [ec, socket] = co_await acceptor.async_accept(kUse);
      if (ec) {
        if (!acceptor.is_open()) co_return;
        continue;
      }
      std::uint64_t id = server_.connections_.fetch_add(1) + 1;
      asio::co_spawn(ioc, Session(std::move(socket), id), asio::detached);
    }
  }

  asio::awaitable<void> Session(tcp::socket socket, std::uint64_t id) {
    RequestInfo info;
    info.connection_id = id;
    ErrorCode ignored;
    info.remote = socket.remote_endpoint(ignored);
    Connection connection{beast::tcp_stream(std::move(socket)), asio::steady_timer(ioc)};
    live.insert(&connection);
    beast::flat_buffer buffer;
    // `stopping` covers a session that starts, or resumes, after Shutdown closed the others.
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.body_limit(kMaxRequestBody);
      auto [read_ec, read_bytes] =
          co_await http::async_read(connection.stream, buffer, parser, kUse);
      if (read_ec) break;
      Request request = parser.release();
      std::int64_t delay = server_.delay_ms_.load();
      if (delay > 0) {
        connection.timer.expires_after(std::chrono::milliseconds(delay));
        auto [timer_ec] = co_await connection.timer.async_wait(kUse);
        if (timer_ec || stopping) break;
      }
      Response response = server_.handler_(request, info);
      bool close = response[http::field::connection] == "close" || !request.keep_alive();
      response.version(request.version());
      response.keep_alive(!close);
      response.prepare_payload();
      auto [write_ec, write_bytes] = co_await http::async_write(connection.stream, response, kUse);
      if (write_ec || close) break;
    }
    connection.stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
    live.erase(&connection);
  }

  // Ends every coroutine, so that ioc.run() returns.
  void Shutdown() {
    stopping = true;
    ErrorCode ignored;
    acceptor.close(ignored);
    for (Connection* connection : live) {
      connection->stream.close();
      connection->timer.cancel();
    }
  }

  asio::io_context ioc{1};
  tcp::acceptor acceptor{ioc};
  std::set<Connection*> live;
  bool stopping = false;

 private:
  TestHttpServer& server_;
};

TestHttpServer::TestHttpServer(Handler handler) : handler_(std::move(handler)) {}

TestHttpServer::~TestHttpServer() { Stop(); }

Status TestHttpServer::Start(std::uint16_t port) {
  if (running_) return FailedPrecondition("test server already running");
  if (port == 0) port = port_;
  auto loop = std::make_unique<Loop>(*this);
  ErrorCode ec;
  tcp::endpoint endpoint(asio::ip::make_address_v4("127.0.0.1"), port);
  loop->acceptor.open(endpoint.protocol(), ec);
  if (!ec) loop->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) loop->acceptor.bind(endpoint, ec);
  if (!ec) loop->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return Unavailable("test server cannot listen on 127.0.0.1:" + std::to_string(port) + ": " +
                       ec.message());
  }
  port_ = loop->acceptor.local_endpoint().port();
  asio::co_spawn(loop->ioc, loop->Accept(), asio::detached);
  loop_ = std::move(loop);
  thread_ = std::thread([loop = loop_.get()] { loop->ioc.run(); });
  running_ = true;
  return Status::Ok();
}

void TestHttpServer::Stop() {
  if (!running_) return;
  asio::post(loop_->ioc, [loop = loop_.get()] { loop->Shutdown(); });
  thread_.join();
  loop_.reset();
  running_ = false;
}

}  // namespace cairn::trace_http::testing
