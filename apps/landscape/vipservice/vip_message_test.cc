// vipservice's message decoding (untrusted input from the queue) and configuration errors.
#include "apps/landscape/vipservice/vip_message.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>

#include "apps/landscape/vipservice/vip_service.h"

namespace cairn::vipservice {
namespace {

using ::testing::HasSubstr;

TEST(VipMessageTest, DecodesWhatAccountserviceSends) {
  Result<VipNotification> n =
      DecodeVipNotification(R"({"accountId":"10000","readAt":"2024-05-01T12:00:00.123456Z"})");
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->account_id, "10000");
  EXPECT_EQ(n->read_at, "2024-05-01T12:00:00.123456Z");
}

TEST(VipMessageTest, AcceptsTheOriginalGoTimeFormatAndExtraFields) {
  Result<VipNotification> n = DecodeVipNotification(
      R"({"readAt":"2017-10-25 18:31:22.123456789 +0000 UTC","accountId":"10000","x":[1]})");
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(n->read_at, "2017-10-25 18:31:22.123456789 +0000 UTC");
}

TEST(VipMessageTest, RefusesAnythingElseWithAReason) {
  const std::pair<std::string, std::string> cases[] = {
      {"", "not JSON"},
      {"{", "not JSON"},
      {"\xff", "not JSON"},
      {"[]", "not a JSON object"},
      {"null", "not a JSON object"},
      {R"({"readAt":"t"})", "no string \"accountId\""},
      {R"({"accountId":10000,"readAt":"t"})", "no string \"accountId\""},
      {R"({"accountId":"","readAt":"t"})", "empty \"accountId\""},
      {R"({"accountId":"1"})", "no string \"readAt\""},
      {R"({"accountId":")" + std::string(300, 'x') + R"(","readAt":"t"})", "longer than 256"},
  };
  for (const auto& [body, why] : cases) {
    Result<VipNotification> n = DecodeVipNotification(body);
    ASSERT_FALSE(n.ok()) << body;
    EXPECT_EQ(n.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(n.status().message(), HasSubstr(why)) << body;
  }
}

config::LoadOutcome<VipConfig> Load(std::vector<std::string> args) {
  return VipLoader().Load(args, config::Environment::FromMap({}));
}

TEST(VipConfigTest, DefaultsAndBadValues) {
  auto defaults = Load({});
  ASSERT_EQ(defaults.action, config::Action::kRun) << defaults.message;
  EXPECT_EQ(defaults.config.server_port, 6868);
  EXPECT_EQ(defaults.config.vip_queue, "vip_queue");
  EXPECT_EQ(defaults.config.work_duration, std::chrono::milliseconds(10));

  const std::pair<std::string, std::string> cases[] = {
      {"--amqp_server_url=amqps://x", "amqp_server_url"},
      {"--amqp_server_url=off", "amqp_server_url"},
      {"--vip_queue=", "vip_queue"},
      {"--work_duration=1h", "work_duration"},
      {"--prefetch=0", "prefetch"},
  };
  for (const auto& [arg, key] : cases) {
    auto outcome = Load({arg});
    EXPECT_EQ(outcome.exit_code, 2) << arg;
    EXPECT_THAT(outcome.message, HasSubstr(key)) << arg;
  }
}

}  // namespace
}  // namespace cairn::vipservice
