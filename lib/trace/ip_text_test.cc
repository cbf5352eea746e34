#include "lib/trace/ip_text.h"

#include <gtest/gtest.h>

#include <string>

namespace cairn::trace::internal {
namespace {

TEST(CanonicalizeIpTest, IPv4) {
  CanonicalIp ip = CanonicalizeIp("192.168.0.1");
  EXPECT_EQ(ip.family, IpFamily::kV4);
  EXPECT_EQ(ip.view(), "192.168.0.1");
  EXPECT_EQ(CanonicalizeIp("0.0.0.0").view(), "0.0.0.0");
  EXPECT_EQ(CanonicalizeIp("255.255.255.255").view(), "255.255.255.255");
}

TEST(CanonicalizeIpTest, IPv6IsRewrittenInCanonicalForm) {
  EXPECT_EQ(CanonicalizeIp("2001:0DB8:0000:0000:0000:0000:0000:0001").view(), "2001:db8::1");
  EXPECT_EQ(CanonicalizeIp("::1").view(), "::1");
  EXPECT_EQ(CanonicalizeIp("fe80:0:0:0:1:0:0:1").view(), "fe80::1:0:0:1");
  EXPECT_EQ(CanonicalizeIp("::1").family, IpFamily::kV6);
  EXPECT_EQ(CanonicalizeIp("ffff:ffff:ffff:ffff:ffff:ffff:255.255.255.255").view(),
            "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff");
}

TEST(CanonicalizeIpTest, MappedIPv4BecomesIPv4) {
  CanonicalIp ip = CanonicalizeIp("::ffff:10.1.2.3");
  EXPECT_EQ(ip.family, IpFamily::kV4);
  EXPECT_EQ(ip.view(), "10.1.2.3");
  EXPECT_EQ(CanonicalizeIp("::FFFF:a01:203").view(), "10.1.2.3");
}

TEST(CanonicalizeIpTest, RejectsEverythingElse) {
  for (std::string_view bad :
       {"", "1", "1.2.3", "1.2.3.4.5", "256.0.0.1", "01.2.3.4", "1.2.3.4 ", " ::1", "[::1]",
        "::1%lo", "1::2::3", "gggg::1", "localhost", "1.2.3.4:80", "::ffff:1.2.3"}) {
    EXPECT_EQ(CanonicalizeIp(bad).family, IpFamily::kInvalid) << bad;
    EXPECT_EQ(CanonicalizeIp(bad).view(), "") << bad;
  }
  EXPECT_EQ(CanonicalizeIp(std::string_view("1.2.3.4\0junk", 12)).family, IpFamily::kInvalid);
  EXPECT_EQ(CanonicalizeIp(std::string(100, '1')).family, IpFamily::kInvalid);
  EXPECT_EQ(CanonicalizeIp(std::string(47, ':')).family, IpFamily::kInvalid);
}

}  // namespace
}  // namespace cairn::trace::internal
