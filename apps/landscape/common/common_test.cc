// Unit tests of the pure parts of cairn_landscape_common: address choice, URLs, configuration
// rows, method labels and the trace-correlated log formats.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <spdlog/details/log_msg.h>

#include <map>
#include <string>
#include <vector>

#include "apps/landscape/common/local_endpoint.h"
#include "apps/landscape/common/logging.h"
#include "apps/landscape/common/request_metrics.h"
#include "apps/landscape/common/service_config.h"
#include "apps/landscape/common/tracing.h"
#include "apps/landscape/common/upstream_client.h"
#include "cairn/trace/current_span.h"
#include "lib/config/loader.h"

namespace cairn::landscape {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(LocalEndpointTest, PrefersAnUpNonLoopbackAddress) {
  const std::vector<InterfaceAddress> addresses = {
      {"lo", "127.0.0.1", true, true},
      {"docker0", "172.17.0.1", false, false},  // down
      {"eth0", "10.0.0.5", true, false},
      {"eth1", "192.168.1.9", true, false},
  };
  EXPECT_EQ(ChooseIpv4(addresses), "10.0.0.5");
  EXPECT_EQ(ChooseIpv4(std::span(addresses).first(2)), "127.0.0.1");
  EXPECT_EQ(ChooseIpv4({}), "127.0.0.1");
  EXPECT_EQ(DetectLocalEndpoint("10.9.8.7").ipv4, "10.9.8.7");
  EXPECT_FALSE(DetectLocalEndpoint().hostname.empty());
}

TEST(UrlTest, JoinsAndDerivesSpansUrl) {
  EXPECT_EQ(JoinUrl("http://q:8080/", "/api/quote"), "http://q:8080/api/quote");
  EXPECT_EQ(JoinUrl("http://q:8080", "api/quote?strength=4"), "http://q:8080/api/quote?strength=4");

  EXPECT_EQ(*ZipkinSpansUrl("http://zipkin:9411"), "http://zipkin:9411/api/v2/spans");
  EXPECT_EQ(*ZipkinSpansUrl("http://zipkin:9411/"), "http://zipkin:9411/api/v2/spans");
  EXPECT_EQ(*ZipkinSpansUrl("http://127.0.0.1:9411/api/v2/spans"),
            "http://127.0.0.1:9411/api/v2/spans");
  EXPECT_EQ(*ZipkinSpansUrl("http://zipkin"), "http://zipkin:80/api/v2/spans");
  EXPECT_THAT(ZipkinSpansUrl("https://zipkin:9411").status().message(), HasSubstr("no TLS"));
  EXPECT_FALSE(ZipkinSpansUrl("zipkin:9411:x").ok());
}

TEST(RequestMetricsTest, MethodLabelsAreBounded) {
  EXPECT_EQ(MethodLabel(net::http::verb::get), "GET");
  EXPECT_EQ(MethodLabel(net::http::verb::delete_), "DELETE");
  EXPECT_EQ(MethodLabel(net::http::verb::unknown), "OTHER");
  EXPECT_EQ(MethodLabel(net::http::verb::propfind), "OTHER");
}

struct TestConfig : ServiceConfig {
  TestConfig() { server_port = 7777; }
  std::string upstream_url = "http://127.0.0.1:8080";
};

class ServiceConfigTest : public ::testing::Test {
 protected:
  ServiceConfigTest()
      : settings_([] {
          auto rows = CommonSettings<TestConfig>({.server_port = "7777"});
          rows.push_back({"UPSTREAM_URL", "upstream_url", "http://127.0.0.1:8080", "upstream",
                          [](std::string_view v, TestConfig& c) {
                            return AssignServiceUrl(v, c.upstream_url);
                          }});
          return rows;
        }()),
        loader_(config::ProgramInfo{.name = "test-svc", .version = "test-svc 1"}, settings_) {}

  config::LoadOutcome<TestConfig> Load(std::vector<std::string> args,
                                       std::map<std::string, std::string> env = {}) {
    return loader_.Load(args, config::Environment::FromMap(std::move(env)));
  }

