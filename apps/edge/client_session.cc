#include "apps/edge/client_session.h"

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <optional>

#include "apps/edge/proxy.h"
#include "apps/edge/request_handler.h"
#include "lib/net/http1_io.h"
#include "lib/net/read_buffer.h"
#include "lib/net/tcp_stream.h"
#include "lib/net/tls_stream.h"

namespace cairn::edge {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using tcp = asio::ip::tcp;

namespace {

constexpr std::size_t kReadSlack = 16 * 1024;
constexpr std::chrono::seconds kLingerTime{2};
constexpr std::size_t kMaxLingerBytes = 1024 * 1024;

template <class Stream>
class ClientDownstream final : public Downstream {
 public:
  ClientDownstream(Stream& stream, net::Deadline& deadline, std::chrono::milliseconds timeout)
      : stream_(stream), deadline_(deadline), timeout_(timeout) {}

  asio::awaitable<void> Write(std::span<const asio::const_buffer> buffers,
                              boost::system::error_code& ec) override {
    deadline_.Arm(timeout_);
    co_await stream_.Write(buffers, ec);
    if (deadline_.fired()) ec = asio::error::timed_out;
    deadline_.Disarm();
  }

 private:
  Stream& stream_;
  net::Deadline& deadline_;
  std::chrono::milliseconds timeout_;
};

// Registers the connection with its worker for draining, and counts it.
class Registration {
 public:
  Registration(Worker& worker, SessionHandle& handle) : worker_(worker), handle_(handle) {
    worker_.Register(handle_);
    worker_.shared().metrics->downstream_connections().Add(1);
  }
  ~Registration() {
    worker_.Unregister(handle_);
    worker_.shared().metrics->downstream_connections().Sub(1);
    worker_.shared().connections.fetch_sub(1, std::memory_order_relaxed);
  }

 private:
  Worker& worker_;
  SessionHandle& handle_;
};

enum class Outcome { kKeepGoing, kClose };

template <class Stream>
class Session {
 public:
  Session(Worker& worker, Stream& stream, bool tls, std::uint16_t listener_port)
      : worker_(worker),
        limits_(worker.limits()),
        stream_(stream),
        deadline_(worker.deadlines(), stream.socket()),
        buffer_(limits_.max_header_bytes + kReadSlack),
        downstream_(stream, deadline_, limits_.write_timeout) {
    boost::system::error_code ec;
    client_.remote = stream.socket().remote_endpoint(ec);
    asio::ip::address address = client_.remote.address();
    if (address.is_v6() && address.to_v6().is_v4_mapped()) {
      address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
    }
    client_.ip = address.to_string();
    client_.tls = tls;
    client_.listener_port = listener_port;
    handle_.socket = &stream.socket();
  }

  asio::awaitable<void> Run() {
    Registration registration(worker_, handle_);
    if constexpr (std::is_same_v<Stream, net::TlsStream>) {
      handle_.idle = false;
      deadline_.Arm(limits_.header_timeout);
      boost::system::error_code ec;
      co_await stream_.Handshake(ec);
      deadline_.Disarm();
      if (ec) {
        worker_.shared().metrics->tls_handshake_failures().Increment();
        stream_.Close();
        co_return;
      }
    }
    std::size_t served = 0;
    while (true) {
      handle_.idle = true;
      if (worker_.shared().draining.load(std::memory_order_relaxed)) break;
      if (buffer_.empty()) {
        deadline_.Arm(served == 0 ? limits_.header_timeout : limits_.idle_timeout);
        boost::system::error_code ec;
        std::size_t n = co_await stream_.ReadSome(buffer_.Prepare(), ec);
        if (ec) {
          if (deadline_.fired() && served == 0) {
            worker_.shared().metrics->Reject(Rejection::kHeaderTimeout);
          }
          break;
        }
        buffer_.Commit(n);
      }
      handle_.idle = false;
      if (co_await ServeOne() == Outcome::kClose) break;
      ++served;
    }
    deadline_.Disarm();
    stream_.Close();
  }

 private:
  asio::awaitable<Outcome> ServeOne() {
    EdgeMetrics& metrics = *worker_.shared().metrics;
    body_.clear();
    net::HeadParser<true> parser(head_, limits_.max_headers, &body_);
    parser.header_limit(static_cast<std::uint32_t>(limits_.max_header_bytes));
    parser.body_limit(limits_.max_body_bytes);
    deadline_.Arm(limits_.header_timeout);
    boost::system::error_code ec;
    co_await net::ReadHttp(stream_, buffer_, parser, net::ReadUntil::kHeader, ec);
    if (ec) co_return co_await ReadFailed(ec, parser, /*in_header=*/true);
    if (head_.version() >= 11 && head_.Find(http::field::host) == nullptr) {
      metrics.Reject(Rejection::kMalformed);
      std::string message = "malformed HTTP request: HTTP/1.1 request without Host";
      co_return co_await FailAndClose(400, std::move(message));
    }
    if (head_.Find(http::field::transfer_encoding) != nullptr &&
        head_.Find(http::field::content_length) != nullptr) {
      // RFC 9112 section 6.3: a request smuggling vector; refuse rather than guess.
      metrics.Reject(Rejection::kMalformed);
      std::string message = "malformed HTTP request: both Transfer-Encoding and Content-Length";
      co_return co_await FailAndClose(400, std::move(message));
    }
    if (!parser.is_done()) {
      if (head_.version() >= 11 &&
          net::HasToken(head_.Value(http::field::expect), "100-continue")) {
        static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
        asio::const_buffer part = asio::buffer(kContinue);
        co_await downstream_.Write(std::span(&part, 1), ec);
        if (ec) co_return Outcome::kClose;
      }
      deadline_.Arm(limits_.body_timeout);
      co_await net::ReadHttp(stream_, buffer_, parser, net::ReadUntil::kMessage, ec);
      if (ec) co_return co_await ReadFailed(ec, parser, /*in_header=*/false);
    }
    deadline_.Disarm();
    const bool keep = co_await HandleRequest(worker_, scratch_, client_, head_, body_, downstream_);
    if (!keep) {
      co_await LingeringClose();
      co_return Outcome::kClose;
    }
    co_return Outcome::kKeepGoing;
  }

