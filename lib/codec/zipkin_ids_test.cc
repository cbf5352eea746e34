#include "lib/codec/zipkin_ids.h"

#include <gtest/gtest.h>

#include <ostream>
#include <string>

namespace cairn::codec {
namespace {

struct TraceIdCase {
  std::string input;
  std::string expected_hex;  // empty when an error is expected
  std::string error;
  friend void PrintTo(const TraceIdCase& c, std::ostream* os) { *os << '"' << c.input << '"'; }
};

class TraceIdTest : public ::testing::TestWithParam<TraceIdCase> {};

TEST_P(TraceIdTest, MatchesZipkinNormalizeTraceId) {
  const TraceIdCase& c = GetParam();
  Result<trace::TraceId> id = ParseTraceId(c.input);
  if (c.error.empty()) {
    ASSERT_TRUE(id.ok()) << id.status().message();
    EXPECT_EQ(id->ToHex(), c.expected_hex);
  } else {
    ASSERT_FALSE(id.ok());
    EXPECT_EQ(id.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(id.status().message(), c.error);
  }
}

INSTANTIATE_TEST_SUITE_P(
    Table, TraceIdTest,
    ::testing::Values(
        TraceIdCase{"1", "0000000000000001", ""},
        TraceIdCase{"463ac35c9f6413ad", "463ac35c9f6413ad", ""},
        TraceIdCase{"a463ac35c9f6413ad", "000000000000000a463ac35c9f6413ad", ""},
        TraceIdCase{"48485a3953bb61246b221d5bc9e6496c", "48485a3953bb61246b221d5bc9e6496c", ""},
        // 32 chars with 16 leading zeros is a 64-bit id.
        TraceIdCase{"00000000000000006b221d5bc9e6496c", "6b221d5bc9e6496c", ""},
        TraceIdCase{"", "", "traceId is empty"},
        TraceIdCase{std::string(33, 'a'), "", "traceId.length > 32"},
        TraceIdCase{"0", "", "traceId is all zeros"},
        TraceIdCase{std::string(32, '0'), "", "traceId is all zeros"},
        TraceIdCase{"48485A3953BB6124", "",
                    "48485A3953BB6124 should be lower-hex encoded with no prefix"},
        TraceIdCase{"0x1234", "", "0x1234 should be lower-hex encoded with no prefix"},
        TraceIdCase{"-1", "", "-1 should be lower-hex encoded with no prefix"}));

TEST(SpanIdTest, PadsShortIds) {
  EXPECT_EQ(*ParseSpanId("1"), 1u);
  EXPECT_EQ(*ParseSpanId("ffffffffffffffff"), ~std::uint64_t{0});
  EXPECT_EQ(*ParseSpanId("00000000000000a1"), 0xa1u);
}

TEST(SpanIdTest, ErrorsMatchZipkin) {
  EXPECT_EQ(ParseSpanId("").status().message(), "id is empty");
  EXPECT_EQ(ParseSpanId(std::string(17, '1')).status().message(), "id.length > 16");
  EXPECT_EQ(ParseSpanId("000000000000000g").status().message(),
            "000000000000000g should be lower-hex encoded with no prefix");
  EXPECT_EQ(ParseSpanId("0000000000000000").status().message(), "id is all zeros");
  // Zipkin would pad "0" to an all-zero id; cairn cannot store id 0, so it is rejected too.
  EXPECT_EQ(ParseSpanId("0").status().message(), "id is all zeros");
}

// The 16-char fast path must agree with a plain per-character check for every byte value at
// every position.
TEST(SpanIdTest, EveryByteAtEveryPosition) {
  auto reference = [](const std::string& hex, std::uint64_t& out) {
    std::uint64_t value = 0;
    for (char c : hex) {
      int v;
      if (c >= '0' && c <= '9') {
        v = c - '0';
      } else if (c >= 'a' && c <= 'f') {
        v = c - 'a' + 10;
      } else {
        return false;
      }
      value = value << 4 | static_cast<std::uint64_t>(v);
    }
    out = value;
    return true;
  };
  for (int position = 0; position < 16; ++position) {
    for (int byte = 0; byte < 256; ++byte) {
      std::string hex = "0123456789abcdef";
      hex[position] = static_cast<char>(byte);
      std::uint64_t expected = 0;
      bool valid = reference(hex, expected) && expected != 0;
      Result<trace::SpanId> id = ParseSpanId(hex);
      ASSERT_EQ(id.ok(), valid) << position << " " << byte;
      if (valid) {
        EXPECT_EQ(*id, expected) << position << " " << byte;
      }
    }
  }
  EXPECT_EQ(*ParseSpanId("fedcba9876543210"), 0xfedcba9876543210u);
}

TEST(ParentIdTest, AllZerosMeansAbsent) {
  EXPECT_EQ(*ParseParentId("0"), 0u);
  EXPECT_EQ(*ParseParentId("0000000000000000"), 0u);
  EXPECT_EQ(*ParseParentId("6b221d5bc9e6496c"), 0x6b221d5bc9e6496cu);
  EXPECT_EQ(ParseParentId("").status().message(), "parentId is empty");
  EXPECT_EQ(ParseParentId(std::string(17, '1')).status().message(), "parentId.length > 16");
  EXPECT_EQ(ParseParentId("XYZ").status().message(),
            "XYZ should be lower-hex encoded with no prefix");
}

TEST(V1IdTest, KeepsLowest64BitsAndAllowsLengthsUpTo32) {
  EXPECT_EQ(*ParseV1Id("1"), 1u);
  EXPECT_EQ(*ParseV1Id("0"), 0u);
  EXPECT_EQ(*ParseV1Id("1234567890abcdef1"), 0x234567890abcdef1u);
  EXPECT_EQ(*ParseV1Id("48485a3953bb61246b221d5bc9e6496c"), 0x6b221d5bc9e6496cu);
  EXPECT_EQ(V1TraceIdHigh("48485a3953bb61246b221d5bc9e6496c"), 0x48485a3953bb6124u);
  EXPECT_EQ(V1TraceIdHigh("1234567890abcdef1"), 0u);  // only exactly 32 chars carry high bits
}

TEST(V1IdTest, ErrorsMatchHexCodec) {
  const std::string suffix = " should be a 1 to 32 character lower-hex string with no prefix";
  EXPECT_EQ(ParseV1Id("").status().message(), suffix);
  EXPECT_EQ(ParseV1Id(std::string(33, 'a')).status().message(), std::string(33, 'a') + suffix);
  EXPECT_EQ(ParseV1Id("ABC").status().message(), "ABC" + suffix);
  // A bad character in the (otherwise ignored) high part still fails.
  EXPECT_EQ(ParseV1Id("x0000000000000001").status().message(), "x0000000000000001" + suffix);
}

}  // namespace
}  // namespace cairn::codec
