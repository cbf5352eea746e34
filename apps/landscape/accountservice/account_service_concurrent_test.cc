// Many clients at once against one AccountService (two I/O threads, concurrent quote and image
// calls per request): every answer is the right account, and every child span lands in its own
// request's trace under its own getaccount span, never in a neighbour's. Runs under TSan too.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <set>
#include <thread>
#include <vector>

#include "apps/landscape/accountservice/account_service.h"
#include "apps/landscape/common/testing_spans.h"
#include "lib/net/test_client.h"
#include "lib/trace_http/testing_reporter.h"
#include "lib/trace_http/testing_server.h"

// GCC's TSan does not understand std::atomic_thread_fence, which Asio's reference counts use
// (release decrement, then an acquire fence before delete): an any_io_executor holding a
// trace_asio::ContextExecutor (too big for its inline buffer, so reference counted) that is
// copied to a blocking-pool thread and released on both sides is reported as a race on the
// delete. Only that pattern is suppressed.
extern "C" const char* __tsan_default_suppressions() {
  return "race:boost::asio::execution::detail::shared_target_executor::~shared_target_executor\n";
}

namespace cairn::accountservice {
namespace {

namespace http = boost::beast::http;
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

TEST(AccountServiceConcurrentTest, ConcurrentRequestsKeepTheirOwnTraces) {
  char pattern[] = "/tmp/accountservice-concurrent-XXXXXX";
  ASSERT_NE(mkdtemp(pattern), nullptr);
  const std::string dir = pattern;
  TestHttpServer quotes(
      JsonAnswer(R"({"quote":"Q","ipAddress":"q/1.1.1.1:8080","language":"en"})"));
  TestHttpServer images(JsonAnswer(R"({"url":"http://i/file/cake.jpg","servedBy":"2.2.2.2"})"));
  ASSERT_TRUE(quotes.Start().ok());
  ASSERT_TRUE(images.Start().ok());

  AccountConfig config;
  static_cast<landscape::ServiceConfig&>(config) = landscape::testing::TestServiceConfig(nullptr);
  config.io_threads = 2;
  config.blocking_threads = 2;
  config.data_dir = dir + "/accounts";
  config.amqp_server_url.clear();
  config.quotes_service_url = quotes.BaseUrl();
  config.imageservice_url = images.BaseUrl();
  auto reporter = std::make_shared<RecordingReporter>();
  auto created = AccountService::Create(config, {.reporter = reporter});
  ASSERT_TRUE(created.ok()) << created.status().ToString();
  std::unique_ptr<AccountService> service = std::move(created).value();
  ASSERT_TRUE(service->Start().ok());

  constexpr int kThreads = 4;
  constexpr int kRequests = 15;
  std::atomic<int> wrong{0};
  std::vector<std::thread> clients;
  for (int t = 0; t < kThreads; ++t) {
    clients.emplace_back([&, t] {
      net::testing::TestClient client(service->port());
      for (int i = 0; i < kRequests; ++i) {
        const int n = (t * kRequests + i) % 100;
        net::Response res = client.Get("/accounts/" + std::to_string(10000 + n));
        const std::string expected = "\"name\":\"Person_" + std::to_string(n) + "\"";
        if (res.result() != http::status::ok || res.body().find(expected) == std::string::npos ||
            res.body().find("\"servedBy\":\"2.2.2.2\"") == std::string::npos) {
          ++wrong;
        }
      }
    });
  }
  for (std::thread& client : clients) client.join();
  service->Stop();
  EXPECT_EQ(wrong.load(), 0);

  // Group by trace: one getaccount per trace, and its three children point at it.
  std::map<std::string, std::vector<trace::SpanRecordPtr>> traces;
  for (auto& span : reporter->Take()) traces[span->trace_id.ToHex()].push_back(std::move(span));
  EXPECT_EQ(traces.size(), static_cast<std::size_t>(kThreads * kRequests));
  for (const auto& [trace_id, spans] : traces) {
    const trace::SpanRecord* server = nullptr;
    std::multiset<std::string> children;
    for (const auto& span : spans) {
      if (span->name == "getaccount") server = span.get();
    }
    ASSERT_NE(server, nullptr) << trace_id;
    for (const auto& span : spans) {
      if (span.get() == server) continue;
      EXPECT_EQ(span->parent_id, server->id) << span->name << " in " << trace_id;
      children.insert(std::string(span->name));
    }
    EXPECT_EQ(children, (std::multiset<std::string>{"getimageurl", "getquote", "queryaccount"}))
        << trace_id;
  }
  service.reset();
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace cairn::accountservice
