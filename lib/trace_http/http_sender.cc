#include "lib/trace_http/http_sender.h"

#include <atomic>
#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/error.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/span.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/span_body.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <mutex>
#include <optional>

#include "lib/trace_http/collector_url.h"

namespace cairn::trace_http {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using ErrorCode = boost::system::error_code;
using SteadyTime = std::chrono::steady_clock::time_point;

namespace {

bool IsTokenChar(char c) {
  if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i] >= 'A' && a[i] <= 'Z' ? static_cast<char>(a[i] - 'A' + 'a') : a[i];
    char y = b[i] >= 'A' && b[i] <= 'Z' ? static_cast<char>(b[i] - 'A' + 'a') : b[i];
    if (x != y) return false;
  }
  return true;
}

// The previous use of a keep-alive connection ended it: the collector closed it while idle.
bool IsConnectionDrop(const ErrorCode& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::eof ||
         ec == asio::error::connection_reset || ec == asio::error::broken_pipe ||
         ec == asio::error::connection_aborted;
}

// First bytes of a response body, printable, for error messages.
std::string Excerpt(std::string_view body) {
  constexpr std::size_t kMax = 200;
  std::string out;
  for (char c : body.substr(0, kMax)) out += (c >= 0x20 && c < 0x7f) ? c : ' ';
  if (body.size() > kMax) out += "...";
  return out;
}

}  // namespace

Status HttpSenderOptions::Validate() const {
  if (timeout.count() <= 0) return InvalidArgument("http sender timeout must be positive");
  if (max_response_body_bytes == 0) {
    return InvalidArgument("http sender max_response_body_bytes must be positive");
  }
  for (const auto& [name, value] : headers) {
    if (name.empty()) return InvalidArgument("http sender header name is empty");
    for (char c : name) {
      if (!IsTokenChar(c))
        return InvalidArgument("http sender header name \"" + name + "\" is invalid");
    }
    for (char c : value) {
      if (c == '\r' || c == '\n' || c == '\0') {
        return InvalidArgument("http sender header \"" + name + "\" has a control character");
      }
    }
    for (std::string_view reserved :
         {"host", "content-length", "transfer-encoding", "connection"}) {
      if (EqualsIgnoreCase(name, reserved)) {
        return InvalidArgument("http sender header \"" + name + "\" is set by the sender itself");
      }
    }
  }
  for (char c : user_agent) {
    if (c == '\r' || c == '\n' || c == '\0') {
      return InvalidArgument("http sender user_agent has a control character");
    }
  }
  return Status::Ok();
}

class HttpSender::Impl {
 public:
  Impl(HttpSenderOptions options, CollectorUrl url)
      : options_(std::move(options)), url_(std::move(url)) {
    request_.method(http::verb::post);
    request_.target(url_.target);
    request_.version(11);
    request_.set(http::field::host, url_.host_header);
    if (!options_.user_agent.empty()) request_.set(http::field::user_agent, options_.user_agent);
    for (const auto& [name, value] : options_.headers) request_.set(name, value);
    // Do not trace the tracing traffic (openzipkin/b3-propagation, zipkin-go reporter/http).
    request_.set("b3", "0");
    request_.keep_alive(true);
  }

  ~Impl() { Close(); }

  Status Send(std::string_view body, trace::Encoding encoding) {
    std::lock_guard<std::mutex> lock(mu_);
    std::string_view content_type = trace::ContentType(encoding);
    request_.set(http::field::content_type,
                 beast::string_view(content_type.data(), content_type.size()));
    request_.body() = boost::span<const char>(body.data(), body.size());
    request_.prepare_payload();
    bool retry = false;
    Status status = Attempt(retry);
    if (retry) {
      // The collector had closed the idle connection, so it did not process the request.
      bool unused = false;
      status = Attempt(unused);
    }
    request_.body() = {};
    return status;
  }

  const HttpSenderOptions& options() const { return options_; }
  std::uint64_t connections_opened() const {
    return connections_opened_.load(std::memory_order_relaxed);
  }

 private:
  // Runs the io_context until the operation started by `initiate` completes; returns its error.
  template <typename Initiate>
  ErrorCode Run(Initiate&& initiate) {
    ErrorCode result;
    initiate([&result](ErrorCode ec, auto&&...) { result = ec; });
    ioc_.restart();
    ioc_.run();
    return result;
  }

  Status Failure(std::string_view stage, const ErrorCode& ec) const {
    if (ec == beast::error::timeout || ec == asio::error::timed_out) {
      return Unavailable("POST " + options_.url + ": timed out after " +
                         std::to_string(options_.timeout.count()) + " ms while " +
                         std::string(stage));
    }
    return Unavailable("POST " + options_.url + ": " + std::string(stage) +
                       " failed: " + ec.message());
  }

