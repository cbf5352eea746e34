#include "apps/server/config_loader.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>

#include "apps/server/config_settings.h"

namespace cairn::server {
namespace {

class ConfigLoaderTest : public ::testing::Test {
 protected:
  void TearDown() override {
    if (!file_.empty()) std::filesystem::remove(file_);
  }

  LoadOutcome Load(std::vector<std::string> args = {}) {
    return LoadConfig(args, config::Environment::FromMap(env_));
  }

  ServerConfig LoadOk(std::vector<std::string> args = {}) {
    LoadOutcome outcome = Load(std::move(args));
    EXPECT_EQ(outcome.action, LoadOutcome::Action::kRun) << outcome.message;
    return outcome.config;
  }

  std::string WriteYaml(const std::string& text) {
    file_ = (std::filesystem::temp_directory_path() /
             ("cairn-config-test-" + std::to_string(::getpid()) + ".yaml"))
                .string();
    std::ofstream(file_) << text;
    return file_;
  }

  std::map<std::string, std::string> env_;
  std::string file_;
};

TEST_F(ConfigLoaderTest, DefaultsFollowZipkin) {
  ServerConfig config = LoadOk();
  EXPECT_EQ(config.port, 9411);
  EXPECT_EQ(config.bind_address, "0.0.0.0");
  EXPECT_EQ(config.storage_type, StorageType::kRocksDb);
  EXPECT_EQ(config.data_dir, "./cairn-data");
  EXPECT_EQ(config.retention, std::chrono::hours(24 * 7));
  EXPECT_EQ(config.query_lookback_ms, 86'400'000);
  EXPECT_EQ(config.query_timeout, std::chrono::seconds(11));
  EXPECT_EQ(config.names_max_age_seconds, 300);
  EXPECT_EQ(config.mem_max_spans, 500'000u);
  EXPECT_FLOAT_EQ(config.sample_rate, 1.0f);
  EXPECT_TRUE(config.strict_trace_id);
  EXPECT_TRUE(config.search_enabled);
  EXPECT_TRUE(config.query_enabled);
  EXPECT_TRUE(config.collector_http_enabled);
  EXPECT_EQ(config.allowed_origins, std::vector<std::string>{"*"});
  EXPECT_EQ(config.max_body_bytes, 10u << 20);
  EXPECT_TRUE(config.ui.enabled);
  EXPECT_EQ(config.ui.query_limit, 10);
  EXPECT_EQ(config.ui.default_lookback_ms, 900'000);
}

TEST_F(ConfigLoaderTest, EnvironmentUsesZipkinNames) {
  env_ = {{"QUERY_PORT", "9999"},
          {"STORAGE_TYPE", "mem"},
          {"COLLECTOR_SAMPLE_RATE", "0.25"},
          {"QUERY_TIMEOUT", "500ms"},
          {"QUERY_LOOKBACK", "3600000"},
          {"AUTOCOMPLETE_KEYS", "http.method, environment"},
          {"ZIPKIN_QUERY_ALLOWED_ORIGINS", "http://a.example,http://b.example"},
          {"MEM_MAX_SPANS", "1000"},
          {"STRICT_TRACE_ID", "false"},
          {"CAIRN_RETENTION", "2d"},
          {"ZIPKIN_UI_ENVIRONMENT", "staging"},
          {"ZIPKIN_UI_LOGS_URL", "http://logs/{traceId}"}};
  ServerConfig config = LoadOk();
  EXPECT_EQ(config.port, 9999);
  EXPECT_EQ(config.storage_type, StorageType::kMem);
  EXPECT_FLOAT_EQ(config.sample_rate, 0.25f);
  EXPECT_EQ(config.query_timeout, std::chrono::milliseconds(500));
  EXPECT_EQ(config.query_lookback_ms, 3'600'000);
  EXPECT_EQ(config.autocomplete_keys, (std::vector<std::string>{"http.method", "environment"}));
  EXPECT_EQ(config.allowed_origins,
            (std::vector<std::string>{"http://a.example", "http://b.example"}));
  EXPECT_EQ(config.mem_max_spans, 1000u);
  EXPECT_FALSE(config.strict_trace_id);
  EXPECT_EQ(config.retention, std::chrono::hours(48));
  EXPECT_EQ(config.ui.environment, "staging");
  EXPECT_EQ(config.ui.logs_url, "http://logs/{traceId}");
}

TEST_F(ConfigLoaderTest, EmptyEnvironmentVariableCountsAsUnset) {
  env_ = {{"QUERY_PORT", ""}, {"STORAGE_TYPE", ""}};
  ServerConfig config = LoadOk();
  EXPECT_EQ(config.port, 9411);
  EXPECT_EQ(config.storage_type, StorageType::kRocksDb);
}

TEST_F(ConfigLoaderTest, PrecedenceIsFlagThenEnvThenFileThenDefault) {
  const std::string file = WriteYaml(
      "query:\n  port: 1111\n  lookback: 1000\n  names-max-age: 7\n"
      "storage:\n  type: mem\n");
  env_ = {{"QUERY_PORT", "2222"}, {"QUERY_LOOKBACK", "2000"}};
  ServerConfig config = LoadOk({"--config", file, "--query-port", "3333"});
  EXPECT_EQ(config.port, 3333);                // flag over env and file
  EXPECT_EQ(config.query_lookback_ms, 2000);   // env over file
  EXPECT_EQ(config.names_max_age_seconds, 7);  // file over default
  EXPECT_EQ(config.storage_type, StorageType::kMem);
  EXPECT_EQ(config.query_timeout, std::chrono::seconds(11));  // default
}

TEST_F(ConfigLoaderTest, ConfigFileFromEnvironmentAndYamlLists) {
  const std::string file = WriteYaml(
      "storage:\n  autocomplete-keys: [a, b]\n  mem:\n    max-spans: 42\n"
      "ui:\n  dependency:\n    low-error-rate: 0.1\n  logs-url: ~\n");
  env_ = {{"CAIRN_CONFIG", file}};
  ServerConfig config = LoadOk();
  EXPECT_EQ(config.autocomplete_keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(config.mem_max_spans, 42u);
  EXPECT_DOUBLE_EQ(config.ui.dependency_low_error_rate, 0.1);
  EXPECT_FALSE(config.ui.logs_url.has_value());
}

TEST_F(ConfigLoaderTest, FlagsTakeEqualsSyntax) {
  ServerConfig config = LoadOk({"--storage-type=mem", "--collector-sample-rate=0.5"});
  EXPECT_EQ(config.storage_type, StorageType::kMem);
  EXPECT_FLOAT_EQ(config.sample_rate, 0.5f);
}

TEST_F(ConfigLoaderTest, UiFollowsQueryAndSearchUnlessSet) {
  env_ = {{"QUERY_ENABLED", "false"}, {"SEARCH_ENABLED", "false"}};
  ServerConfig config = LoadOk();
  EXPECT_FALSE(config.ui.enabled);
  EXPECT_FALSE(config.ui.search_enabled);
  env_["UI_ENABLED"] = "true";
  env_["ZIPKIN_UI_SEARCH_ENABLED"] = "true";
  config = LoadOk();
  EXPECT_TRUE(config.ui.enabled);
  EXPECT_TRUE(config.ui.search_enabled);
}

TEST_F(ConfigLoaderTest, BadEnvironmentValueNamesKeyAndValue) {
  env_ = {{"QUERY_PORT", "abc"}};
  LoadOutcome outcome = Load();
  EXPECT_EQ(outcome.action, LoadOutcome::Action::kExit);
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.message,
            "QUERY_PORT (environment) = \"abc\": expected an integer from 0 to 65535");
}

TEST_F(ConfigLoaderTest, BadFlagValueNamesFlag) {
  LoadOutcome outcome = Load({"--collector-sample-rate", "1.5"});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.message, "--collector-sample-rate = \"1.5\": rate should be between 0 and 1");
  outcome = Load({"--storage-type", "cassandra3"});
  EXPECT_EQ(outcome.message, "--storage-type = \"cassandra3\": expected mem or rocksdb");
  outcome = Load({"--query-timeout", "soon"});
  EXPECT_NE(outcome.message.find("--query-timeout = \"soon\": expected a duration"),
            std::string::npos)
      << outcome.message;
}

TEST_F(ConfigLoaderTest, BadFileValueNamesPathAndFile) {
  const std::string file = WriteYaml("storage:\n  mem:\n    max-spans: 0\n");
  LoadOutcome outcome = Load({"--config", file});
  EXPECT_EQ(outcome.exit_code, 2);
  EXPECT_EQ(outcome.message, "storage.mem.max-spans (in " + file +
                                 ") = \"0\": expected an integer from 1 to 2147483647");
}

TEST_F(ConfigLoaderTest, HelpListsEverySettingWithItsEnvironmentVariable) {
  LoadOutcome outcome = Load({"--help"});
  EXPECT_EQ(outcome.action, LoadOutcome::Action::kExit);
  EXPECT_EQ(outcome.exit_code, 0);
  for (const Setting& setting : AllSettings()) {
    EXPECT_NE(outcome.message.find(config::FlagName(setting.path)), std::string::npos)
        << setting.path;
    EXPECT_NE(outcome.message.find("env " + std::string(setting.env)), std::string::npos)
        << setting.env;
  }
  EXPECT_NE(outcome.message.find("--config"), std::string::npos);
}

TEST_F(ConfigLoaderTest, Version) {
  LoadOutcome outcome = Load({"--version"});
  EXPECT_EQ(outcome.exit_code, 0);
  EXPECT_EQ(outcome.message.rfind("cairn-server ", 0), 0u) << outcome.message;
}

TEST_F(ConfigLoaderTest, EverySettingHasDistinctNames) {
  std::set<std::string_view> envs;
  std::set<std::string_view> paths;
  for (const Setting& setting : AllSettings()) {
    EXPECT_TRUE(envs.insert(setting.env).second) << setting.env;
    EXPECT_TRUE(paths.insert(setting.path).second) << setting.path;
    EXPECT_EQ(config::FindSetting(AllSettings(), setting.path), &setting);
  }
}

}  // namespace
}  // namespace cairn::server
