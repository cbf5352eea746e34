#include "lib/config/values.h"

#include <gtest/gtest.h>

#include "lib/config/url.h"

namespace cairn::config {
namespace {

using std::chrono::milliseconds;

TEST(ConfigValuesTest, Booleans) {
  for (const char* yes : {"true", "TRUE", " yes ", "on", "1"}) {
    ASSERT_TRUE(ParseBool(yes).ok()) << yes;
    EXPECT_TRUE(*ParseBool(yes)) << yes;
  }
  for (const char* no : {"false", "False", "no", "OFF", "0"}) {
    ASSERT_TRUE(ParseBool(no).ok()) << no;
    EXPECT_FALSE(*ParseBool(no)) << no;
  }
  for (const char* bad : {"", "tru", "2", "yess"}) {
    EXPECT_EQ(ParseBool(bad).status().message(), "expected true or false") << bad;
  }
}

TEST(ConfigValuesTest, Integers) {
  EXPECT_EQ(*ParseInteger("9411", 0, 65535), 9411);
  EXPECT_EQ(*ParseInteger(" +7 ", 0, 10), 7);
  EXPECT_EQ(*ParseInteger("-3", -5, 10), -3);
  EXPECT_EQ(ParseInteger("65536", 0, 65535).status().message(),
            "expected an integer from 0 to 65535");
  EXPECT_FALSE(ParseInteger("12abc", 0, 100).ok());
  EXPECT_FALSE(ParseInteger("", 0, 100).ok());
  EXPECT_FALSE(ParseInteger("1.5", 0, 100).ok());
  EXPECT_FALSE(ParseInteger("99999999999999999999999", 0, 100).ok());
}

TEST(ConfigValuesTest, Numbers) {
  EXPECT_DOUBLE_EQ(*ParseNumber("0.25", 0, 1), 0.25);
  EXPECT_DOUBLE_EQ(*ParseNumber("1", 0, 1), 1.0);
  EXPECT_DOUBLE_EQ(*ParseNumber("1e-3", 0, 1), 0.001);
  EXPECT_EQ(ParseNumber("1.5", 0, 1).status().message(), "expected a number from 0.0 to 1.0");
  EXPECT_FALSE(ParseNumber("nan", 0, 1).ok());
  EXPECT_FALSE(ParseNumber("half", 0, 1).ok());
  EXPECT_FALSE(ParseNumber("-0.1", 0, 1).ok());
}

TEST(ConfigValuesTest, DurationsInSpringSyntax) {
  EXPECT_EQ(*ParseDuration("11s", milliseconds(1)), milliseconds(11'000));
  EXPECT_EQ(*ParseDuration("500ms", milliseconds(1)), milliseconds(500));
  EXPECT_EQ(*ParseDuration("5m", milliseconds(1)), milliseconds(300'000));
  EXPECT_EQ(*ParseDuration("2h", milliseconds(1)), milliseconds(7'200'000));
  EXPECT_EQ(*ParseDuration("7d", milliseconds(1)), milliseconds(604'800'000));
  EXPECT_EQ(*ParseDuration("1500us", milliseconds(1)), milliseconds(1));
  EXPECT_EQ(*ParseDuration("250", milliseconds(1)), milliseconds(250));
  EXPECT_EQ(*ParseDuration("3", milliseconds(1000)), milliseconds(3000));
  EXPECT_EQ(*ParseDuration("0", milliseconds(1)), milliseconds(0));
  EXPECT_EQ(*ParseDuration("PT11S", milliseconds(1)), milliseconds(11'000));
  EXPECT_EQ(*ParseDuration("pt0.5s", milliseconds(1)), milliseconds(500));
  EXPECT_EQ(*ParseDuration("P1DT2H", milliseconds(1)), milliseconds(93'600'000));
  for (const char* bad : {"", "s", "11 sec", "1w", "P", "PT", "P1H", "11s5"}) {
    EXPECT_FALSE(ParseDuration(bad, milliseconds(1)).ok()) << bad;
  }
  EXPECT_EQ(ParseDuration("-1s", milliseconds(1)).status().message(),
            "expected a non-negative duration");
  EXPECT_EQ(ParseDuration("999999d", milliseconds(1)).status().message(),
            "expected a duration of at most 100 years");
}

TEST(ConfigValuesTest, ByteSizes) {
  EXPECT_EQ(*ParseByteSize("1048576", 0, 1ULL << 30), 1048576u);
  EXPECT_EQ(*ParseByteSize("10MB", 0, 1ULL << 30), 10u << 20);
  EXPECT_EQ(*ParseByteSize("512 KiB", 0, 1ULL << 30), 512u << 10);
  EXPECT_EQ(*ParseByteSize("1gb", 0, 1ULL << 30), 1u << 30);
  EXPECT_FALSE(ParseByteSize("2GB", 0, 1ULL << 30).ok());
  EXPECT_FALSE(ParseByteSize("10 bytes", 0, 1ULL << 30).ok());
  EXPECT_FALSE(ParseByteSize("MB", 0, 1ULL << 30).ok());
  EXPECT_FALSE(ParseByteSize("100", 1024, 1ULL << 30).ok());
}

TEST(ConfigValuesTest, Lists) {
  EXPECT_EQ(ParseList(" a, b ,,c "), (std::vector<std::string>{"a", "b", "c"}));
  EXPECT_TRUE(ParseList("").empty());
  EXPECT_TRUE(ParseList(" , ").empty());
}

TEST(ConfigValuesTest, HttpUrls) {
  Result<Url> url = ParseHttpUrl(" http://zipkin:9411/api/v2/spans?x=1 ");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->text, "http://zipkin:9411/api/v2/spans?x=1");
  EXPECT_EQ(url->scheme, "http");
  EXPECT_EQ(url->host, "zipkin");
  EXPECT_EQ(url->port, 9411);
  EXPECT_EQ(url->target, "/api/v2/spans?x=1");
  EXPECT_EQ(url->HostPort(), "zipkin:9411");

  url = ParseHttpUrl("HTTPS://[::1]");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->scheme, "https");
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->port, 443);
  EXPECT_EQ(url->target, "/");
  EXPECT_EQ(url->HostPort(), "[::1]:443");
}

TEST(ConfigValuesTest, AmqpUrlsKeepCredentials) {
  Result<Url> url = ParseAmqpUrl("amqp://guest:gu%40est@rabbitmq:5672/");
  ASSERT_TRUE(url.ok()) << url.status().message();
  EXPECT_EQ(url->user, "guest");
  EXPECT_EQ(url->password, "gu@est");
  EXPECT_EQ(url->host, "rabbitmq");
  EXPECT_EQ(url->port, 5672);
  EXPECT_EQ(ParseAmqpUrl("amqps://broker")->port, 5671);
}

TEST(ConfigValuesTest, BadUrlsSayWhatWasExpected) {
  const std::string expected = "expected an http or https URL such as http://127.0.0.1:9411";
  EXPECT_EQ(ParseHttpUrl("zipkin:9411").status().message(),
            expected + " (scheme 'zipkin' not allowed)");
  EXPECT_EQ(ParseHttpUrl("").status().message(), expected);
  EXPECT_EQ(ParseHttpUrl("not a url").status().message(), expected);
  EXPECT_EQ(ParseHttpUrl("http:///path").status().message(), expected + " (no host)");
  EXPECT_EQ(ParseHttpUrl("http:/path").status().message(), expected + " (no host)");
  EXPECT_EQ(ParseHttpUrl("http://h:0/").status().message(),
            expected + " (port must be 1 to 65535)");
  EXPECT_EQ(ParseHttpUrl("http://h:70000/").status().message(),
            expected + " (port must be 1 to 65535)");
  EXPECT_EQ(ParseHttpUrl("http://h/#frag").status().message(), expected + " (no #fragment)");
  EXPECT_EQ(ParseAmqpUrl("http://h/").status().message(),
            "expected an amqp or amqps URL such as amqp://guest:guest@127.0.0.1:5672/ "
            "(scheme 'http' not allowed)");
  EXPECT_FALSE(ParseUrl("ftp://h/", {"ftp"}).ok());  // no default port
  EXPECT_EQ(ParseUrl("ftp://h:21/", {"ftp"})->port, 21);
}

}  // namespace
}  // namespace cairn::config
