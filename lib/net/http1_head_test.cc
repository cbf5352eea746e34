#include "lib/net/http1_head.h"

#include <gtest/gtest.h>

#include <boost/beast/http/error.hpp>

namespace cairn::net {
namespace {

namespace http = boost::beast::http;

TEST(Http1HeadTest, ParsesARequestHeadAndBodyIntoTheArena) {
  MessageHead head;
  std::string body;
  HeadParser<true> parser(head, 10, &body);
  const std::string_view text =
      "POST /a/b?x=1 HTTP/1.1\r\nHost: h\r\nX-Two: 1\r\nx-two: 2\r\nContent-Length: 5\r\n\r\nhello";
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_done() && !ec) {
    used += parser.put(boost::asio::buffer(text.data() + used, text.size() - used), ec);
  }
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(head.method(), http::verb::post);
  EXPECT_EQ(head.method_string(), "POST");
  EXPECT_EQ(head.target(), "/a/b?x=1");
  EXPECT_EQ(head.version(), 11);
  EXPECT_EQ(head.field_count(), 4u);
  EXPECT_EQ(head.Value(http::field::host), "h");
  ASSERT_NE(head.Find("X-TWO"), nullptr);
  EXPECT_EQ(head.value(*head.Find("x-two")), "1");
  ASSERT_TRUE(head.content_length());
  EXPECT_EQ(*head.content_length(), 5u);
  EXPECT_TRUE(head.keep_alive());
  EXPECT_EQ(body, "hello");
  EXPECT_EQ(parser.body_bytes(), 5u);
}

TEST(Http1HeadTest, DechunksResponseBodies) {
  MessageHead head;
  std::string body;
  HeadParser<false> parser(head, 10, &body);
  parser.eager(true);
  const std::string_view text =
      "HTTP/1.1 201 Made\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n";
  boost::beast::error_code ec;
  std::size_t used = 0;
  while (!parser.is_done() && !ec) {
    used += parser.put(boost::asio::buffer(text.data() + used, text.size() - used), ec);
  }
  ASSERT_FALSE(ec) << ec.message();
  EXPECT_EQ(head.status(), 201u);
  EXPECT_EQ(head.reason(), "Made");
  EXPECT_TRUE(head.chunked());
  EXPECT_EQ(body, "abcde");
}

TEST(Http1HeadTest, TooManyFieldsIsAHeaderLimitError) {
  MessageHead head;
  HeadParser<true> parser(head, 2, nullptr);
  const std::string_view text = "GET / HTTP/1.1\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(text.data(), text.size()), ec);
  EXPECT_EQ(ec, http::error::header_limit);
  EXPECT_TRUE(parser.too_many_fields());
}

TEST(Http1HeadTest, ReusedHeadForgetsThePreviousMessage) {
  MessageHead head;
  {
    HeadParser<true> parser(head, 10, nullptr);
    const std::string_view text = "GET /first HTTP/1.1\r\nHost: a\r\n\r\n";
    boost::beast::error_code ec;
    parser.put(boost::asio::buffer(text.data(), text.size()), ec);
  }
  HeadParser<true> parser(head, 10, nullptr);
  const std::string_view text = "GET /second HTTP/1.0\r\n\r\n";
  boost::beast::error_code ec;
  parser.put(boost::asio::buffer(text.data(), text.size()), ec);
  ASSERT_FALSE(ec);
  EXPECT_EQ(head.target(), "/second");
  EXPECT_EQ(head.field_count(), 0u);
  EXPECT_EQ(head.version(), 10);
  EXPECT_FALSE(head.keep_alive());
}

TEST(Http1HeadTest, TokenListsAndCaseInsensitiveNames) {
  EXPECT_TRUE(HasToken("keep-alive, Upgrade", "upgrade"));
  EXPECT_TRUE(HasToken(" close ", "close"));
  EXPECT_FALSE(HasToken("keep-alive-ish", "keep-alive"));
  EXPECT_FALSE(HasToken("", "close"));
  EXPECT_TRUE(EqualsIgnoreCase("X-Request-Id", "x-request-id"));
  EXPECT_FALSE(EqualsIgnoreCase("X-Request-Id", "x-request-ix"));
}

}  // namespace
}  // namespace cairn::net
