// Reading HTTP/1.1 messages from a stream (TcpStream, TlsStream) into a HeadParser, for proxies
// and clients built on http1_head.h. Small templates: the stream type is the only parameter.
#pragma once

#include <boost/asio/awaitable.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/system/error_code.hpp>

#include "lib/net/http1_head.h"
#include "lib/net/read_buffer.h"

namespace cairn::net {

enum class ReadUntil { kHeader, kMessage };

// Parses the bytes `buffer` holds and reads more from `stream` until the parser has the header
// (kHeader) or the whole message (kMessage). Bytes after the message stay in `buffer` (pipelining).
// Errors: the parser's (http::error::*), the stream's (asio::error::eof when the peer closed before
// the message ended; a message delimited by EOF is completed instead), and
// http::error::header_limit when the header does not fit in `buffer`.
template <class Stream, bool isRequest>
boost::asio::awaitable<void> ReadHttp(Stream& stream, ReadBuffer& buffer,
                                      HeadParser<isRequest>& parser, ReadUntil until,
                                      boost::system::error_code& ec) {
  namespace http = boost::beast::http;
  ec.clear();
  auto finished = [&] {
    return until == ReadUntil::kHeader ? parser.is_header_done() : parser.is_done();
  };
  while (true) {
    while (!buffer.empty() && !finished()) {
      std::size_t used = parser.put(buffer.data(), ec);
      buffer.Consume(used);
      if (ec == http::error::need_more) {
        ec.clear();
        break;
      }
      if (ec) co_return;
      if (used == 0) break;
    }
    if (finished()) co_return;
    boost::asio::mutable_buffer room = buffer.Prepare();
    if (room.size() == 0) {
      ec = parser.is_header_done() ? http::error::buffer_overflow : http::error::header_limit;
      co_return;
    }
    std::size_t n = co_await stream.ReadSome(room, ec);
    if (ec) {
      if (ec == boost::asio::error::eof && parser.is_header_done() && parser.need_eof()) {
        ec.clear();
        parser.put_eof(ec);
      }
      co_return;
    }
    buffer.Commit(n);
  }
}

}  // namespace cairn::net
