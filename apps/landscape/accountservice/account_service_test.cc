// AccountService in-process against fake downstreams (no broker): the answer, 404s, the spans of a
// request and their parent links, health and its testability switch, metrics, a VIP message
// whose broker is down, and configuration errors naming their key.
#include "apps/landscape/accountservice/account_service.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <map>

#include "apps/landscape/common/testing_spans.h"
#include "lib/net/test_client.h"
#include "lib/trace_http/testing_reporter.h"
#include "lib/trace_http/testing_server.h"

namespace cairn::accountservice {
namespace {

namespace http = boost::beast::http;
using ::testing::HasSubstr;
using trace_http::testing::RecordingReporter;
using trace_http::testing::TestHttpServer;

TestHttpServer::Handler JsonAnswer(std::string body) {
  return [body](const trace_http::testing::Request&, const trace_http::testing::RequestInfo&) {
    trace_http::testing::Response res(http::status::ok, 11);
    res.set(http::field::content_type, "application/json");
    res.body() = body;
    res.prepare_payload();
    return res;
  };
}

class AccountServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/accountservice-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;
    ASSERT_TRUE(quotes_.Start().ok());
    ASSERT_TRUE(images_.Start().ok());
    static_cast<landscape::ServiceConfig&>(config_) =
        landscape::testing::TestServiceConfig(nullptr);
    config_.data_dir = dir_ + "/accounts";
    config_.amqp_server_url.clear();
    config_.quotes_service_url = quotes_.BaseUrl();
    config_.imageservice_url = images_.BaseUrl();
    config_.retry_backoff = std::chrono::milliseconds(5);
  }
  void TearDown() override {
    service_.reset();
    std::filesystem::remove_all(dir_);
  }

  void StartService() {
    auto created = AccountService::Create(config_, {.reporter = reporter_});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    service_ = std::move(created).value();
    ASSERT_TRUE(service_->Start().ok());
  }

  net::Response Get(std::string_view target) {
    net::testing::TestClient client(service_->port());
    return client.Get(target);
  }

  // Spans by name (the last one of each name wins).
  std::map<std::string, trace::SpanRecordPtr, std::less<>> SpansByName() {
    std::map<std::string, trace::SpanRecordPtr, std::less<>> out;
    for (auto& span : reporter_->Take()) out[std::string(span->name)] = std::move(span);
    return out;
  }

  static std::string Tag(const trace::SpanRecord& span, std::string_view key) {
    const trace::TagView* tag = span.FindTag(key);
    return tag == nullptr ? std::string() : std::string(tag->value);
  }

