#include "lib/config/loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <map>

namespace cairn::config {
namespace {

// A small program's config: two plain settings and a key family like hystrix.command.<name>.<P>.
struct DemoConfig {
  std::uint16_t port = 6767;
  std::string name = "demo";
  bool verbose = false;
  std::map<std::string, std::string> commands;  // NormalizeKey(key) -> "key=value"
};

Status ApplyCommand(std::string_view key, std::string_view value, DemoConfig& c) {
  const std::string normalized = NormalizeKey(key);
  if (!normalized.ends_with("_TIMEOUT")) return InvalidArgument("expected <name>.Timeout");
  CAIRN_RETURN_IF_ERROR(ParseInteger(value, 1, 1000).status());
  c.commands[normalized] = std::string(key) + "=" + std::string(value);
  return Status::Ok();
}

constexpr Setting<DemoConfig> kSettings[] = {
    {"SERVER_PORT", "server.port", "6767", "TCP port",
     [](std::string_view v, DemoConfig& c) { return AssignInteger(v, c.port, 0, 65535); }},
    {"SERVER_NAME", "server.name", "demo", "service name",
     [](std::string_view v, DemoConfig& c) { return AssignNonEmpty(v, c.name, "a name"); }},
    {"DEMO_VERBOSE", "logging.verbose", "SERVER_NAME", "log more",
     [](std::string_view v, DemoConfig& c) { return Assign(ParseBool(v), c.verbose); }},
};

constexpr KeyFamily<DemoConfig> kFamilies[] = {
    {"hystrix.command.", "HYSTRIX_COMMAND_", "<name>.<Prop>", "breaker settings", ApplyCommand},
};

constexpr ProgramInfo::Group kGroups[] = {{"server", "Server"}};

class LoaderTest : public ::testing::Test {
 protected:
  LoaderTest()
      : loader_(ProgramInfo{.name = "demo",
                            .description = "demo: a test program",
                            .version = "demo 1.2.3",
                            .config_env = "DEMO_CONFIG",
                            .groups = kGroups},
                kSettings, kFamilies) {}

  void TearDown() override {
    if (!file_.empty()) std::filesystem::remove(file_);
  }

  LoadOutcome<DemoConfig> Load(std::vector<std::string> args = {}) {
    return loader_.Load(args, Environment::FromMap(env_));
  }

  DemoConfig LoadOk(std::vector<std::string> args = {}) {
    LoadOutcome<DemoConfig> outcome = Load(std::move(args));
    EXPECT_EQ(outcome.action, Action::kRun) << outcome.message;
    return outcome.config;
  }

  std::string WriteYaml(const std::string& text) {
    file_ = (std::filesystem::temp_directory_path() /
             ("cairn-loader-test-" + std::to_string(::getpid()) + ".yaml"))
                .string();
    std::ofstream(file_) << text;
    return file_;
  }