  Status Connect(SteadyTime deadline) {
    tcp::resolver resolver(ioc_);
    asio::steady_timer timer(ioc_, deadline);
    tcp::resolver::results_type endpoints;
    bool timed_out = false;
    timer.async_wait([&](ErrorCode ec) {
      if (!ec) {
        timed_out = true;
        resolver.cancel();
      }
    });
    ErrorCode ec = Run([&](auto handler) {
      resolver.async_resolve(
          url_.host, url_.port,
          [&, handler](ErrorCode e, tcp::resolver::results_type results) mutable {
            endpoints = std::move(results);
            timer.cancel();
            handler(e);
          });
    });
    if (timed_out) return Failure("resolving " + url_.host, beast::error::timeout);
    if (ec) return Failure("resolving " + url_.host, ec);

    stream_.emplace(ioc_);
    stream_->expires_at(deadline);
    ec = Run([&](auto handler) { stream_->async_connect(endpoints, handler); });
    if (ec) {
      Close();
      return Failure("connecting", ec);
    }
    ErrorCode ignored;
    stream_->socket().set_option(tcp::no_delay(true), ignored);
    buffer_.consume(buffer_.size());
    connections_opened_.fetch_add(1, std::memory_order_relaxed);
    return Status::Ok();
  }

  // One request/response exchange. Sets `retry` when it failed only because a reused connection
  // had been closed by the peer before any response byte came back.
  Status Attempt(bool& retry) {
    retry = false;
    SteadyTime deadline = std::chrono::steady_clock::now() + options_.timeout;
    bool reused = stream_.has_value();
    if (!reused) {
      Status connected = Connect(deadline);
      if (!connected.ok()) return connected;
    }
    stream_->expires_at(deadline);
    ErrorCode ec = Run([&](auto handler) { http::async_write(*stream_, request_, handler); });
    if (ec) {
      Close();
      retry = reused && IsConnectionDrop(ec);
      return Failure("sending", ec);
    }
    http::response_parser<http::string_body> parser;
    parser.body_limit(options_.max_response_body_bytes);
    ec = Run([&](auto handler) { http::async_read(*stream_, buffer_, parser, handler); });
    if (ec) {
      Close();
      retry = reused && !parser.got_some() && IsConnectionDrop(ec);
      return Failure("reading the response", ec);
    }
    const auto& response = parser.get();
    if (!response.keep_alive()) {
      Close();
    } else {
      stream_->expires_never();
    }
    return FromStatusCode(response.result_int(), response.body());
  }

  Status FromStatusCode(unsigned code, std::string_view body) const {
    if (code >= 200 && code <= 299) return Status::Ok();
    std::string message = "POST " + options_.url + ": collector answered " + std::to_string(code);
    if (!body.empty()) message += ": " + Excerpt(body);
    // Worth retrying: server errors, overload (429) and the server's own timeout (408).
    if (code >= 500 || code == 408 || code == 429) return Unavailable(std::move(message));
    if (code >= 300 && code <= 399) message += " (redirects are not followed)";
    return InvalidArgument(std::move(message));
  }

  void Close() {
    if (!stream_) return;
    ErrorCode ignored;
    stream_->socket().shutdown(tcp::socket::shutdown_both, ignored);
    stream_->socket().close(ignored);
    stream_.reset();
    // Drops handlers of the closed stream (e.g. its expired timer) before the next use.
    ioc_.restart();
    ioc_.run();
  }

  HttpSenderOptions options_;
  CollectorUrl url_;
  std::mutex mu_;
  asio::io_context ioc_{1};
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_{16 * 1024};
  http::request<http::span_body<const char>> request_;
  std::atomic<std::uint64_t> connections_opened_{0};
};

Result<std::unique_ptr<HttpSender>> HttpSender::Create(HttpSenderOptions options) {
  Status valid = options.Validate();
  if (!valid.ok()) return valid;
  Result<CollectorUrl> url = ParseCollectorUrl(options.url);
  if (!url.ok()) return url.status();
  auto impl = std::make_unique<Impl>(std::move(options), std::move(url).value());
  return std::unique_ptr<HttpSender>(new HttpSender(std::move(impl)));
}

HttpSender::HttpSender(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
HttpSender::~HttpSender() = default;

Status HttpSender::Send(std::string_view body, trace::Encoding encoding) {
  return impl_->Send(body, encoding);
}

std::uint64_t HttpSender::connections_opened() const { return impl_->connections_opened(); }
const HttpSenderOptions& HttpSender::options() const { return impl_->options(); }

Result<std::shared_ptr<trace::AsyncReporter>> MakeHttpReporter(
    std::string_view url, trace::AsyncReporterOptions reporter_options) {
  HttpSenderOptions options;
  options.url = std::string(url);
  return MakeHttpReporter(std::move(options), reporter_options);
}

Result<std::shared_ptr<trace::AsyncReporter>> MakeHttpReporter(
    HttpSenderOptions sender_options, trace::AsyncReporterOptions reporter_options) {
  Result<std::unique_ptr<HttpSender>> sender = HttpSender::Create(std::move(sender_options));
  if (!sender.ok()) return sender.status();
  return trace::AsyncReporter::Create(std::move(sender).value(), reporter_options);
}

}  // namespace cairn::trace_http
