// TcpStream: a TCP connection with the coroutine read/write interface that the edge's sessions and
// upstream clients are written against (TlsStream offers the same one over TLS).
//
//   std::size_t n = co_await stream.ReadSome(buffer, ec);   // >= 1 byte, or ec (eof: peer closed)
//   co_await stream.Write(buffers, ec);                      // everything, or ec
//
// Writes go straight to the socket (non-blocking) and suspend only when the kernel's send buffer
// is full, so the common small response costs one syscall and no trip through the io_context.
// Reads use Asio's speculative async read. Timeouts are not handled here: pair the stream with a
// Deadline (deadline_list.h) on socket(), which makes a pending call fail when it fires.
//
// Not thread-safe: one coroutine uses a stream at a time, on the socket's executor.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/asio/buffer.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/system/error_code.hpp>
#include <cstddef>
#include <span>

namespace cairn::net {

// Writes every byte of `buffers` to a non-blocking socket, suspending while the send buffer is
// full. Shared by TcpStream and TlsStream.
boost::asio::awaitable<void> WriteAllNonBlocking(boost::asio::ip::tcp::socket& socket,
                                                 std::span<const boost::asio::const_buffer> buffers,
                                                 boost::system::error_code& ec);

class TcpStream {
 public:
  // Puts the socket in non-blocking mode and disables Nagle.
  explicit TcpStream(boost::asio::ip::tcp::socket socket);
  TcpStream(TcpStream&&) = default;

  boost::asio::ip::tcp::socket& socket() { return socket_; }

  // Reads at least one byte into `buffer` (which must not be empty). On failure returns 0 with
  // `ec` set; asio::error::eof means the peer closed its side.
  boost::asio::awaitable<std::size_t> ReadSome(boost::asio::mutable_buffer buffer,
                                               boost::system::error_code& ec);

  boost::asio::awaitable<void> Write(std::span<const boost::asio::const_buffer> buffers,
                                     boost::system::error_code& ec) {
    return WriteAllNonBlocking(socket_, buffers, ec);
  }

  // Half-closes the sending side (the peer reads EOF after what was sent).
  void ShutdownSend();
  void Close();
  bool is_open() const { return socket_.is_open(); }

 private:
  boost::asio::ip::tcp::socket socket_;
};

}  // namespace cairn::net