  Loader<DemoConfig> loader_;
  std::map<std::string, std::string> env_;
  std::string file_;
};

TEST_F(LoaderTest, DefaultsComeFromTheStructOrTheCaller) {
  EXPECT_EQ(LoadOk().port, 6767);
  DemoConfig defaults;
  defaults.port = 7777;
  EXPECT_EQ(loader_.Load({}, Environment::FromMap({}), defaults).config.port, 7777);
}

TEST_F(LoaderTest, PrecedenceIsFlagThenEnvThenFileThenDefault) {
  const std::string file =
      WriteYaml("server:\n  port: 1111\n  name: from-file\nlogging:\n  verbose: yes\n");
  env_ = {{"SERVER_PORT", "2222"}, {"SERVER_NAME", "from-env"}};
  LoadOutcome<DemoConfig> outcome = Load({"--config", file, "--server-port=3333"});
  ASSERT_EQ(outcome.action, Action::kRun) << outcome.message;
  EXPECT_EQ(outcome.config.port, 3333);
  EXPECT_EQ(outcome.config.name, "from-env");
  EXPECT_TRUE(outcome.config.verbose);
  EXPECT_TRUE(outcome.IsSet("server.port"));
  EXPECT_TRUE(outcome.IsSet("logging.verbose"));
}

TEST_F(LoaderTest, OnlyTheWinningValueIsParsed) {
  env_ = {{"SERVER_PORT", "not-a-port"}};
  EXPECT_EQ(LoadOk({"--server-port", "80"}).port, 80);
}

TEST_F(LoaderTest, EmptyEnvironmentVariableCountsAsUnset) {
  env_ = {{"SERVER_PORT", ""}, {"HYSTRIX_COMMAND_A_TIMEOUT", ""}};
  LoadOutcome<DemoConfig> outcome = Load();
  EXPECT_EQ(outcome.config.port, 6767);
  EXPECT_TRUE(outcome.config.commands.empty());
  EXPECT_FALSE(outcome.IsSet("server.port"));
}

TEST_F(LoaderTest, ConfigFileNamedByEnvironment) {
  env_ = {{"DEMO_CONFIG", WriteYaml("server:\n  port: 4444\n")}};
  EXPECT_EQ(LoadOk().port, 4444);
}

TEST_F(LoaderTest, KeyFamilyFromNestedYamlDottedYamlEnvAndFlags) {
  const std::string file = WriteYaml(
      "hystrix:\n  command:\n    quotes-service:\n      Timeout: 100\n"
      "    imageservice:\n      Timeout: 200\n"
      "hystrix.command.vip.Timeout: 300\n");
  env_ = {{"HYSTRIX_COMMAND_IMAGESERVICE_TIMEOUT", "201"}, {"HYSTRIX_COMMAND_DATA_TIMEOUT", "400"}};
  LoadOutcome<DemoConfig> outcome =
      Load({"--config", file, "--hystrix.command.quotes-service.Timeout=101",
            "--hystrix.command.other.Timeout", "500"});
  ASSERT_EQ(outcome.action, Action::kRun) << outcome.message;
  const std::map<std::string, std::string> expected = {
      {"QUOTES_SERVICE_TIMEOUT", "quotes-service.Timeout=101"},  // flag over file
      {"IMAGESERVICE_TIMEOUT", "IMAGESERVICE_TIMEOUT=201"},      // env over file
      {"VIP_TIMEOUT", "vip.Timeout=300"},
      {"DATA_TIMEOUT", "DATA_TIMEOUT=400"},
      {"OTHER_TIMEOUT", "other.Timeout=500"}};
  EXPECT_EQ(outcome.config.commands, expected);
  EXPECT_TRUE(outcome.IsSet("hystrix.command.quotes-service.Timeout"));
}

TEST_F(LoaderTest, KeyFamilyErrorsNameKeySourceAndValue) {
  LoadOutcome<DemoConfig> outcome = Load({"--hystrix.command.q.Timeout=0"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.message,
            "--hystrix.command.q.Timeout = \"0\": expected an integer from 1 to 1000");

  const std::string file = WriteYaml("hystrix:\n  command:\n    q:\n      Timout: 5\n");
  outcome = Load({"--config", file});
  EXPECT_EQ(outcome.message,
            "hystrix.command.q.Timout (in " + file + ") = \"5\": expected <name>.Timeout");

  env_ = {{"HYSTRIX_COMMAND_Q_TIMEOUT", "x"}};
  outcome = Load();
  EXPECT_EQ(outcome.message,
            "HYSTRIX_COMMAND_Q_TIMEOUT (environment) = \"x\": expected an integer from 1 to 1000");

  outcome = Load({"--hystrix.command.q.Timeout"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.message.rfind("--hystrix.command.q.Timeout needs a value", 0), 0u)
      << outcome.message;
}

TEST_F(LoaderTest, BadValueNamesKeySourceAndValue) {
  env_ = {{"SERVER_PORT", "abc"}};
  LoadOutcome<DemoConfig> outcome = Load();
  EXPECT_EQ(outcome.action, Action::kExit);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.message,
            "SERVER_PORT (environment) = \"abc\": expected an integer from 0 to 65535");
  env_.clear();
  outcome = Load({"--server-name", " "});
  EXPECT_EQ(outcome.message, "--server-name = \" \": expected a name");
  const std::string file = WriteYaml("server:\n  port: 70000\n");
  outcome = Load({"--config", file});
  EXPECT_EQ(outcome.message,
            "server.port (in " + file + ") = \"70000\": expected an integer from 0 to 65535");
}

TEST_F(LoaderTest, LongValuesAreCutInMessages) {
  env_ = {{"SERVER_PORT", std::string(500, '9')}};
  LoadOutcome<DemoConfig> outcome = Load();
  EXPECT_NE(outcome.message.find(std::string(200, '9') + "...\""), std::string::npos);
  EXPECT_EQ(outcome.message.find(std::string(201, '9')), std::string::npos);
}

TEST_F(LoaderTest, UnknownKeysAndBrokenFilesAreErrors) {
  std::string file = WriteYaml("server:\n  prot: 9411\n");
  LoadOutcome<DemoConfig> outcome = Load({"--config", file});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.message, "config file " + file +
                                 ": unknown key 'server.prot' (see demo --help for the settings)");

  file = WriteYaml("hystrix: 5\n");  // above the family prefix, not inside it
  EXPECT_NE(Load({"--config", file}).message.find("unknown key 'hystrix'"), std::string::npos);

  file = WriteYaml("server: [1, 2\n");
  outcome = Load({"--config", file});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.message.find("is not valid YAML"), std::string::npos) << outcome.message;

