#include "lib/trace_amqp/broker.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cairn::trace_amqp {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

BrokerUrl Parse(std::string_view url) {
  auto parsed = ParseBrokerUrl(url);
  EXPECT_TRUE(parsed.ok()) << url << ": " << parsed.status().message();
  return parsed.ok() ? std::move(parsed).value() : BrokerUrl{};
}

std::string ErrorOf(std::string_view url) {
  auto parsed = ParseBrokerUrl(url);
  EXPECT_FALSE(parsed.ok()) << url;
  if (parsed.ok()) return {};
  EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
  return parsed.status().message();
}

TEST(BrokerUrlTest, FullUrl) {
  const BrokerUrl url = Parse("amqp://user:p%40ss@rabbit.example:5673/prod");
  EXPECT_EQ(url.host, "rabbit.example");
  EXPECT_EQ(url.port, 5673);
  EXPECT_EQ(url.user, "user");
  EXPECT_EQ(url.password, "p@ss");
  EXPECT_EQ(url.vhost, "prod");
  EXPECT_EQ(url.Redacted(), "amqp://user@rabbit.example:5673/prod");
}

TEST(BrokerUrlTest, DefaultsAndTheDefaultVhost) {
  const BrokerUrl url = Parse("amqp://rabbitmq");
  EXPECT_EQ(url.port, 5672);
  EXPECT_EQ(url.user, "guest");
  EXPECT_EQ(url.password, "guest");
  EXPECT_EQ(url.vhost, "/");
  EXPECT_EQ(Parse("amqp://guest:guest@rabbitmq:5672/").vhost, "/");
  // The original services' config: amqp_server_url + "/".
  EXPECT_EQ(Parse("amqp://guest:guest@rabbitmq:5672//").vhost, "/");
  EXPECT_EQ(Parse("amqp://h/%2f").vhost, "/");
  EXPECT_EQ(Parse("amqp://h/%2Fother").vhost, "/other");
}

TEST(BrokerUrlTest, IpLiterals) {
  EXPECT_EQ(Parse("amqp://127.0.0.1:5672/").host, "127.0.0.1");
  const BrokerUrl v6 = Parse("amqp://[::1]:5672/");
  EXPECT_EQ(v6.host, "::1");
  EXPECT_EQ(v6.Redacted(), "amqp://guest@[::1]:5672/");
}

TEST(BrokerUrlTest, UserWithoutPassword) {
  const BrokerUrl url = Parse("amqp://alice@h/");
  EXPECT_EQ(url.user, "alice");
  EXPECT_EQ(url.password, "");
}

TEST(BrokerUrlTest, PreciseErrors) {
  EXPECT_THAT(ParseBrokerUrl("").status().message(), HasSubstr("empty"));
  EXPECT_THAT(ErrorOf("amqps://h/"), HasSubstr("amqps (TLS) is not supported"));
  EXPECT_THAT(ErrorOf("http://h/"), HasSubstr("scheme must be amqp"));
  EXPECT_THAT(ErrorOf("rabbitmq:5672"), HasSubstr("scheme must be amqp"));
  EXPECT_THAT(ErrorOf("not a url"), HasSubstr("not a URL"));
  EXPECT_THAT(ErrorOf("amqp://h:0/"), HasSubstr("port must be in 1-65535"));
  EXPECT_THAT(ErrorOf("amqp://h:70000/"), HasSubstr("port"));
  EXPECT_THAT(ErrorOf("amqp://h:12ab/"), HasSubstr("invalid port"));
  EXPECT_THAT(ErrorOf("amqp:///vhost"), HasSubstr("missing host"));
  EXPECT_THAT(ErrorOf("amqp://h/a/b"), HasSubstr("one path segment"));
  EXPECT_THAT(ErrorOf("amqp://h/?heartbeat=10"), HasSubstr("query"));
  EXPECT_THAT(ErrorOf("amqp://h/#x"), HasSubstr("fragment"));
  EXPECT_THAT(ErrorOf("amqp://:pw@h/"), HasSubstr("empty user name"));
}

TEST(BrokerUrlTest, ErrorsNeverQuoteThePassword) {
  const std::string error = ErrorOf("amqp://admin:s3cret@h:0/");
  EXPECT_THAT(error, HasSubstr("admin:***@h:0"));
  EXPECT_THAT(error, Not(HasSubstr("s3cret")));
}

TEST(ConnectionSettingsTest, Validate) {
  ConnectionSettings settings;
  EXPECT_TRUE(settings.Validate().ok());
  settings.connect_timeout = std::chrono::milliseconds(0);
  EXPECT_THAT(settings.Validate().message(), HasSubstr("connect_timeout"));
  settings = {};
  settings.rpc_timeout = std::chrono::hours(1);
  EXPECT_THAT(settings.Validate().message(), HasSubstr("rpc_timeout"));
  settings = {};
  settings.heartbeat = std::chrono::seconds(-1);
  EXPECT_THAT(settings.Validate().message(), HasSubstr("heartbeat"));
  settings = {};
  settings.connection_name = std::string(256, 'n');
  EXPECT_THAT(settings.Validate().message(), HasSubstr("connection_name"));
}

}  // namespace
}  // namespace cairn::trace_amqp