  asio::awaitable<Outcome> ReadFailed(const boost::system::error_code& ec,
                                      const net::HeadParser<true>& parser, bool in_header) {
    EdgeMetrics& metrics = *worker_.shared().metrics;
    if (deadline_.fired()) {
      metrics.Reject(in_header ? Rejection::kHeaderTimeout : Rejection::kBodyTimeout);
      co_return Outcome::kClose;  // slowloris: no answer
    }
    if (ec == http::error::header_limit) {
      metrics.Reject(parser.too_many_fields() ? Rejection::kTooManyHeaders
                                              : Rejection::kHeaderTooLarge);
      std::string message =
          parser.too_many_fields()
              ? "request has more than " + std::to_string(limits_.max_headers) + " header fields"
              : "request header exceeds " + std::to_string(limits_.max_header_bytes) + " bytes";
      co_return co_await FailAndClose(431, std::move(message));
    }
    if (ec == http::error::body_limit) {
      metrics.Reject(Rejection::kBodyTooLarge);
      std::string message =
          "request body exceeds " + std::to_string(limits_.max_body_bytes) + " bytes";
      co_return co_await FailAndClose(413, std::move(message));
    }
    const bool stream_ended = ec == asio::error::eof || ec == http::error::end_of_stream ||
                              ec == http::error::partial_message || ec == http::error::short_read;
    if (ec.category() == http::make_error_code(http::error::bad_method).category() &&
        !stream_ended) {
      metrics.Reject(Rejection::kMalformed);
      std::string message = "malformed HTTP request: " + ec.message();
      co_return co_await FailAndClose(400, std::move(message));
    }
    co_return Outcome::kClose;  // reset or closed: nobody to answer
  }

  // Note for callers: build `message` in a variable first. GCC 12 destroys temporaries created
  // inside a co_await expression twice (see lib/net/README.md).
  asio::awaitable<Outcome> FailAndClose(unsigned status, std::string message) {
    message.push_back('\n');
    boost::system::error_code ec;
    co_await WriteLocalResponse(downstream_, scratch_, status, message, "text/plain; charset=utf-8",
                                /*keep_alive=*/false, /*head_only=*/false, ec);
    worker_.shared().metrics->no_route().CountResponse(status);
    if (!ec) co_await LingeringClose();
    co_return Outcome::kClose;
  }

  // Half-closes, then reads and drops what the client still sends (bounded), so that closing
  // with unread input does not reset the connection before the client read our answer.
  asio::awaitable<void> LingeringClose() {
    stream_.ShutdownSend();
    handle_.idle = true;
    deadline_.Arm(kLingerTime);
    std::size_t dropped = 0;
    buffer_.Clear();
    while (dropped < kMaxLingerBytes) {
      boost::system::error_code ec;
      std::size_t n = co_await stream_.ReadSome(buffer_.Prepare(), ec);
      if (ec) break;
      dropped += n;
      buffer_.Clear();
    }
    deadline_.Disarm();
  }

  Worker& worker_;
  const LimitsConfig& limits_;
  Stream& stream_;
  net::Deadline deadline_;
  net::ReadBuffer buffer_;
  ClientDownstream<Stream> downstream_;
  ClientInfo client_;
  SessionHandle handle_;
  net::MessageHead head_;
  std::string body_;
  ProxyScratch scratch_;
};

}  // namespace

asio::awaitable<void> ServeClient(Worker& worker, tcp::socket socket, bool tls,
                                  std::uint16_t listener_port) {
  if (tls) {
    std::shared_ptr<const net::TlsServerContext> context = worker.snapshot()->tls;
    if (context == nullptr) {
      worker.shared().connections.fetch_sub(1, std::memory_order_relaxed);
      co_return;
    }
    net::TlsStream stream(std::move(socket), std::move(context));
    auto session = std::make_unique<Session<net::TlsStream>>(worker, stream, true, listener_port);
    co_await session->Run();
  } else {
    net::TcpStream stream(std::move(socket));
    auto session = std::make_unique<Session<net::TcpStream>>(worker, stream, false, listener_port);
    co_await session->Run();
  }
}

}  // namespace cairn::edge
