// The landscape behind the edge, in one process: a private RabbitMQ node, a recording trace
// collector, quotes-service, imageservice, vipservice and accountservice on ephemeral loopback
// ports. Checks, for GET /accounts/10000, the trace of landscape.md's table (minus the edge rows):
// services, kinds, names, parent links, tags, and the VIP PRODUCER/CONSUMER pair for 10000 only;
// the fallbacks when quotes-service or imageservice is stopped; and that VIP messages flow again
// after the broker restarts.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <boost/json/parse.hpp>
#include <filesystem>
#include <thread>

#include "apps/landscape/accountservice/account_service.h"
#include "apps/landscape/common/testing_spans.h"
#include "apps/landscape/imageservice/imageservice.h"
#include "apps/landscape/quotes-service/quotes_service.h"
#include "apps/landscape/vipservice/vip_service.h"
#include "lib/net/test_client.h"
#include "lib/trace_amqp/testing/rabbitmq_node.h"
#include "lib/trace_http/testing_collector.h"

namespace cairn {
namespace {

namespace http = boost::beast::http;
using landscape::testing::ReportedSpan;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using trace_amqp::testing::RabbitMqNode;
using trace_http::testing::RecordingCollector;

template <typename Config>
Config TestConfig(const RecordingCollector& collector) {
  Config config;
  static_cast<landscape::ServiceConfig&>(config) =
      landscape::testing::TestServiceConfig(&collector);
  return config;
}

// quotes-service or imageservice: a plain landscape Service with the real routes.
template <typename Config, typename Install>
std::unique_ptr<landscape::Service> StartPlainService(std::string name, const Config& config,
                                                      Install install) {
  auto created = landscape::Service::Create({.name = std::move(name), .config = config});
  EXPECT_TRUE(created.ok()) << created.status().ToString();
  if (!created.ok()) return nullptr;
  std::unique_ptr<landscape::Service> service = std::move(created).value();
  EXPECT_TRUE(install(config, *service).ok());
  EXPECT_TRUE(service->Start().ok());
  return service;
}

bool WaitFor(const std::function<bool()>& done, milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!done()) {
    if (std::chrono::steady_clock::now() > deadline) return false;
    std::this_thread::sleep_for(milliseconds(20));
  }
  return true;
}

class LandscapeIntegrationTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    if (!RabbitMqNode::Available()) return;
    auto started = RabbitMqNode::Launch();
    ASSERT_TRUE(started.ok()) << started.status().ToString();
    node_ = std::move(started).value().release();
  }
  static void TearDownTestSuite() {
    delete node_;
    node_ = nullptr;
  }

  void SetUp() override {
    if (!RabbitMqNode::Available()) GTEST_SKIP() << RabbitMqNode::UnavailableReason();
    ASSERT_NE(node_, nullptr);
    ASSERT_TRUE(collector_.Start().ok());
    char pattern[] = "/tmp/landscape-XXXXXX";
    ASSERT_NE(mkdtemp(pattern), nullptr);
    dir_ = pattern;

    quotes_ = StartPlainService("quotes-service", TestConfig<quotes::QuotesConfig>(collector_),
                                &quotes::InstallQuotesRoutes);
    images_ = StartPlainService("imageservice", TestConfig<imageservice::ImageConfig>(collector_),
                                &imageservice::InstallImageRoutes);
    ASSERT_NE(quotes_, nullptr);
    ASSERT_NE(images_, nullptr);

    auto vip_config = TestConfig<vipservice::VipConfig>(collector_);
    vip_config.amqp_server_url = node_->url();
    auto vip = vipservice::VipService::Create(vip_config);
    ASSERT_TRUE(vip.ok()) << vip.status().ToString();
    vip_ = std::move(vip).value();
    ASSERT_TRUE(vip_->Start().ok());

    auto account_config = TestConfig<accountservice::AccountConfig>(collector_);
    account_config.data_dir = dir_ + "/accounts";
    account_config.amqp_server_url = node_->url();
    account_config.quotes_service_url = quotes_->LocalUrl();
    account_config.imageservice_url = images_->LocalUrl();
    auto account = accountservice::AccountService::Create(account_config);
    ASSERT_TRUE(account.ok()) << account.status().ToString();
    account_ = std::move(account).value();
    ASSERT_TRUE(account_->Start().ok());

    ASSERT_TRUE(vip_->consumer().WaitConsuming(std::chrono::seconds(10)));
    ASSERT_TRUE(account_->publisher()->WaitConnected(std::chrono::seconds(10)));
  }

  void TearDown() override {
    account_.reset();
    vip_.reset();
    images_.reset();
    quotes_.reset();
    if (!dir_.empty()) std::filesystem::remove_all(dir_);
  }

  net::Response GetAccount(std::string_view id) {
    net::testing::TestClient client(account_->port());
    return client.Get("/accounts/" + std::string(id));
  }

  // The spans of one trace, once `expected` of them arrived (every service flushes meanwhile).
  std::vector<ReportedSpan> TraceSpans(const std::string& trace_id, std::size_t expected) {
    std::vector<ReportedSpan> spans;
    WaitFor(
        [&] {
          for (landscape::Service* s :
               {&account_->service(), &vip_->service(), quotes_.get(), images_.get()}) {
            (void)s->FlushSpans(milliseconds(2000));
          }
          spans.clear();
          for (ReportedSpan& span : landscape::testing::DecodeSpans(collector_)) {
            if (span.trace_id == trace_id) spans.push_back(std::move(span));
          }
          return spans.size() >= expected;
        },
        milliseconds(5000));
    return spans;
  }

  // The trace of the request for this account (the first one when there were several).
  std::string TraceIdOf(std::string_view account_id) {
    const std::string path = "/accounts/" + std::string(account_id);
    std::string trace_id;
    WaitFor(
        [&] {
          (void)account_->service().FlushSpans(milliseconds(2000));
          for (const ReportedSpan& span : landscape::testing::DecodeSpans(collector_)) {
            if (span.name == "getaccount" && span.Tag("http.path") == path) {
              trace_id = span.trace_id;
              return true;
            }
          }
          return false;
        },
        milliseconds(5000));
    return trace_id;
  }

  static const ReportedSpan* Find(const std::vector<ReportedSpan>& spans, std::string_view service,
                                  std::string_view name, std::string_view kind) {
    for (const ReportedSpan& span : spans) {
      if (span.local_service == service && span.name == name && span.kind == kind) return &span;
    }
    return nullptr;
  }

  static RabbitMqNode* node_;
  RecordingCollector collector_;
  std::string dir_;
  std::unique_ptr<landscape::Service> quotes_;
  std::unique_ptr<landscape::Service> images_;
  std::unique_ptr<vipservice::VipService> vip_;
  std::unique_ptr<accountservice::AccountService> account_;
};

