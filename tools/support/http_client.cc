#include "tools/support/http_client.h"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <charconv>
#include <optional>
#include <utility>

namespace cairn::tools {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;

class HttpClient::Impl {
 public:
  Impl(const std::string& host, std::uint16_t port, std::chrono::milliseconds timeout, bool tls)
      : timeout_(timeout), use_tls_(tls), host_(host) {
    tls_context_.set_verify_mode(asio::ssl::verify_none);
    boost::system::error_code ec;
    asio::ip::address address =
        asio::ip::make_address(host == "localhost" ? "127.0.0.1" : host, ec);
    if (ec) address_error_ = "bad address " + host + ": " + ec.message();
    endpoint_ = asio::ip::tcp::endpoint(address, port);
    request_.version(11);
    request_.set(http::field::host, host + ":" + std::to_string(port));
    request_.set(http::field::user_agent, "cairn-tools");
  }

  HttpResponse Exchange(http::verb verb, std::string_view target, std::string_view body,
                        std::string_view content_type, const HttpHeaders& headers,
                        std::uint64_t& connects) {
    HttpResponse out;
    if (!address_error_.empty()) {
      out.error = address_error_;
      return out;
    }
    if (!connected_) {
      stream_.emplace(ioc_);
      beast::error_code ec;
      stream_->expires_after(timeout_);
      stream_->async_connect(endpoint_, [&](beast::error_code e) { ec = e; });
      Run();
      if (ec) return Fail(out, "connect", ec);
      if (use_tls_) {
        tls_stream_.emplace(std::move(*stream_), tls_context_);
        stream_.reset();
        SSL_set_tlsext_host_name(tls_stream_->native_handle(), host_.c_str());
        beast::get_lowest_layer(*tls_stream_).expires_after(timeout_);
        tls_stream_->async_handshake(asio::ssl::stream_base::client,
                                     [&](beast::error_code e) { ec = e; });
        Run();
        if (ec) return Fail(out, "TLS handshake", ec);
      }
      connected_ = true;
      ++connects;
      buffer_.clear();
    }
    for (const std::string& name : added_headers_) request_.erase(name);
    added_headers_.clear();
    for (const auto& [name, value] : headers) {
      request_.set(name, value);
      added_headers_.push_back(name);
    }
    request_.method(verb);
    request_.target(beast::string_view(target.data(), target.size()));
    if (verb == http::verb::post) {
      request_.set(http::field::content_type,
                   beast::string_view(content_type.data(), content_type.size()));
      request_.body().assign(body.data(), body.size());
    } else {
      request_.erase(http::field::content_type);
      request_.body().clear();
    }
    request_.prepare_payload();

    beast::error_code ec;
    http::response_parser<http::string_body> parser;
    parser.body_limit(256 * 1024 * 1024);
    auto exchange = [&](auto& stream) {
      beast::get_lowest_layer(stream).expires_after(timeout_);
      http::async_write(stream, request_, [&](beast::error_code e, std::size_t) { ec = e; });
      Run();
      if (ec) return "write";
      beast::get_lowest_layer(stream).expires_after(timeout_);
      http::async_read(stream, buffer_, parser, [&](beast::error_code e, std::size_t) { ec = e; });
      Run();
      return ec ? "read" : "";
    };
    std::string_view failed = tls_stream_ ? exchange(*tls_stream_) : exchange(*stream_);
    if (ec) return Fail(out, failed, ec);

    http::response<http::string_body> response = parser.release();
    out.status = response.result_int();
    out.body = std::move(response.body());
    auto type = response.find(http::field::content_type);
    if (type != response.end()) out.content_type = std::string(type->value());
    if (!response.keep_alive()) Close();
    return out;
  }

  void Close() {
    if (!connected_) {
      tls_stream_.reset();
      stream_.reset();
      return;
    }
    connected_ = false;
    beast::error_code ignored;
    beast::tcp_stream& tcp = tls_stream_ ? tls_stream_->next_layer() : *stream_;
    tcp.socket().shutdown(asio::ip::tcp::socket::shutdown_both, ignored);
    tcp.socket().close(ignored);
    tls_stream_.reset();
    stream_.reset();
    buffer_.clear();
  }

 private:
  HttpResponse& Fail(HttpResponse& out, std::string_view what, const beast::error_code& ec) {
    out.status = 0;
    out.error = std::string(what) + ": " + ec.message();
    Close();
    return out;
  }

  void Run() {
    ioc_.restart();
    ioc_.run();
  }

  std::chrono::milliseconds timeout_;
  bool use_tls_;
  bool connected_ = false;
  std::string host_;
  asio::ssl::context tls_context_{asio::ssl::context::tls_client};
  std::optional<beast::ssl_stream<beast::tcp_stream>> tls_stream_;
  std::vector<std::string> added_headers_;
  std::string address_error_;
  asio::io_context ioc_;
  asio::ip::tcp::endpoint endpoint_;
  std::optional<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  http::request<http::string_body> request_;
};

HttpClient::HttpClient(std::string host, std::uint16_t port, std::chrono::milliseconds timeout,
                       bool tls)
    : host_(std::move(host)),
      port_(port),
      impl_(std::make_unique<Impl>(host_, port_, timeout, tls)) {}

HttpClient::~HttpClient() = default;

HttpResponse HttpClient::Get(std::string_view target, const HttpHeaders& headers) {
  return impl_->Exchange(http::verb::get, target, {}, {}, headers, connects_);
}

HttpResponse HttpClient::Post(std::string_view target, std::string_view body,
                              std::string_view content_type) {
  return impl_->Exchange(http::verb::post, target, body, content_type, {}, connects_);
}

void HttpClient::Close() { impl_->Close(); }

bool ParseHttpUrl(std::string_view url, std::string& host, std::uint16_t& port) {
  bool tls = false;
  std::string path;
  return url.starts_with("http://") && ParseUrl(url, host, port, tls, path);
}

bool ParseUrl(std::string_view url, std::string& host, std::uint16_t& port, bool& tls,
              std::string& path) {
  if (url.starts_with("http://")) {
    tls = false;
    url.remove_prefix(7);
  } else if (url.starts_with("https://")) {
    tls = true;
    url.remove_prefix(8);
  } else {
    return false;
  }
  std::size_t slash = url.find('/');
  std::string_view authority = url.substr(0, slash);
  path.assign(slash == std::string_view::npos ? std::string_view() : url.substr(slash));
  while (!path.empty() && path.back() == '/') path.pop_back();
  std::size_t colon = authority.rfind(':');
  if (colon == std::string_view::npos || colon == 0) return false;
  std::string_view host_text = authority.substr(0, colon);
  if (host_text.size() > 2 && host_text.front() == '[' && host_text.back() == ']') {
    host_text = host_text.substr(1, host_text.size() - 2);
  }
  std::string_view port_text = authority.substr(colon + 1);
  unsigned value = 0;
  auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
  if (error != std::errc() || end != port_text.data() + port_text.size() || value == 0 ||
      value > 65535) {
    return false;
  }
  host.assign(host_text);
  port = static_cast<std::uint16_t>(value);
  return true;
}

std::string UrlEncode(std::string_view value) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size() * 3);
  for (unsigned char c : value) {
    bool unreserved = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~';
    if (unreserved) {
      out.push_back(static_cast<char>(c));
    } else {
      out.push_back('%');
      out.push_back(kHex[c >> 4]);
      out.push_back(kHex[c & 0xF]);
    }
  }
  return out;
}

}  // namespace cairn::tools
