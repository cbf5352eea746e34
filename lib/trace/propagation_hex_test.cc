// The word-at-a-time hex parser must agree with the char-at-a-time reference on every byte value at
// every position, and writing must invert parsing.
#include "lib/trace/propagation_hex.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace cairn::trace::propagation_internal {
namespace {

TEST(PropagationHex, Parse16AgreesWithReferenceOnEveryByteAtEveryPosition) {
  const std::string base = "0123456789abcdef";
  for (int position = 0; position < 16; ++position) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string input = base;
      input[position] = static_cast<char>(byte);
      std::uint64_t fast = 0, reference = 0;
      const bool fast_ok = ParseLowerHex16(input.data(), fast);
      const bool reference_ok = ParseLowerHex16Scalar(input.data(), reference);
      ASSERT_EQ(fast_ok, reference_ok) << "byte " << byte << " at " << position;
      const bool lower_hex = (byte >= '0' && byte <= '9') || (byte >= 'a' && byte <= 'f');
      ASSERT_EQ(fast_ok, lower_hex) << "byte " << byte << " at " << position;
      if (fast_ok) {
        ASSERT_EQ(fast, reference);
      }
    }
  }
}

TEST(PropagationHex, WriteThenParseRoundTrips) {
  std::uint64_t value = 0x9e3779b97f4a7c15;
  for (int i = 0; i < 10000; ++i) {
    value = value * 6364136223846793005u + 1442695040888963407u;
    char buffer[16];
    WriteLowerHex64(value, buffer);
    std::uint64_t parsed = 0;
    ASSERT_TRUE(ParseLowerHex16(buffer, parsed));
    ASSERT_EQ(parsed, value);
  }
  char buffer[16];
  WriteLowerHex64(0x0123456789abcdef, buffer);
  EXPECT_EQ(std::string(buffer, 16), "0123456789abcdef");
  WriteLowerHex64(0, buffer);
  EXPECT_EQ(std::string(buffer, 16), "0000000000000000");
  WriteLowerHex64(~0ull, buffer);
  EXPECT_EQ(std::string(buffer, 16), "ffffffffffffffff");
}

TEST(PropagationHex, ParseLowerHex64Lengths) {
  std::uint64_t value = 0;
  EXPECT_FALSE(ParseLowerHex64("", value));
  EXPECT_FALSE(ParseLowerHex64("00000000000000000", value));
  EXPECT_TRUE(ParseLowerHex64("a", value));
  EXPECT_EQ(value, 0xau);
  EXPECT_TRUE(ParseLowerHex64("fedcba987", value));
  EXPECT_EQ(value, 0xfedcba987u);
  EXPECT_TRUE(ParseLowerHex64("0000000000000000", value));
  EXPECT_EQ(value, 0u);
  for (const char* bad : {"A", "g", "-1", "0x1", " 1", "1 ", "fedcba98765432F"}) {
    EXPECT_FALSE(ParseLowerHex64(bad, value)) << bad;
  }
}

TEST(PropagationHex, CaseFoldingAndOws) {
  EXPECT_TRUE(EqualsIgnoreCase("X-B3-TraceId", "x-b3-traceid"));
  EXPECT_FALSE(EqualsIgnoreCase("x-b3-traceid", "x-b3-traceie"));
  EXPECT_FALSE(EqualsIgnoreCase("b3", "b3 "));
  EXPECT_FALSE(EqualsIgnoreCase("[", "{"));  // 0x5b vs 0x7b differ by 0x20 but are not letters
  EXPECT_EQ(TrimOws(" \t a b\t "), "a b");
  EXPECT_EQ(TrimOws("\v"), "\v");
}

}  // namespace
}  // namespace cairn::trace::propagation_internal
