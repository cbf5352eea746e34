#include "lib/codec/text.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn::codec {
namespace {

std::string Lower(std::string_view text) {
  std::string out;
  AppendLowerCaseRoot(text, out);
  return out;
}

TEST(LowerCaseTest, Ascii) {
  EXPECT_EQ(Lower("GET /Api/V2"), "get /api/v2");
  EXPECT_FALSE(MayNeedLowerCase("already lower 123"));
  EXPECT_TRUE(MayNeedLowerCase("Upper"));
  EXPECT_TRUE(MayNeedLowerCase("caf\xC3\xA9"));  // non-ASCII may need work
}

TEST(LowerCaseTest, UnicodeLikeJavaLocaleRoot) {
  EXPECT_EQ(Lower("\xC3\x89TAT"), "\xC3\xA9tat");                       // ÉTAT -> état
  EXPECT_EQ(Lower("\xD0\x9C\xD0\x9E\xD0\xA1\xD0\x9A\xD0\x92\xD0\x90"),  // МОСКВА
            "\xD0\xBC\xD0\xBE\xD1\x81\xD0\xBA\xD0\xB2\xD0\xB0");        // москва
  EXPECT_EQ(Lower("\xC4\xB0"), "i\xCC\x87");                            // İ -> i̇
  EXPECT_EQ(Lower("\xCE\x9F\xCE\x94\xCE\x9F\xCE\xA3"),
            "\xCE\xBF\xCE\xB4\xCE\xBF\xCF\x82");             // ΟΔΟΣ -> οδος (final sigma)
  EXPECT_EQ(Lower("\xCE\xA3\xCE\x91"), "\xCF\x83\xCE\xB1");  // ΣΑ -> σα
  EXPECT_EQ(Lower("\xE6\x97\xA5\xE6\x9C\xAC"), "\xE6\x97\xA5\xE6\x9C\xAC");  // no case: unchanged
}

TEST(LowerCaseTest, IllFormedBytesAreCopied) {
  EXPECT_EQ(Lower("A\xFF"
                  "B\xC3"),
            "a\xFF"
            "b\xC3");
}

TEST(CompareUtf16Test, ByteOrderForBmp) {
  EXPECT_LT(CompareUtf16("a", "b"), 0);
  EXPECT_GT(CompareUtf16("b", "a"), 0);
  EXPECT_EQ(CompareUtf16("abc", "abc"), 0);
  EXPECT_LT(CompareUtf16("ab", "abc"), 0);
  EXPECT_LT(CompareUtf16("Z", "a"), 0);
  EXPECT_LT(CompareUtf16("\xC3\xA9", "\xE6\x97\xA5"), 0);  // é < 日
}

TEST(CompareUtf16Test, SupplementaryBeforeHighBmpLikeJava) {
  const std::string emoji = "\xF0\x9F\x98\x80";    // U+1F600 (surrogates D83D DE00)
  const std::string private_use = "\xEE\x80\x80";  // U+E000
  EXPECT_LT(CompareUtf16(emoji, private_use), 0);  // byte order would say the opposite
  EXPECT_GT(CompareUtf16(private_use, emoji), 0);
  EXPECT_LT(CompareUtf16("x" + emoji, "x\xEF\xBF\xBD"), 0);
  EXPECT_LT(CompareUtf16("\xF0\x9F\x98\x80", "\xF0\x9F\x98\x81"), 0);
}

}  // namespace
}  // namespace cairn::codec
