#include "lib/codec/ip_address.h"

#include <gtest/gtest.h>

#include <array>
#include <ostream>
#include <string>

namespace cairn::codec {
namespace {

struct TextCase {
  std::string input;
  IpText::Family family;  // kNone: not an IP
  std::string text;
  friend void PrintTo(const TextCase& c, std::ostream* os) { *os << '"' << c.input << '"'; }
};

class IpTextTest : public ::testing::TestWithParam<TextCase> {};

TEST_P(IpTextTest, ParsesLikeZipkinEndpoint) {
  const TextCase& c = GetParam();
  IpText ip;
  bool parsed = ip.ParseText(c.input);
  EXPECT_EQ(parsed, c.family != IpText::Family::kNone) << c.input;
  EXPECT_EQ(ip.family(), c.family) << c.input;
  EXPECT_EQ(ip.text(), c.text) << c.input;
}

using F = IpText::Family;
INSTANTIATE_TEST_SUITE_P(
    Table, IpTextTest,
    ::testing::Values(
        TextCase{"1.2.3.4", F::kIpv4, "1.2.3.4"},
        TextCase{"255.255.255.255", F::kIpv4, "255.255.255.255"},
        TextCase{"010.001.02.3", F::kIpv4, "10.1.2.3"},  // canonical (Zipkin keeps it verbatim)
        TextCase{"::ffff:052.0.0.05", F::kIpv4, "52.0.0.5"}, TextCase{"256.1.1.1", F::kNone, ""},
        TextCase{"1.2.3", F::kNone, ""}, TextCase{"1.2.3.4.5", F::kNone, ""},
        TextCase{"43.0.292.2", F::kNone, ""}, TextCase{"ahola", F::kNone, ""},
        TextCase{"", F::kNone, ""}, TextCase{"2001:db8::c001", F::kIpv6, "2001:db8::c001"},
        TextCase{"2001:DB8::C001", F::kIpv6, "2001:db8::c001"},
        TextCase{"2001:0db8:0000:0000:0000:0000:0000:c001", F::kIpv6, "2001:db8::c001"},
        TextCase{"::", F::kIpv6, "::"}, TextCase{"::1", F::kIpv6, "::1"},
        TextCase{"1::", F::kIpv6, "1::"}, TextCase{"fe80::1%en0", F::kNone, ""},
        TextCase{"2001:db8::,c001", F::kNone, ""}, TextCase{"1:2:3:4:5:6:7:8:9", F::kNone, ""},
        TextCase{"1::2::3", F::kNone, ""}, TextCase{"12345::1", F::kNone, ""},
        // Zipkin's writeIpV6 compresses the first longest run, even of one group ...
        TextCase{"1:0:2:3:4:5:6:7", F::kIpv6, "1::2:3:4:5:6:7"},
        // ... and ignores a longer trailing run once an earlier run exists.
        TextCase{"1:0:0:2:0:0:0:0", F::kIpv6, "1::2:0:0:0:0"},
        TextCase{"0:0:1:0:0:0:0:1", F::kIpv6, "0:0:1::1"},
        TextCase{"::FFFF:43.0.192.2", F::kIpv4, "43.0.192.2"},
        TextCase{"::ffff:1.2.3.4", F::kIpv4, "1.2.3.4"},
        TextCase{"::0000:43.0.192.2", F::kIpv4, "43.0.192.2"},
        TextCase{"::43.0.192.2", F::kIpv4, "43.0.192.2"},
        TextCase{"::ffef:43.0.192.2", F::kNone, ""}, TextCase{"::0000:43.0.192.302", F::kNone, ""},
        TextCase{"1.2.3.4:80", F::kNone, ""}));

TEST(IpTextTest, FailedParseKeepsPreviousValue) {
  IpText ip;
  ASSERT_TRUE(ip.ParseText("1.2.3.4"));
  EXPECT_FALSE(ip.ParseText("garbage"));
  EXPECT_EQ(ip.text(), "1.2.3.4");
}

TEST(IpTextTest, ParsesBytes) {
  IpText ip;
  const std::array<std::uint8_t, 4> v4 = {192, 168, 0, 10};
  ASSERT_TRUE(ip.ParseBytes(v4));
  EXPECT_EQ(ip.family(), F::kIpv4);
  EXPECT_EQ(ip.text(), "192.168.0.10");

  std::array<std::uint8_t, 16> v6 = {0x20, 0x01, 0x0d, 0xb8};
  v6[15] = 0x01;
  ASSERT_TRUE(ip.ParseBytes(v6));
  EXPECT_EQ(ip.family(), F::kIpv6);
  EXPECT_EQ(ip.text(), "2001:db8::1");

  std::array<std::uint8_t, 16> loopback{};
  loopback[15] = 1;
  ASSERT_TRUE(ip.ParseBytes(loopback));
  EXPECT_EQ(ip.text(), "::1");  // not mistaken for 0.0.0.1

  std::array<std::uint8_t, 16> compatible{};
  compatible[12] = 10;
  compatible[15] = 7;
  ASSERT_TRUE(ip.ParseBytes(compatible));
  EXPECT_EQ(ip.family(), F::kIpv4);
  EXPECT_EQ(ip.text(), "10.0.0.7");

  // IPv4-mapped bytes stay IPv6 in Zipkin's parseEmbeddedIPv4 (flag 0xffff is not "embedded").
  std::array<std::uint8_t, 16> mapped{};
  mapped[10] = 0xff;
  mapped[11] = 0xff;
  mapped[12] = 1;
  mapped[13] = 2;
  mapped[14] = 3;
  mapped[15] = 4;
  ASSERT_TRUE(ip.ParseBytes(mapped));
  EXPECT_EQ(ip.family(), F::kIpv6);
  EXPECT_EQ(ip.text(), "::ffff:102:304");

  const std::array<std::uint8_t, 5> odd = {1, 2, 3, 4, 5};
  EXPECT_FALSE(ip.ParseBytes(odd));
  EXPECT_EQ(ip.text(), "::ffff:102:304");
}

TEST(IpTextTest, Ipv4Validation) {
  EXPECT_TRUE(IsValidIpv4Text("127.0.0.1"));
  EXPECT_FALSE(IsValidIpv4Text("::1"));
  EXPECT_FALSE(IsValidIpv4Text("1.2.3.-4"));
}

}  // namespace
}  // namespace cairn::codec
