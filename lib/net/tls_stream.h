// TLS for servers: a certificate/key context loaded from PEM files (TlsServerContext) and a
// server-side stream over a TCP socket (TlsStream) with TcpStream's coroutine interface.
//
// TlsServerContext accepts TLS 1.2 and 1.3 only (older clients fail the handshake with a
// protocol_version alert), with OpenSSL's default cipher suites and server-side session tickets.
// Load reports a precise error for a missing or unreadable file, a PEM that holds no certificate
// or key, and a key that does not match the certificate. A context is immutable once loaded and
// may be shared by any number of threads; to rotate certificates load a new one and hand it to new
// connections (existing ones keep the context they started with).
//
// TlsStream runs OpenSSL over a memory-less BIO of its own: ciphertext is read with Asio's
// speculative async read into a buffer OpenSSL consumes, and written with direct non-blocking
// sends, so a request/response costs the same syscalls as on plain TCP. Pair it with a Deadline
// (deadline_list.h) on socket() for timeouts, as with TcpStream.
//
// Not thread-safe: one coroutine uses a stream at a time, on the socket's executor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/status.h"

typedef struct ssl_ctx_st SSL_CTX;
typedef struct ssl_st SSL;

namespace cairn::net {

struct TlsServerOptions {
  std::string cert_file;  // PEM: the certificate, optionally followed by its chain
  std::string key_file;   // PEM: the private key
};

class TlsServerContext {
 public:
  // InvalidArgument naming the file and the problem; Internal when OpenSSL cannot create a context.
  static Result<std::shared_ptr<const TlsServerContext>> Load(const TlsServerOptions& options);
  ~TlsServerContext();
  TlsServerContext(const TlsServerContext&) = delete;
  TlsServerContext& operator=(const TlsServerContext&) = delete;

  SSL_CTX* native() const { return ctx_; }
  const TlsServerOptions& options() const { return options_; }
  // Subject of the certificate, e.g. "CN=localhost", for logs.
  const std::string& subject() const { return subject_; }

 private:
  TlsServerContext(SSL_CTX* ctx, TlsServerOptions options, std::string subject)
      : ctx_(ctx), options_(std::move(options)), subject_(std::move(subject)) {}
  SSL_CTX* ctx_;
  TlsServerOptions options_;
  std::string subject_;
};

class TlsStream {
 public:
  // A server-side stream; keeps `context` alive as long as the stream lives.
  TlsStream(boost::asio::ip::tcp::socket socket, std::shared_ptr<const TlsServerContext> context);
  ~TlsStream();
  TlsStream(const TlsStream&) = delete;
  TlsStream& operator=(const TlsStream&) = delete;

  boost::asio::ip::tcp::socket& socket() { return socket_; }

  // Runs the server handshake. Errors are in asio's ssl category (or the socket's), e.g. for a
  // client offering only TLS 1.1.
  boost::asio::awaitable<void> Handshake(boost::system::error_code& ec);

  // As TcpStream::ReadSome; asio::error::eof after the client's close_notify or a bare TCP close.
  boost::asio::awaitable<std::size_t> ReadSome(boost::asio::mutable_buffer buffer,
                                               boost::system::error_code& ec);
  boost::asio::awaitable<void> Write(std::span<const boost::asio::const_buffer> buffers,
                                     boost::system::error_code& ec);

  // Sends close_notify when possible (best effort, never waits), then half-closes TCP.
  void ShutdownSend();
  void Close();
  bool is_open() const { return socket_.is_open(); }

  // "TLSv1.3", "TLSv1.2", ... after the handshake.
  std::string_view protocol() const;

 private:
  friend struct TlsBio;
  // Waits until the socket can take more ciphertext.
  boost::asio::awaitable<void> WaitWritable(boost::system::error_code& ec);
  // Reads ciphertext into in_ (at least one byte); ec on EOF or error.
  boost::asio::awaitable<void> FillInput(boost::system::error_code& ec);
  boost::system::error_code SslError(int result, int ssl_error);

  boost::asio::ip::tcp::socket socket_;
  std::shared_ptr<const TlsServerContext> context_;
  SSL* ssl_ = nullptr;
  std::vector<char> in_;  // ciphertext read but not yet consumed by OpenSSL
  std::size_t in_begin_ = 0;
  std::size_t in_end_ = 0;
  bool write_blocked_ = false;  // the last send hit EAGAIN
  std::vector<char> coalesce_;  // small writes joined into one TLS record
};

}  // namespace cairn::net
