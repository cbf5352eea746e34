#include "lib/model/json_escape.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <random>
#include <string>

#include "lib/model/utf8.h"

namespace cairn::model {
namespace {

std::string Escaped(std::string_view text) {
  std::string out;
  AppendJsonEscaped(text, out);
  EXPECT_EQ(out.size(), JsonEscapedSize(text)) << text;
  return out;
}

// openzipkin/zipkin JsonEscaperTest: testJsonEscape and testJjsonEscapedSizeInBytes.
TEST(JsonEscapeTest, MatchesZipkinJsonEscaperTest) {
  EXPECT_EQ(Escaped(std::string_view("\0a\x01", 3)), "\\u0000a\\u0001");
  EXPECT_EQ(JsonEscapedSize(std::string_view("\0a\x01", 3)), 13u);
  EXPECT_EQ(Escaped("\"\\\t\b"), "\\\"\\\\\\t\\b");
  EXPECT_EQ(JsonEscapedSize("\"\\\t\b"), 8u);
  EXPECT_EQ(Escaped("\n\r\f"), "\\n\\r\\f");
  EXPECT_EQ(JsonEscapedSize("\n\r\f"), 6u);
  EXPECT_EQ(Escaped("\u2028 and \u2029"), "\\u2028 and \\u2029");
  EXPECT_EQ(JsonEscapedSize("\u2028 and \u2029"), 17u);
  EXPECT_EQ(Escaped("\"foo"), "\\\"foo");
  EXPECT_EQ(JsonEscapedSize("\"foo"), 5u);
}

TEST(JsonEscapeTest, EveryAsciiCharacter) {
  for (int c = 0; c < 0x80; ++c) {
    const std::string in(1, static_cast<char>(c));
    std::string expected;
    switch (c) {
      case '"':
        expected = "\\\"";
        break;
      case '\\':
        expected = "\\\\";
        break;
      case '\t':
        expected = "\\t";
        break;
      case '\b':
        expected = "\\b";
        break;
      case '\n':
        expected = "\\n";
        break;
      case '\r':
        expected = "\\r";
        break;
      case '\f':
        expected = "\\f";
        break;
      default:
        if (c < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);  // lower-case, as String.format
          expected = buffer;
        } else {
          expected = in;  // including '/', '<' and DEL, which Zipkin leaves alone
        }
    }
    EXPECT_EQ(Escaped(in), expected) << "character " << c;
  }
}

TEST(JsonEscapeTest, NonAsciiIsRawUtf8ExceptLineTerminators) {
  EXPECT_EQ(Escaped("caf\xc3\xa9 \xe2\xbb\xa9 \xf0\x9f\x92\xa9"),
            "caf\xc3\xa9 \xe2\xbb\xa9 \xf0\x9f\x92\xa9");
  EXPECT_EQ(Escaped("\xe2\x80\xa7\xe2\x80\xa8\xe2\x80\xa9\xe2\x80\xaa"),
            "\xe2\x80\xa7\\u2028\\u2029\xe2\x80\xaa");
}

TEST(JsonEscapeTest, IllFormedUtf8IsReplaced) {
  EXPECT_EQ(Escaped("a\xff\"\xe2\x80"), "a\xef\xbf\xbd\\\"\xef\xbf\xbd");
}

TEST(JsonEscapeTest, AppendJsonStringQuotes) {
  std::string out = "x";
  AppendJsonString("a\"b", out);
  AppendJsonString("", out);
  EXPECT_EQ(out, "x\"a\\\"b\"\"\"");
}

// The word-at-a-time escaper against a byte-at-a-time reference, on random mixes that put special
// bytes at every offset within and across 8-byte words.
TEST(JsonEscapeTest, MatchesSimpleReferenceOnRandomInput) {
  auto reference = [](std::string_view text) {
    std::string repaired;
    AppendUtf8Repaired(text, repaired);
    std::string out;
    for (std::size_t i = 0; i < repaired.size(); ++i) {
      const auto c = static_cast<unsigned char>(repaired[i]);
      if (repaired.compare(i, 3, "\xe2\x80\xa8") == 0 ||
          repaired.compare(i, 3, "\xe2\x80\xa9") == 0) {
        out += repaired[i + 2] == '\xa8' ? "\\u2028" : "\\u2029";
        i += 2;
      } else if (c == '"' || c == '\\') {
        out += '\\';
        out += static_cast<char>(c);
      } else if (c == '\t' || c == '\b' || c == '\n' || c == '\r' || c == '\f') {
        out += '\\';
        out += "tbnrf"[std::string_view("\t\b\n\r\f").find(static_cast<char>(c))];
      } else if (c < 0x20) {
        char buffer[8];
        std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
        out += buffer;
      } else {
        out += static_cast<char>(c);
      }
    }
    return out;
  };
  std::mt19937 rng(11);
  static constexpr std::string_view kPieces[] = {"abcdefghijklmnop",
                                                 "x",
                                                 "\"",
                                                 "\\",
                                                 "\n",
                                                 "\x1f",
                                                 "\xc3\xa9",
                                                 "\xe2\x80\xa8",
                                                 "\xe2\x80\xa9",
                                                 "\xf0\x9f\x92\xa9",
                                                 "\xff",
                                                 "\xe2\x82",
                                                 "\x7f"};
  for (int i = 0; i < 3000; ++i) {
    std::string text;
    const int pieces = static_cast<int>(rng() % 16);
    for (int j = 0; j < pieces; ++j) text += kPieces[rng() % std::size(kPieces)];
    EXPECT_EQ(Escaped(text), reference(text)) << text;
  }
}

}  // namespace
}  // namespace cairn::model
