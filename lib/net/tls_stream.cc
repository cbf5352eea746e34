#include "lib/net/tls_stream.h"

#include <openssl/bio.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <sys/socket.h>

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cerrno>
#include <climits>
#include <cstring>
#include <fstream>

#include "lib/net/tcp_stream.h"

namespace cairn::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {

constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// Ciphertext read per syscall: one full TLS record plus its header and then some.
constexpr std::size_t kInputChunk = 32 * 1024;
// Writes up to this size are joined into one SSL_write (one record, one send).
constexpr std::size_t kCoalesceLimit = 16 * 1024;

std::string OpenSslErrors() {
  std::string text;
  while (unsigned long code = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(code, buf, sizeof buf);
    if (!text.empty()) text += "; ";
    text += buf;
  }
  return text.empty() ? "unknown OpenSSL error" : text;
}

Status CheckReadable(const std::string& path, std::string_view what) {
  if (path.empty()) return InvalidArgument(std::string(what) + " is not set");
  std::ifstream in(path);
  if (!in) {
    return InvalidArgument(std::string(what) + " '" + path +
                           "' cannot be read: " + std::strerror(errno));
  }
  return Status::Ok();
}

int SelectAlpn(SSL*, const unsigned char** out, unsigned char* outlen, const unsigned char* in,
               unsigned int inlen, void*) {
  static const unsigned char kHttp11[] = {8, 'h', 't', 't', 'p', '/', '1', '.', '1'};
  unsigned char* selected = nullptr;
  if (SSL_select_next_proto(&selected, outlen, kHttp11, sizeof kHttp11, in, inlen) ==
      OPENSSL_NPN_NEGOTIATED) {
    *out = selected;
    return SSL_TLSEXT_ERR_OK;
  }
  return SSL_TLSEXT_ERR_NOACK;  // carry on without ALPN; the client may still speak HTTP/1.1
}

}  // namespace

// The BIO that connects OpenSSL to a TlsStream: reads take ciphertext the stream has buffered,
// writes go straight to the non-blocking socket.
struct TlsBio {
  static BIO_METHOD* Method() {
    static BIO_METHOD* method = [] {
      BIO_METHOD* m = BIO_meth_new(BIO_get_new_index() | BIO_TYPE_SOURCE_SINK, "cairn-tls");
      BIO_meth_set_write(m, &Write);
      BIO_meth_set_read(m, &Read);
      BIO_meth_set_ctrl(m, &Ctrl);
      BIO_meth_set_create(m, &Create);
      return m;
    }();
    return method;
  }

  static int Create(BIO* bio) {
    BIO_set_init(bio, 1);
    return 1;
  }

  static int Write(BIO* bio, const char* data, int len) {
    auto* stream = static_cast<TlsStream*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    ssize_t n =
        ::send(stream->socket_.native_handle(), data, static_cast<std::size_t>(len), MSG_NOSIGNAL);
    if (n >= 0) return static_cast<int>(n);
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
      stream->write_blocked_ = true;
      BIO_set_retry_write(bio);
    }
    return -1;
  }

  static int Read(BIO* bio, char* out, int len) {
    auto* stream = static_cast<TlsStream*>(BIO_get_data(bio));
    BIO_clear_retry_flags(bio);
    std::size_t available = stream->in_end_ - stream->in_begin_;
    if (available == 0) {
      BIO_set_retry_read(bio);
      return -1;
    }
    std::size_t n = std::min<std::size_t>(available, static_cast<std::size_t>(len));
    std::memcpy(out, stream->in_.data() + stream->in_begin_, n);
    stream->in_begin_ += n;
    if (stream->in_begin_ == stream->in_end_) stream->in_begin_ = stream->in_end_ = 0;
    return static_cast<int>(n);
  }

  static long Ctrl(BIO*, int cmd, long, void*) { return cmd == BIO_CTRL_FLUSH ? 1 : 0; }
};

