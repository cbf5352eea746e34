// The quotes-service's routes in-process on loopback, reporting to a RecordingCollector.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "apps/landscape/common/testing_spans.h"
#include "apps/landscape/quotes-service/quotes.h"
#include "apps/landscape/quotes-service/quotes_service.h"
#include "lib/net/test_client.h"

namespace cairn::quotes {
namespace {

namespace http = net::http;
namespace json = boost::json;
using landscape::testing::DecodeSpans;
using landscape::testing::FindSpan;
using ::testing::HasSubstr;
using trace_http::testing::RecordingCollector;

class QuotesServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(collector_.Start().ok());
    QuotesConfig config;
    static_cast<landscape::ServiceConfig&>(config) =
        landscape::testing::TestServiceConfig(&collector_);
    config.default_strength = 4;  // keep the tests fast
    auto created = landscape::Service::Create({.name = "quotes-service", .config = config});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    service_ = std::move(created).value();
    ASSERT_TRUE(InstallQuotesRoutes(config, *service_).ok());
    ASSERT_TRUE(service_->Start().ok());
  }

  net::Response Get(std::string_view target) {
    net::testing::TestClient client(service_->port());
    return client.Get(target);
  }

  RecordingCollector collector_;
  std::unique_ptr<landscape::Service> service_;
};

TEST_F(QuotesServiceTest, ReturnsAQuote) {
  net::Response res = Get("/api/quote?strength=4&language=sv");
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(res[http::field::content_type], "application/json");
  json::object body = json::parse(res.body()).as_object();
  ASSERT_EQ(body.size(), 3u);
  EXPECT_EQ(body.at("language").as_string(), "sv");
  const std::string quote(body.at("quote").as_string());
  EXPECT_NE(std::find(QuotesFor("sv").begin(), QuotesFor("sv").end(), quote),
            QuotesFor("sv").end());
  EXPECT_EQ(body.at("ipAddress").as_string(),
            service_->local().hostname + "/10.1.2.3:" + std::to_string(service_->port()));

  res = Get("/api/quote");  // defaults: configured strength, en
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(json::parse(res.body()).at("language").as_string(), "en");
}

TEST_F(QuotesServiceTest, RejectsBadParametersWithJsonErrors) {
  for (const char* target :
       {"/api/quote?strength=3", "/api/quote?strength=15", "/api/quote?strength=abc",
        "/api/quote?strength=", "/api/quote?strength=4&language=de"}) {
    net::Response res = Get(target);
    EXPECT_EQ(res.result(), http::status::bad_request) << target;
    EXPECT_EQ(res[http::field::content_type], "application/json");
    json::value body = json::parse(res.body());
    ASSERT_TRUE(body.is_object()) << res.body();
    EXPECT_TRUE(body.as_object().contains("error")) << res.body();
  }
  EXPECT_THAT(Get("/api/quote?strength=99").body(),
              HasSubstr("strength must be an integer from 4 to 14, got \\\"99\\\""));
  EXPECT_EQ(Get("/health").body(), "{\"status\":\"UP\"}");
}

TEST_F(QuotesServiceTest, ReportsGetquoteServerSpanWithBcryptChild) {
  net::testing::TestClient client(service_->port());
  net::Request req(http::verb::get, "/api/quote?strength=5", 11);
  req.set("X-B3-TraceId", "463ac35c9f6413ad");
  req.set("X-B3-SpanId", "00000000000000cc");
  req.set("X-B3-Sampled", "1");
  ASSERT_EQ(client.RoundTrip(req).result(), http::status::ok);
  EXPECT_EQ(client.Get("/api/quote?strength=1").result(), http::status::bad_request);

  ASSERT_TRUE(service_->FlushSpans(std::chrono::seconds(3)).ok());
  const auto spans = DecodeSpans(collector_);
  auto server = FindSpan(spans, "getquote", "SERVER");
  auto bcrypt = FindSpan(spans, "bcrypt");
  ASSERT_TRUE(server && bcrypt) << spans.size() << " spans";
  EXPECT_EQ(server->trace_id, "463ac35c9f6413ad");
  EXPECT_EQ(server->parent_id, "00000000000000cc");
  EXPECT_EQ(server->local_service, "quotes-service");
  EXPECT_EQ(server->Tag("http.method"), "GET");
  EXPECT_EQ(server->Tag("http.path"), "/api/quote");
  EXPECT_EQ(server->Tag("http.status_code"), "200");
  EXPECT_FALSE(server->HasTag("error"));
  EXPECT_EQ(bcrypt->parent_id, server->id);
  EXPECT_EQ(bcrypt->trace_id, server->trace_id);
  EXPECT_EQ(bcrypt->Tag("bcrypt.cost"), "5");

  int bad_requests = 0;
  for (const auto& span : spans) {
    if (span.name == "getquote" && span.Tag("http.status_code") == "400") {
      ++bad_requests;
      EXPECT_EQ(span.Tag("error"), "400");
    }
  }
  EXPECT_EQ(bad_requests, 1);
}

}  // namespace
}  // namespace cairn::quotes
