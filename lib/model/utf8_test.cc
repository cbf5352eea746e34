#include "lib/model/utf8.h"

#include <gtest/gtest.h>

#include <random>
#include <string>

namespace cairn::model {
namespace {

std::string Repaired(std::string_view text) {
  std::string out;
  AppendUtf8Repaired(text, out);
  bool valid = false;
  EXPECT_EQ(out.size(), Utf8RepairedSize(text, &valid));
  EXPECT_EQ(valid, out == text);
  return out;
}

constexpr std::string_view kFffd = "\xef\xbf\xbd";

TEST(Utf8Test, WellFormedTextIsUnchanged) {
  for (std::string_view text :
       {std::string_view(""), std::string_view("plain ascii, longer than one word"),
        std::string_view("h\xc3\xa9llo"), std::string_view("\xe2\xbb\xa9"),
        std::string_view("\xf0\x9f\x92\xa9"), std::string_view("\xf4\x8f\xbf\xbf"),  // U+10FFFF
        std::string_view("\xee\x80\x80"),  // U+E000, just past the surrogates
        std::string_view("\0nul inside", 11)}) {
    EXPECT_TRUE(IsValidUtf8(text)) << text;
    EXPECT_EQ(Repaired(text), text);
  }
}

// The examples of Unicode 15 §3.9 "U+FFFD Substitution of Maximal Subparts" (Tables 3-8 to 3-11).
TEST(Utf8Test, IllFormedSubsequencesBecomeOneReplacementEach) {
  const std::string f(kFffd);
  // Table 3-8: 61 F1 80 80 E1 80 C2 62 80 63 80 BF 64.
  EXPECT_EQ(Repaired("a\xf1\x80\x80\xe1\x80\xc2"
                     "b\x80"
                     "c\x80\xbf"
                     "d"),
            "a" + f + f + f + "b" + f + "c" + f + f + "d");
  // Table 3-9: non-shortest forms: every byte on its own.
  EXPECT_EQ(Repaired("\xc0\xaf\xe0\x80\xbf\xf0\x81\x82\x41"), f + f + f + f + f + f + f + f + "A");
  // Table 3-10: surrogates and code points past U+10FFFF.
  EXPECT_EQ(Repaired("\xed\xa0\x80\xed\xbf\xbf\xed\xaf\x41"), f + f + f + f + f + f + f + f + "A");
  EXPECT_EQ(Repaired("\xf4\x91\x92\x93\xff\x41\x80\xbf\x42"),
            f + f + f + f + f + "A" + f + f + "B");
  // Table 3-11: truncated sequences are one replacement each.
  EXPECT_EQ(Repaired("\xe1\x80\xe2\xf0\x91\x92\xf1\xbf\x41"), f + f + f + f + "A");
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));
  EXPECT_EQ(Repaired("ok\xe2\x82"), "ok" + f);
}

TEST(Utf8Test, SizeEqualToInputDoesNotMeanValid) {
  // A truncated 3-byte prefix of a 4-byte sequence is replaced by 3 bytes: same size, still fixed.
  bool valid = true;
  EXPECT_EQ(Utf8RepairedSize("\xf1\x80\x80"
                             "A",
                             &valid),
            4u);
  EXPECT_FALSE(valid);
  EXPECT_EQ(Repaired("\xf1\x80\x80"
                     "A"),
            std::string(kFffd) + "A");
}

TEST(Utf8Test, NextUtf8ReportsMaximalSubparts) {
  auto step = [](std::string_view bytes) {
    return NextUtf8(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size());
  };
  EXPECT_EQ(step("A").length, 1);
  EXPECT_TRUE(step("\xc3\xa9").valid);
  EXPECT_EQ(step("\xc3\xa9").length, 2);
  EXPECT_EQ(step("\xf0\x9f\x92\xa9").length, 4);
  EXPECT_FALSE(step("\xf0\x9f\x92").valid);  // truncated by the end of the input
  EXPECT_EQ(step("\xf0\x9f\x92").length, 3);
  EXPECT_FALSE(step("\xc1\xbf").valid);
  EXPECT_EQ(step("\xc1\xbf").length, 1);
  EXPECT_FALSE(step("\xe0\x9f\xbf").valid);  // overlong
  EXPECT_EQ(step("\xe0\x9f\xbf").length, 1);
}

// The word-at-a-time paths against a byte-at-a-time reference, on random mixes.
TEST(Utf8Test, MatchesSimpleReferenceOnRandomInput) {
  auto reference = [](std::string_view text) {
    std::string out;
    const auto* s = reinterpret_cast<const unsigned char*>(text.data());
    for (std::size_t i = 0; i < text.size();) {
      const Utf8Step step = NextUtf8(s + i, text.size() - i);
      out += step.valid ? text.substr(i, step.length) : kFffd;
      i += step.length;
    }
    return out;
  };
  std::mt19937 rng(7);
  static constexpr std::string_view kPieces[] = {
      "abcdefghijklmnop", "x",           "\xc3\xa9", "\xe2\x80\xa8",
      "\xf0\x9f\x92\xa9", "\xff",        "\x80",     "\xe2\x82",
      "\xf4\x90\x80\x80", "\xed\xa0\x80"};
  for (int i = 0; i < 2000; ++i) {
    std::string text;
    const int pieces = static_cast<int>(rng() % 12);
    for (int j = 0; j < pieces; ++j) text += kPieces[rng() % std::size(kPieces)];
    EXPECT_EQ(Repaired(text), reference(text));
    EXPECT_TRUE(IsValidUtf8(Repaired(text)));
  }
}

}  // namespace
}  // namespace cairn::model