Result<std::shared_ptr<const TlsServerContext>> TlsServerContext::Load(
    const TlsServerOptions& options) {
  CAIRN_RETURN_IF_ERROR(CheckReadable(options.cert_file, "TLS certificate file"));
  CAIRN_RETURN_IF_ERROR(CheckReadable(options.key_file, "TLS key file"));
  ERR_clear_error();
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) return Internal("cannot create a TLS context: " + OpenSslErrors());
  std::unique_ptr<SSL_CTX, void (*)(SSL_CTX*)> owner(ctx, &SSL_CTX_free);
  SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
  SSL_CTX_set_max_proto_version(ctx, TLS1_3_VERSION);
  SSL_CTX_set_options(
      ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_CIPHER_SERVER_PREFERENCE | SSL_OP_NO_COMPRESSION);
  SSL_CTX_set_mode(ctx, SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  static const unsigned char kSessionContext[] = "cairn";
  SSL_CTX_set_session_id_context(ctx, kSessionContext, sizeof kSessionContext - 1);
  SSL_CTX_set_alpn_select_cb(ctx, &SelectAlpn, nullptr);
  if (SSL_CTX_use_certificate_chain_file(ctx, options.cert_file.c_str()) != 1) {
    return InvalidArgument("TLS certificate file '" + options.cert_file +
                           "' holds no usable PEM certificate: " + OpenSslErrors());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx, options.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    if (ERR_GET_REASON(ERR_peek_last_error()) == X509_R_KEY_VALUES_MISMATCH) {
      ERR_clear_error();
      return InvalidArgument("TLS key file '" + options.key_file +
                             "' does not match the certificate in '" + options.cert_file + "'");
    }
    return InvalidArgument("TLS key file '" + options.key_file +
                           "' holds no usable PEM private key: " + OpenSslErrors());
  }
  if (SSL_CTX_check_private_key(ctx) != 1) {
    return InvalidArgument("TLS key file '" + options.key_file +
                           "' does not match the certificate in '" + options.cert_file + "'");
  }
  std::string subject;
  if (X509* cert = SSL_CTX_get0_certificate(ctx)) {
    char buf[512];
    X509_NAME_oneline(X509_get_subject_name(cert), buf, sizeof buf);
    subject = buf;
  }
  owner.release();
  return std::shared_ptr<const TlsServerContext>(
      new TlsServerContext(ctx, options, std::move(subject)));
}

TlsServerContext::~TlsServerContext() { SSL_CTX_free(ctx_); }

TlsStream::TlsStream(tcp::socket socket, std::shared_ptr<const TlsServerContext> context)
    : socket_(std::move(socket)), context_(std::move(context)) {
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
  socket_.set_option(tcp::no_delay(true), ignored);
  ssl_ = SSL_new(context_->native());
  if (ssl_ != nullptr) {
    BIO* bio = BIO_new(TlsBio::Method());
    BIO_set_data(bio, this);
    SSL_set_bio(ssl_, bio, bio);  // one BIO for both directions; SSL owns it
    SSL_set_accept_state(ssl_);
  }
}

TlsStream::~TlsStream() {
  if (ssl_ != nullptr) SSL_free(ssl_);
}

std::string_view TlsStream::protocol() const {
  return ssl_ != nullptr ? SSL_get_version(ssl_) : "";
}

boost::system::error_code TlsStream::SslError(int result, int ssl_error) {
  if (ssl_error == SSL_ERROR_SSL) {
    unsigned long code = ERR_get_error();
    ERR_clear_error();
    return {static_cast<int>(code), asio::error::get_ssl_category()};
  }
  if (ssl_error == SSL_ERROR_SYSCALL) {
    int err = errno;
    ERR_clear_error();
    if (result == 0 || err == 0) return asio::ssl::error::stream_truncated;
    return {err, boost::system::system_category()};
  }
  ERR_clear_error();
  return asio::error::connection_aborted;
}

asio::awaitable<void> TlsStream::FillInput(boost::system::error_code& ec) {
  if (in_.size() < kInputChunk) in_.resize(kInputChunk);
  if (in_begin_ > 0 && in_begin_ == in_end_) in_begin_ = in_end_ = 0;
  if (in_end_ == in_.size()) {
    // Unconsumed bytes sit at the end: move them to the front.
    std::memmove(in_.data(), in_.data() + in_begin_, in_end_ - in_begin_);
    in_end_ -= in_begin_;
    in_begin_ = 0;
  }
  auto [read_ec, n] = co_await socket_.async_read_some(
      asio::buffer(in_.data() + in_end_, in_.size() - in_end_), kTuple);
  ec = read_ec;
  if (!read_ec) in_end_ += n;
}