RabbitMqNode* LandscapeIntegrationTest::node_ = nullptr;

TEST_F(LandscapeIntegrationTest, TheVipAccountsTraceHasTheLandscapeShape) {
  net::Response res = GetAccount("10000");
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  boost::json::value body = boost::json::parse(res.body());
  EXPECT_EQ(body.at("id").as_string(), "10000");
  EXPECT_EQ(body.at("name").as_string(), "Person_0");
  EXPECT_EQ(body.at("servedBy").as_string(), "10.1.2.3");
  EXPECT_THAT(std::string(body.at("quote").at("ipAddress").as_string()),
              HasSubstr("/10.1.2.3:" + std::to_string(quotes_->port())));
  EXPECT_EQ(body.at("quote").at("language").as_string(), "en");
  EXPECT_EQ(body.at("imageData").at("url").as_string(),
            "http://10.1.2.3:" + std::to_string(images_->port()) + "/file/cake.jpg");

  ASSERT_TRUE(WaitFor([&] { return vip_->processed() == 1; }, milliseconds(5000)));
  const std::string trace_id = TraceIdOf("10000");
  ASSERT_FALSE(trace_id.empty());
  const std::vector<ReportedSpan> spans = TraceSpans(trace_id, 8);

  const ReportedSpan* server = Find(spans, "accountservice", "getaccount", "SERVER");
  const ReportedSpan* query = Find(spans, "accountservice", "queryaccount", "");
  const ReportedSpan* producer = Find(spans, "accountservice", "send vip_queue", "PRODUCER");
  const ReportedSpan* consumer = Find(spans, "vipservice", "vipservice#onmessage", "CONSUMER");
  const ReportedSpan* quote_client = Find(spans, "accountservice", "getquote", "CLIENT");
  const ReportedSpan* quote_server = Find(spans, "quotes-service", "getquote", "SERVER");
  const ReportedSpan* image_client = Find(spans, "accountservice", "getimageurl", "CLIENT");
  const ReportedSpan* image_server = Find(spans, "imageservice", "getaccountimage", "SERVER");
  for (const ReportedSpan* span : {server, query, producer, consumer, quote_client, quote_server,
                                   image_client, image_server}) {
    ASSERT_NE(span, nullptr) << spans.size() << " spans in the trace";
  }

  // Parent links of the table.
  EXPECT_EQ(server->parent_id, "");  // no edge in front: the root
  EXPECT_EQ(query->parent_id, server->id);
  EXPECT_EQ(producer->parent_id, server->id);
  EXPECT_EQ(consumer->parent_id, producer->id);
  EXPECT_EQ(quote_client->parent_id, server->id);
  EXPECT_EQ(quote_server->parent_id, quote_client->id);
  EXPECT_EQ(image_client->parent_id, server->id);
  EXPECT_EQ(image_server->parent_id, image_client->id);
  // Client and server sides have distinct span ids.
  EXPECT_NE(quote_server->id, quote_client->id);
  EXPECT_NE(image_server->id, image_client->id);
  EXPECT_FALSE(quote_server->shared);

  // Tags, endpoints and annotations.
  EXPECT_EQ(server->Tag("http.method"), "GET");
  EXPECT_EQ(server->Tag("http.path"), "/accounts/10000");
  EXPECT_EQ(server->Tag("http.status_code"), "200");
  EXPECT_FALSE(server->HasTag("error"));
  EXPECT_EQ(server->local_ipv4, "10.1.2.3");
  EXPECT_EQ(server->remote_ipv4, "127.0.0.1");
  EXPECT_THAT(server->annotations, ::testing::Contains("Sent VIP message"));
  EXPECT_EQ(quote_client->remote_service, "quotes-service");
  EXPECT_EQ(quote_client->remote_port, quotes_->port());
  EXPECT_EQ(quote_client->Tag("http.path"), "/api/quote");
  EXPECT_EQ(quote_client->Tag("http.status_code"), "200");
  EXPECT_EQ(quote_server->Tag("http.status_code"), "200");
  EXPECT_EQ(image_client->remote_service, "imageservice");
  EXPECT_EQ(image_client->Tag("http.path"), "/accounts/10000");
  EXPECT_EQ(image_server->Tag("http.path"), "/accounts/10000");
  EXPECT_EQ(producer->remote_service, "rabbitmq");
  EXPECT_EQ(producer->Tag("messaging.destination"), "vip_queue");
  EXPECT_EQ(consumer->Tag("vip.account_id"), "10000");
  EXPECT_FALSE(producer->HasTag("error"));
  EXPECT_FALSE(consumer->HasTag("error"));

  // Any other account: the same shape without the VIP pair.
  ASSERT_EQ(GetAccount("10002").result(), http::status::ok);
  const std::vector<ReportedSpan> other = TraceSpans(TraceIdOf("10002"), 6);
  EXPECT_NE(Find(other, "quotes-service", "getquote", "SERVER"), nullptr);
  EXPECT_NE(Find(other, "imageservice", "getaccountimage", "SERVER"), nullptr);
  EXPECT_EQ(Find(other, "accountservice", "send vip_queue", "PRODUCER"), nullptr);
  std::this_thread::sleep_for(milliseconds(100));
  EXPECT_EQ(vip_->processed(), 1u);
}