  std::vector<config::Setting<TestConfig>> settings_;
  config::Loader<TestConfig> loader_;
};

TEST_F(ServiceConfigTest, DefaultsAndOverrides) {
  auto outcome = Load({});
  ASSERT_EQ(outcome.action, config::Action::kRun) << outcome.message;
  EXPECT_EQ(outcome.config.server_port, 7777);
  EXPECT_EQ(outcome.config.zipkin_spans_url, "http://127.0.0.1:9411/api/v2/spans");

  outcome = Load({"--server_port=9000", "--log_format=json", "--max_body_bytes=5MB"},
                 {{"ZIPKIN_SERVER_URL", "http://zipkin:9411"},
                  {"SHUTDOWN_TIMEOUT", "2s"},
                  {"SERVICE_IP", "10.0.0.5"},
                  {"UPSTREAM_URL", "http://quotes-service:8080"}});
  ASSERT_EQ(outcome.action, config::Action::kRun) << outcome.message;
  EXPECT_EQ(outcome.config.server_port, 9000);
  EXPECT_EQ(outcome.config.log_format, LogFormat::kJson);
  EXPECT_EQ(outcome.config.max_body_bytes, 5u * 1024 * 1024);
  EXPECT_EQ(outcome.config.zipkin_spans_url, "http://zipkin:9411/api/v2/spans");
  EXPECT_EQ(outcome.config.shutdown_timeout, std::chrono::seconds(2));
  EXPECT_EQ(outcome.config.service_ip, "10.0.0.5");
  EXPECT_EQ(outcome.config.upstream_url, "http://quotes-service:8080");

  outcome = Load({"--zipkin_server_url=off"});
  ASSERT_EQ(outcome.action, config::Action::kRun) << outcome.message;
  EXPECT_TRUE(outcome.config.zipkin_spans_url.empty());
}

TEST_F(ServiceConfigTest, BadValuesNameTheKey) {
  struct Case {
    std::vector<std::string> args;
    std::map<std::string, std::string> env;
    std::string key;
  };
  const std::vector<Case> cases = {
      {{"--server_port=abc"}, {}, "server_port"},
      {{}, {{"SERVER_PORT", "70000"}}, "SERVER_PORT"},
      {{"--zipkin_server_url=https://zipkin:9411"}, {}, "zipkin_server_url"},
      {{"--bind_address=somewhere"}, {}, "bind_address"},
      {{"--service_ip=::1"}, {}, "service_ip"},
      {{"--log_level=verbose"}, {}, "log_level"},
      {{"--log_format=xml"}, {}, "log_format"},
      {{"--trace_sample_rate=2"}, {}, "trace_sample_rate"},
      {{"--io_threads=0"}, {}, "io_threads"},
      {{"--upstream_url=ftp://x"}, {}, "upstream_url"},
  };
  for (const Case& c : cases) {
    auto outcome = Load(c.args, c.env);
    EXPECT_EQ(outcome.action, config::Action::kExit) << c.key;
    EXPECT_EQ(outcome.exit_code, 2) << c.key;
    EXPECT_THAT(outcome.message, HasSubstr(c.key));
  }
}

TEST_F(ServiceConfigTest, HelpListsTheKeys) {
  const std::string help = loader_.Help();
  for (const char* key : {"--server_port", "--zipkin_server_url", "--upstream_url"}) {
    EXPECT_THAT(help, HasSubstr(key));
  }
}

std::string Format(LogFormat format, std::string_view text) {
  auto formatter = MakeLogFormatter(format, "quotes-service");
  spdlog::details::log_msg msg("logger", spdlog::level::info,
                               spdlog::string_view_t(text.data(), text.size()));
  spdlog::memory_buf_t out;
  formatter->format(msg, out);
  return std::string(out.data(), out.size());
}

TEST(LoggingTest, LinesCarryTheCurrentSpan) {
  EXPECT_THAT(Format(LogFormat::kText, "hello"), HasSubstr(" INFO  [quotes-service,,] hello\n"));
  EXPECT_THAT(Format(LogFormat::kJson, "say \"hi\""),
              HasSubstr(",\"level\":\"info\",\"service\":\"quotes-service\","
                        "\"msg\":\"say \\\"hi\\\"\"}\n"));
  EXPECT_THAT(Format(LogFormat::kJson, "x"), StartsWith("{\"time\":\"20"));

  trace::TraceContext context;
  context.trace_id = *trace::TraceId::FromHex("463ac35c9f6413ad48485a3953bb6124");
  context.span_id = 0xa2fb4a1d1a96d312;
  context.sampled = trace::SamplingDecision::kAccept;
  trace::Scope scope(context);
  EXPECT_THAT(
      Format(LogFormat::kText, "hello"),
      HasSubstr("[quotes-service,463ac35c9f6413ad48485a3953bb6124,a2fb4a1d1a96d312] hello"));
  EXPECT_THAT(Format(LogFormat::kJson, "hello"),
              HasSubstr("\"traceId\":\"463ac35c9f6413ad48485a3953bb6124\","
                        "\"spanId\":\"a2fb4a1d1a96d312\",\"msg\":\"hello\""));
}

TEST(LoggingTest, ParsesFormatsAndLevels) {
  EXPECT_EQ(*ParseLogFormat("json"), LogFormat::kJson);
  EXPECT_FALSE(ParseLogFormat("JSON").ok());
  EXPECT_TRUE(ValidateLogLevel("warn").ok());
  EXPECT_FALSE(ValidateLogLevel("warning2").ok());
}

}  // namespace
}  // namespace cairn::landscape
