#include "lib/net/tcp_stream.h"

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/use_awaitable.hpp>

namespace cairn::net {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

namespace {
constexpr auto kTuple = asio::as_tuple(asio::use_awaitable);
// sendmsg() takes at most this many pieces per call here; more are written in several calls.
constexpr std::size_t kMaxPieces = 16;
}  // namespace

asio::awaitable<void> WriteAllNonBlocking(tcp::socket& socket,
                                          std::span<const asio::const_buffer> buffers,
                                          boost::system::error_code& ec) {
  ec.clear();
  std::array<asio::const_buffer, kMaxPieces> pieces;
  std::size_t next = 0;   // first buffer not yet copied into pieces
  std::size_t count = 0;  // pieces in use
  std::size_t first = 0;  // first piece with bytes left
  while (true) {
    // Refill the window of pieces from the caller's buffers.
    if (first == count) {
      first = count = 0;
      while (next < buffers.size() && count < kMaxPieces) {
        if (buffers[next].size() != 0) pieces[count++] = buffers[next];
        ++next;
      }
      if (count == 0) co_return;
    }
    std::size_t n = socket.write_some(std::span(pieces.data() + first, count - first), ec);
    if (ec == asio::error::would_block || ec == asio::error::try_again) {
      auto [wait_ec] = co_await socket.async_wait(tcp::socket::wait_write, kTuple);
      if (wait_ec) {
        ec = wait_ec;
        co_return;
      }
      continue;
    }
    if (ec) co_return;
    while (n > 0 && first < count) {
      if (n >= pieces[first].size()) {
        n -= pieces[first].size();
        ++first;
      } else {
        pieces[first] += n;
        n = 0;
      }
    }
  }
}

TcpStream::TcpStream(tcp::socket socket) : socket_(std::move(socket)) {
  boost::system::error_code ignored;
  socket_.non_blocking(true, ignored);
  socket_.set_option(tcp::no_delay(true), ignored);
}

asio::awaitable<std::size_t> TcpStream::ReadSome(asio::mutable_buffer buffer,
                                                 boost::system::error_code& ec) {
  auto [read_ec, n] = co_await socket_.async_read_some(buffer, kTuple);
  ec = read_ec;
  co_return read_ec ? 0 : n;
}

void TcpStream::ShutdownSend() {
  boost::system::error_code ignored;
  socket_.shutdown(tcp::socket::shutdown_send, ignored);
}

void TcpStream::Close() {
  boost::system::error_code ignored;
  socket_.close(ignored);
}

}  // namespace cairn::net