TEST_F(LandscapeIntegrationTest, QuotesServiceDownMeansTheFallbackQuote) {
  quotes_->Stop();
  net::Response res = GetAccount("10003");
  ASSERT_EQ(res.result(), http::status::ok);
  boost::json::value body = boost::json::parse(res.body());
  EXPECT_EQ(body.at("quote").at("quote").as_string(), "May the source be with you, always.");
  EXPECT_EQ(body.at("quote").at("ipAddress").as_string(), "circuit-breaker");
  EXPECT_EQ(body.at("imageData").at("servedBy").as_string(), "10.1.2.3");

  const std::vector<ReportedSpan> spans = TraceSpans(TraceIdOf("10003"), 8);
  int attempts = 0;
  for (const ReportedSpan& span : spans) {
    if (span.name == "getquote" && span.kind == "CLIENT") {
      ++attempts;
      EXPECT_TRUE(span.HasTag("error"));
    }
  }
  EXPECT_EQ(attempts, 4);  // 1 attempt + 3 retries
  const ReportedSpan* server = Find(spans, "accountservice", "getaccount", "SERVER");
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->Tag("http.status_code"), "200");
}

TEST_F(LandscapeIntegrationTest, ImageServiceDownMeansTheFallbackImage) {
  images_->Stop();
  net::Response res = GetAccount("10004");
  ASSERT_EQ(res.result(), http::status::ok);
  boost::json::value body = boost::json::parse(res.body());
  EXPECT_EQ(body.at("imageData").at("url").as_string(), "http://path.to.placeholder");
  EXPECT_EQ(body.at("imageData").at("servedBy").as_string(), "fallback");
  EXPECT_EQ(body.at("quote").at("language").as_string(), "en");
  EXPECT_NE(body.at("quote").at("ipAddress").as_string(), "circuit-breaker");
  net::testing::TestClient client(account_->port());
  EXPECT_THAT(client.Get("/metrics").body(),
              HasSubstr("downstream_calls_total{downstream=\"imageservice\",result=\"failed\"} 1"));
}

TEST_F(LandscapeIntegrationTest, VipMessagesFlowAgainAfterTheBrokerRestarts) {
  ASSERT_EQ(GetAccount("10000").result(), http::status::ok);
  ASSERT_TRUE(WaitFor([&] { return vip_->processed() == 1; }, milliseconds(5000)));

  ASSERT_TRUE(node_->Restart().ok());
  ASSERT_TRUE(WaitFor([&] { return vip_->consumer().metrics().connects.load() >= 2; },
                      milliseconds(20000)));
  net::testing::TestClient health(vip_->port());
  EXPECT_EQ(health.Get("/health").result(), http::status::ok);

  ASSERT_EQ(GetAccount("10000").result(), http::status::ok);
  EXPECT_TRUE(WaitFor([&] { return vip_->processed() == 2; }, milliseconds(15000)));
}

}  // namespace
}  // namespace cairn
