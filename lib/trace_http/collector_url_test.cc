#include "lib/trace_http/collector_url.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cairn::trace_http {
namespace {

using ::testing::HasSubstr;

TEST(CollectorUrlTest, ParsesHostPortAndTarget) {
  Result<CollectorUrl> url = ParseCollectorUrl("http://127.0.0.1:9411/api/v2/spans");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "127.0.0.1");
  EXPECT_EQ(url->port, "9411");
  EXPECT_EQ(url->host_header, "127.0.0.1:9411");
  EXPECT_EQ(url->target, "/api/v2/spans");
}

TEST(CollectorUrlTest, DefaultsPortAndPath) {
  Result<CollectorUrl> url = ParseCollectorUrl("http://zipkin");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "zipkin");
  EXPECT_EQ(url->port, "80");
  EXPECT_EQ(url->host_header, "zipkin");
  EXPECT_EQ(url->target, "/");

  Result<CollectorUrl> empty_port = ParseCollectorUrl("http://zipkin:/x");
  ASSERT_TRUE(empty_port.ok()) << empty_port.status().ToString();
  EXPECT_EQ(empty_port->port, "80");
  EXPECT_EQ(empty_port->host_header, "zipkin");
}

TEST(CollectorUrlTest, KeepsQueryAndHandlesIpv6) {
  Result<CollectorUrl> url = ParseCollectorUrl("http://[::1]:9411/api/v2/spans?x=1");
  ASSERT_TRUE(url.ok()) << url.status().ToString();
  EXPECT_EQ(url->host, "::1");
  EXPECT_EQ(url->host_header, "[::1]:9411");
  EXPECT_EQ(url->target, "/api/v2/spans?x=1");

  Result<CollectorUrl> query_only = ParseCollectorUrl("http://h?x=1");
  ASSERT_TRUE(query_only.ok());
  EXPECT_EQ(query_only->target, "/?x=1");
}

TEST(CollectorUrlTest, RejectsBadUrlsWithPreciseMessages) {
  struct Case {
    const char* url;
    const char* message;
  };
  for (const Case& c : {
           Case{"", "empty"},
           Case{"127.0.0.1:9411/api/v2/spans", "not an absolute URL"},
           Case{"not a url", "not an absolute URL"},
           Case{"https://zipkin/api/v2/spans", "https is not supported"},
           Case{"ftp://zipkin/", "scheme must be http"},
           Case{"http:///api/v2/spans", "missing host"},
           Case{"http://zipkin:0/", "port must be in 1-65535"},
           Case{"http://zipkin:65536/", "port must be in 1-65535"},
           Case{"http://zipkin:99999999999/", "invalid port"},
           Case{"http://user:pw@zipkin/", "user info"},
           Case{"http://zipkin/api#frag", "fragment"},
       }) {
    Result<CollectorUrl> url = ParseCollectorUrl(c.url);
    ASSERT_FALSE(url.ok()) << c.url;
    EXPECT_EQ(url.status().code(), StatusCode::kInvalidArgument) << c.url;
    EXPECT_THAT(url.status().message(), HasSubstr(c.message)) << c.url;
  }
}

}  // namespace
}  // namespace cairn::trace_http