  file = WriteYaml("server:\n  port:\n    nested: 1\n");
  EXPECT_NE(Load({"--config", file}).message.find("'server.port' must be a value"),
            std::string::npos);

  file = WriteYaml("- a\n- b\n");
  EXPECT_EQ(Load({"--config", file}).message,
            "config file " + file + ": expected a map of settings");

  file = WriteYaml("? [a, b]\n: 1\n");
  EXPECT_EQ(Load({"--config", file}).message, "config file " + file + ": keys must be plain names");

  outcome = Load({"--config", "/nonexistent/demo.yaml"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.message, "cannot read config file /nonexistent/demo.yaml");
}

TEST_F(LoaderTest, YamlNullAndListsBecomeText) {
  const std::string file = WriteYaml("server:\n  name: ~\n");
  EXPECT_EQ(Load({"--config", file}).message,
            "server.name (in " + file + ") = \"\": expected a name");
  WriteYaml("server:\n  name: [a, b]\n");
  EXPECT_EQ(LoadOk({"--config", file}).name, "a,b");
}

TEST_F(LoaderTest, EmptyFileIsFine) {
  const std::string file = WriteYaml("");
  EXPECT_EQ(LoadOk({"--config", file}).port, 6767);
}

TEST_F(LoaderTest, UnknownFlagIsAnError) {
  LoadOutcome<DemoConfig> outcome = Load({"--no-such-flag", "1"});
  EXPECT_EQ(outcome.action, Action::kExit);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_NE(outcome.message.find("Run demo --help"), std::string::npos) << outcome.message;
}

TEST_F(LoaderTest, HelpListsSettingsGroupsAndFamilies) {
  LoadOutcome<DemoConfig> outcome = Load({"--help"});
  EXPECT_EQ(outcome.action, Action::kExit);
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.message, loader_.Help());
  const std::string& help = outcome.message;
  for (const char* needle :
       {"demo: a test program", "--server-port", "[env SERVER_PORT, default 6767]",
        "Server:", "Other:", "default same as SERVER_NAME", "--config", "[env DEMO_CONFIG]",
        "--hystrix.command.<name>.<Prop> VALUE", "[env HYSTRIX_COMMAND_<NAME>_<PROP>]"}) {
    EXPECT_NE(help.find(needle), std::string::npos) << needle << "\n" << help;
  }
}

TEST_F(LoaderTest, Version) {
  LoadOutcome<DemoConfig> outcome = Load({"--version"});
  EXPECT_EQ(outcome.action, Action::kExit);
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.message, "demo 1.2.3");
}

TEST(NormalizeKeyTest, SpellingsOfOneKeyCompareEqual) {
  EXPECT_EQ(NormalizeKey("quotes-service.Timeout"), "QUOTES_SERVICE_TIMEOUT");
  EXPECT_EQ(NormalizeKey("QUOTES_SERVICE_TIMEOUT"), "QUOTES_SERVICE_TIMEOUT");
  EXPECT_EQ(FlagName("a.b-c"), "--a-b-c");
}

TEST(EnvironmentTest, ProcessEnvironmentListsAndLooksUp) {
  ASSERT_EQ(::setenv("CAIRN_LOADER_TEST_VAR", "x=y", 1), 0);
  const Environment env = Environment::Process();
  EXPECT_EQ(env.Get("CAIRN_LOADER_TEST_VAR"), "x=y");
  EXPECT_EQ(env.Get("CAIRN_LOADER_TEST_UNSET"), std::nullopt);
  bool listed = false;
  for (const auto& [name, value] : env.List()) {
    listed = listed || (name == "CAIRN_LOADER_TEST_VAR" && value == "x=y");
  }
  EXPECT_TRUE(listed);
  ::unsetenv("CAIRN_LOADER_TEST_VAR");
}

}  // namespace
}  // namespace cairn::config