  std::string dir_;
  TestHttpServer quotes_{JsonAnswer(
      R"({"quote":"To be or not to be","ipAddress":"q/10.0.0.5:8080","language":"en"})")};
  TestHttpServer images_{
      JsonAnswer(R"({"url":"http://imageservice:7777/file/cake.jpg","servedBy":"10.0.0.9"})")};
  AccountConfig config_;
  std::shared_ptr<RecordingReporter> reporter_ = std::make_shared<RecordingReporter>();
  std::unique_ptr<AccountService> service_;
};

TEST_F(AccountServiceTest, AnswersAnAccountWithQuoteAndImage) {
  StartService();
  net::Response res = Get("/accounts/10000");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(
      res.body(),
      R"({"id":"10000","name":"Person_0","servedBy":"10.1.2.3",)"
      R"("quote":{"quote":"To be or not to be","ipAddress":"q/10.0.0.5:8080","language":"en"},)"
      R"("imageData":{"url":"http://imageservice:7777/file/cake.jpg","servedBy":"10.0.0.9"}})");
  EXPECT_THAT(Get("/accounts/10099").body(),
              ::testing::StartsWith(R"({"id":"10099","name":"Person_99","servedBy":"10.1.2.3",)"));
}

TEST_F(AccountServiceTest, RequestSpansHaveTheLandscapeShape) {
  StartService();
  reporter_->Take();
  ASSERT_EQ(Get("/accounts/10001").result(), http::status::ok);
  service_->Stop();
  auto spans = SpansByName();
  ASSERT_TRUE(spans.contains("getaccount"));
  ASSERT_TRUE(spans.contains("queryaccount"));
  ASSERT_TRUE(spans.contains("getquote"));
  ASSERT_TRUE(spans.contains("getimageurl"));
  const trace::SpanRecord& server = *spans["getaccount"];
  EXPECT_EQ(server.kind, trace::SpanKind::kServer);
  EXPECT_EQ(server.local_endpoint.service_name, "accountservice");
  EXPECT_EQ(Tag(server, "http.method"), "GET");
  EXPECT_EQ(Tag(server, "http.path"), "/accounts/10001");
  EXPECT_EQ(Tag(server, "http.status_code"), "200");
  EXPECT_EQ(server.FindTag("error"), nullptr);

  const trace::SpanRecord& query = *spans["queryaccount"];
  EXPECT_EQ(query.kind, trace::SpanKind::kUnspecified);
  EXPECT_EQ(query.parent_id, server.id);
  EXPECT_EQ(query.trace_id, server.trace_id);
  for (const char* name : {"getquote", "getimageurl"}) {
    const trace::SpanRecord& client = *spans[name];
    EXPECT_EQ(client.kind, trace::SpanKind::kClient) << name;
    EXPECT_EQ(client.parent_id, server.id) << name;
    EXPECT_EQ(client.trace_id, server.trace_id) << name;
  }
  EXPECT_FALSE(spans.contains("send vip_queue"));  // not the VIP account
}

TEST_F(AccountServiceTest, UnknownAccountsAre404WithAJsonError) {
  StartService();
  net::Response res = Get("/accounts/12345");
  EXPECT_EQ(res.result(), http::status::not_found);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(res.body(), R"({"error":"No account found for 12345"})");
  EXPECT_EQ(Get("/accounts/%00%ff").result(), http::status::not_found);
  EXPECT_EQ(Get("/accounts/" + std::string(2000, '9')).result(), http::status::not_found);
  service_->Stop();
  auto spans = SpansByName();
  ASSERT_TRUE(spans.contains("getaccount"));
  EXPECT_EQ(Tag(*spans["getaccount"], "http.status_code"), "404");
  EXPECT_FALSE(spans.contains("getquote"));  // no downstream call for a missing account
}

TEST_F(AccountServiceTest, HealthFollowsTheTestabilitySwitch) {
  StartService();
  EXPECT_EQ(Get("/health").body(), R"({"status":"UP"})");
  EXPECT_EQ(Get("/testability/healthy/maybe").result(), http::status::bad_request);
  EXPECT_EQ(Get("/testability/healthy/TRUE").result(), http::status::bad_request);
  EXPECT_EQ(Get("/testability/healthy/false").result(), http::status::ok);
  net::Response down = Get("/health");
  EXPECT_EQ(down.result(), http::status::service_unavailable);
  EXPECT_EQ(down.body(), R"({"status":"Database unaccessible"})");
  EXPECT_EQ(Get("/testability/healthy/true").result(), http::status::ok);
  EXPECT_EQ(Get("/health").result(), http::status::ok);
}

TEST_F(AccountServiceTest, MetricsShowRequestsBreakersAndFallbacks) {
  images_.Stop();  // imageservice down: the image fallback
  StartService();
  net::Response res = Get("/accounts/10002");
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_THAT(res.body(), HasSubstr(R"("imageData":{"url":"http://path.to.placeholder",)"
                                    R"("servedBy":"fallback"})"));
  EXPECT_THAT(res.body(), HasSubstr("To be or not to be"));
  const std::string metrics = Get("/metrics").body();
  EXPECT_THAT(metrics, HasSubstr("route=\"/accounts/{accountId}\""));
  EXPECT_THAT(metrics,
              HasSubstr("circuit_breaker_state{name=\"imageservice\",state=\"closed\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("downstream_calls_total{downstream=\"imageservice\","
                                 "result=\"failed\"} 1"));
  EXPECT_THAT(metrics, HasSubstr("downstream_calls_total{downstream=\"quotes-service\","
                                 "result=\"success\"} 1"));
}

TEST_F(AccountServiceTest, AVipMessageForAnUnreachableBrokerNeverFailsTheRequest) {
  config_.amqp_server_url = "amqp://guest:guest@127.0.0.1:1/";
  StartService();
  const auto start = std::chrono::steady_clock::now();
  net::Response res = Get("/accounts/10000");
  EXPECT_EQ(res.result(), http::status::ok);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
  EXPECT_THAT(Get("/metrics").body(), HasSubstr("vip_messages_total{result=\"queued\"} 1"));
  service_->Stop();  // the message is abandoned; its PRODUCER span says so
  auto spans = SpansByName();
  ASSERT_TRUE(spans.contains("getaccount"));
  ASSERT_TRUE(spans.contains("send vip_queue"));
  const trace::SpanRecord& producer = *spans["send vip_queue"];
  EXPECT_EQ(producer.kind, trace::SpanKind::kProducer);
  EXPECT_EQ(producer.parent_id, spans["getaccount"]->id);
  EXPECT_NE(producer.FindTag("error"), nullptr);
  bool annotated = false;
  for (const auto& annotation : spans["getaccount"]->annotations()) {
    annotated |= annotation.value == "Sent VIP message";
  }
  EXPECT_TRUE(annotated);
}

TEST_F(AccountServiceTest, AnUnusableDataDirectoryStopsCreation) {
  config_.data_dir = "/proc/accountservice-cannot-be-here";
  auto created = AccountService::Create(config_, {.reporter = reporter_});
  ASSERT_FALSE(created.ok());
  EXPECT_THAT(created.status().message(), HasSubstr("/proc/accountservice-cannot-be-here"));
}

config::LoadOutcome<AccountConfig> Load(std::vector<std::string> args,
                                        std::map<std::string, std::string> env = {}) {
  return AccountLoader().Load(args, config::Environment::FromMap(std::move(env)));
}

TEST(AccountConfigTest, DefaultsAreTheLandscapes) {
  auto outcome = Load({});
  ASSERT_EQ(outcome.action, config::Action::kRun) << outcome.message;
  const AccountConfig& c = outcome.config;
  EXPECT_EQ(c.server_port, 6767);
  EXPECT_EQ(c.quotes_service_url, "http://127.0.0.1:8080");
  EXPECT_EQ(c.imageservice_url, "http://127.0.0.1:7777");
  EXPECT_EQ(c.amqp_server_url, "amqp://guest:guest@127.0.0.1:5672/");
  EXPECT_EQ(c.vip_queue, "vip_queue");
  EXPECT_EQ(c.quote_strength, 4);
  EXPECT_EQ(c.retries, 3);
  EXPECT_EQ(c.retry_backoff, std::chrono::milliseconds(100));
  const resilience::BreakerSettings quotes = c.breakers.SettingsFor("quotes-service");
  EXPECT_EQ(quotes.timeout, std::chrono::milliseconds(1000));
  EXPECT_EQ(quotes.max_concurrent_requests, 10);
  EXPECT_EQ(quotes.request_volume_threshold, 20);
  EXPECT_EQ(quotes.error_percent_threshold, 50);
  EXPECT_EQ(quotes.sleep_window, std::chrono::milliseconds(5000));
}

TEST(AccountConfigTest, FlagsEnvironmentAndHystrixKeys) {
  auto outcome = Load({"--server_port=7000", "--hystrix.command.quotes-service.Timeout=250",
                       "--data_dir", "/tmp/x"},
                      {{"HYSTRIX_COMMAND_IMAGESERVICE_SLEEPWINDOW", "2s"},
                       {"QUOTES_SERVICE_URL", "http://quotes:8080"},
                       {"AMQP_SERVER_URL", "off"}});
  ASSERT_EQ(outcome.action, config::Action::kRun) << outcome.message;
  EXPECT_EQ(outcome.config.server_port, 7000);
  EXPECT_EQ(outcome.config.data_dir, "/tmp/x");
  EXPECT_EQ(outcome.config.quotes_service_url, "http://quotes:8080");
  EXPECT_TRUE(outcome.config.amqp_server_url.empty());
  EXPECT_EQ(outcome.config.breakers.SettingsFor("quotes-service").timeout,
            std::chrono::milliseconds(250));
  EXPECT_EQ(outcome.config.breakers.SettingsFor("imageservice").sleep_window,
            std::chrono::milliseconds(2000));
}

TEST(AccountConfigTest, BadValuesStopStartUpNamingTheKey) {
  const std::pair<std::vector<std::string>, std::string> cases[] = {
      {{"--server_port=70000"}, "server_port"},
      {{"--quotes_service_url=ftp://x"}, "quotes_service_url"},
      {{"--imageservice_url=not a url"}, "imageservice_url"},
      {{"--amqp_server_url=http://rabbit"}, "amqp_server_url"},
      {{"--data_dir= "}, "data_dir"},
      {{"--quote_strength=3"}, "quote_strength"},
      {{"--retries=-1"}, "retries"},
      {{"--hystrix.command.quotes-service.Timout=5"}, "Timout"},
      {{"--hystrix.command.imageservice.ErrorPercentThreshold=0"}, "ErrorPercentThreshold"},
  };
  for (const auto& [args, key] : cases) {
    auto outcome = Load(args);
    EXPECT_EQ(outcome.action, config::Action::kExit) << args[0];
    EXPECT_EQ(outcome.exit_code, 2) << args[0];
    EXPECT_THAT(outcome.message, HasSubstr(key)) << args[0];
  }
}

}  // namespace
}  // namespace cairn::accountservice