asio::awaitable<void> TlsStream::WaitWritable(boost::system::error_code& ec) {
  write_blocked_ = false;
  auto [wait_ec] = co_await socket_.async_wait(tcp::socket::wait_write, kTuple);
  ec = wait_ec;
}

asio::awaitable<void> TlsStream::Handshake(boost::system::error_code& ec) {
  ec.clear();
  if (ssl_ == nullptr) {
    ec = asio::error::no_memory;
    co_return;
  }
  while (true) {
    ERR_clear_error();
    int r = SSL_do_handshake(ssl_);
    if (r == 1) co_return;
    int err = SSL_get_error(ssl_, r);
    if (err == SSL_ERROR_WANT_READ) {
      co_await FillInput(ec);
      if (ec) co_return;
    } else if (err == SSL_ERROR_WANT_WRITE) {
      co_await WaitWritable(ec);
      if (ec) co_return;
    } else {
      ec = SslError(r, err);
      co_return;
    }
  }
}

asio::awaitable<std::size_t> TlsStream::ReadSome(asio::mutable_buffer buffer,
                                                 boost::system::error_code& ec) {
  ec.clear();
  const int len = static_cast<int>(std::min<std::size_t>(buffer.size(), INT_MAX));
  while (true) {
    ERR_clear_error();
    int r = SSL_read(ssl_, buffer.data(), len);
    if (r > 0) co_return static_cast<std::size_t>(r);
    int err = SSL_get_error(ssl_, r);
    if (err == SSL_ERROR_WANT_READ) {
      co_await FillInput(ec);
      if (ec) co_return 0;
    } else if (err == SSL_ERROR_WANT_WRITE) {
      co_await WaitWritable(ec);
      if (ec) co_return 0;
    } else if (err == SSL_ERROR_ZERO_RETURN) {
      ec = asio::error::eof;
      co_return 0;
    } else {
      ec = SslError(r, err);
      if (ec == asio::ssl::error::stream_truncated) ec = asio::error::eof;
      co_return 0;
    }
  }
}

asio::awaitable<void> TlsStream::Write(std::span<const asio::const_buffer> buffers,
                                       boost::system::error_code& ec) {
  ec.clear();
  std::size_t total = 0;
  for (const auto& b : buffers) total += b.size();
  if (total == 0) co_return;
  std::span<const asio::const_buffer> pieces = buffers;
  asio::const_buffer joined;
  if (buffers.size() > 1 && total <= kCoalesceLimit) {
    coalesce_.resize(total);
    std::size_t at = 0;
    for (const auto& b : buffers) {
      std::memcpy(coalesce_.data() + at, b.data(), b.size());
      at += b.size();
    }
    joined = asio::buffer(coalesce_.data(), total);
    pieces = std::span<const asio::const_buffer>(&joined, 1);
  }
  for (const asio::const_buffer& piece : pieces) {
    const char* data = static_cast<const char*>(piece.data());
    std::size_t left = piece.size();
    while (left > 0) {
      const int len = static_cast<int>(std::min<std::size_t>(left, INT_MAX));
      ERR_clear_error();
      int r = SSL_write(ssl_, data, len);
      if (r > 0) {
        data += r;
        left -= static_cast<std::size_t>(r);
        continue;
      }
      int err = SSL_get_error(ssl_, r);
      if (err == SSL_ERROR_WANT_WRITE) {
        co_await WaitWritable(ec);
        if (ec) co_return;
      } else if (err == SSL_ERROR_WANT_READ) {
        co_await FillInput(ec);
        if (ec) co_return;
      } else {
        ec = SslError(r, err);
        co_return;
      }
    }
  }
}

void TlsStream::ShutdownSend() {
  if (ssl_ != nullptr && SSL_is_init_finished(ssl_)) {
    ERR_clear_error();
    SSL_shutdown(ssl_);  // queues close_notify; a full send buffer just loses it
    ERR_clear_error();
  }
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
}

void TlsStream::Close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace cairn::net
