#include "lib/resilience/breaker_settings.h"

#include <gtest/gtest.h>

#include "lib/config/loader.h"

namespace cairn::resilience {
namespace {

using std::chrono::milliseconds;

TEST(BreakerConfigTest, UnconfiguredNamesGetHystrixDefaults) {
  BreakerConfig config;
  EXPECT_EQ(config.SettingsFor("quotes-service"), BreakerSettings{});
  EXPECT_TRUE(config.Names().empty());
}

TEST(BreakerConfigTest, EveryPropertyFromPathForm) {
  BreakerConfig config;
  ASSERT_TRUE(config.Add("quotes-service.Timeout", "5000").ok());
  ASSERT_TRUE(config.Add("quotes-service.MaxConcurrentRequests", "3").ok());
  ASSERT_TRUE(config.Add("quotes-service.RequestVolumeThreshold", "0").ok());
  ASSERT_TRUE(config.Add("quotes-service.ErrorPercentThreshold", "25").ok());
  ASSERT_TRUE(config.Add("quotes-service.SleepWindow", "2s").ok());
  const BreakerSettings quotes = config.SettingsFor("quotes-service");
  EXPECT_EQ(quotes.timeout, milliseconds(5000));
  EXPECT_EQ(quotes.max_concurrent_requests, 3);
  EXPECT_EQ(quotes.request_volume_threshold, 0);
  EXPECT_EQ(quotes.error_percent_threshold, 25);
  EXPECT_EQ(quotes.sleep_window, milliseconds(2000));
  EXPECT_EQ(config.SettingsFor("imageservice"), BreakerSettings{});  // others untouched
}

TEST(BreakerConfigTest, EnvironmentFormAndCaseInsensitivePropertiesAreTheSameKey) {
  BreakerConfig config;
  ASSERT_TRUE(config.Add("QUOTES_SERVICE_TIMEOUT", "700").ok());
  EXPECT_EQ(config.SettingsFor("quotes-service").timeout, milliseconds(700));
  ASSERT_TRUE(config.Add("quotes-service.timeout", "800").ok());  // later wins
  EXPECT_EQ(config.SettingsFor("quotes-service").timeout, milliseconds(800));
  ASSERT_TRUE(config.Add("IMAGESERVICE_SLEEPWINDOW", "100").ok());
  EXPECT_EQ(config.SettingsFor("imageservice").sleep_window, milliseconds(100));
  ASSERT_TRUE(config.Add("account-to-data.maxconcurrentrequests", "4").ok());
  EXPECT_EQ(config.SettingsFor("ACCOUNT_TO_DATA").max_concurrent_requests, 4);
  EXPECT_EQ(config.Names(),
            (std::vector<std::string>{"ACCOUNT_TO_DATA", "IMAGESERVICE", "QUOTES_SERVICE"}));
}

TEST(BreakerConfigTest, BadKeysAndValuesSayWhatWasExpected) {
  BreakerConfig config;
  EXPECT_EQ(config.Add("quotes-service.Timout", "1").message(),
            "unknown property 'Timout' (expected Timeout, MaxConcurrentRequests, "
            "RequestVolumeThreshold, ErrorPercentThreshold or SleepWindow)");
  EXPECT_EQ(config.Add("QUOTES_SERVICE_TIMOUT", "1").message(),
            "expected <name>.<Prop> (<NAME>_<PROP> in the environment) where Prop is Timeout, "
            "MaxConcurrentRequests, RequestVolumeThreshold, ErrorPercentThreshold or SleepWindow");
  EXPECT_EQ(config.Add(".Timeout", "1").message(), "expected a breaker name before the property");
  EXPECT_FALSE(config.Add("TIMEOUT", "1").ok());
  EXPECT_EQ(config.Add("q.Timeout", "0").message(),
            "Timeout: expected milliseconds from 1 to 600000 (or a duration such as 2s)");
  EXPECT_FALSE(config.Add("q.Timeout", "11m").ok());
  EXPECT_FALSE(config.Add("q.SleepWindow", "soon").ok());
  EXPECT_EQ(config.Add("q.MaxConcurrentRequests", "0").message(),
            "MaxConcurrentRequests: expected an integer from 1 to 10000");
  EXPECT_EQ(config.Add("q.ErrorPercentThreshold", "101").message(),
            "ErrorPercentThreshold: expected an integer from 1 to 100");
  EXPECT_FALSE(config.Add("q.RequestVolumeThreshold", "-1").ok());
  EXPECT_FALSE(config.Add("q.RequestVolumeThreshold", "1.5").ok());
  EXPECT_EQ(config.SettingsFor("q"), BreakerSettings{});  // nothing bad was kept
  EXPECT_TRUE(config.Names().empty());
}

// End to end through lib/config: YAML nested maps, environment and flags.
struct ServiceConfig {
  int port = 6767;
  BreakerConfig breakers;
};

constexpr config::Setting<ServiceConfig> kSettings[] = {
    {"SERVER_PORT", "server.port", "6767", "port",
     [](std::string_view v, ServiceConfig& c) {
       return config::AssignInteger(v, c.port, 0, 65535);
     }},
};
constexpr config::KeyFamily<ServiceConfig> kFamilies[] = {
    HystrixKeyFamily<ServiceConfig, &ServiceConfig::breakers>()};

TEST(BreakerConfigTest, LoadedThroughTheLayeredLoader) {
  const config::Loader<ServiceConfig> loader(
      config::ProgramInfo{.name = "accountservice", .version = "accountservice test"}, kSettings,
      kFamilies);
  const config::Environment env =
      config::Environment::FromMap({{"HYSTRIX_COMMAND_IMAGESERVICE_SLEEPWINDOW", "3000"}});
  const std::vector<std::string> args = {"--hystrix.command.quotes-service.Timeout=1500"};
  config::LoadOutcome<ServiceConfig> outcome = loader.Load(args, env);
  ASSERT_EQ(outcome.action, config::Action::kRun) << outcome.message;
  EXPECT_EQ(outcome.config.breakers.SettingsFor("quotes-service").timeout, milliseconds(1500));
  EXPECT_EQ(outcome.config.breakers.SettingsFor("imageservice").sleep_window, milliseconds(3000));

  const std::vector<std::string> bad = {"--hystrix.command.quotes-service.Timeout=fast"};
  outcome = loader.Load(bad, env);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.message,
            "--hystrix.command.quotes-service.Timeout = \"fast\": Timeout: expected milliseconds "
            "from 1 to 600000 (or a duration such as 2s)");
  EXPECT_NE(loader.Help().find("--hystrix.command.<name>.<Prop>"), std::string::npos);
}

}  // namespace
}  // namespace cairn::resilience
