// Downstreams against fake quotes-service / imageservice servers: answers, retries, what is and
// is not retried, fallbacks for every failure, the breaker opening, short-circuiting (with its
// span) and closing again, and the metrics of all of it.
#include "apps/landscape/accountservice/downstreams.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/use_future.hpp>
#include <thread>
#include <vector>

#include "lib/trace_http/testing_reporter.h"
#include "lib/trace_http/testing_server.h"

namespace cairn::accountservice {
namespace {

namespace asio = boost::asio;
namespace http = boost::beast::http;
using std::chrono::milliseconds;
using ::testing::HasSubstr;
using trace_http::testing::RecordingReporter;
using trace_http::testing::TestHttpServer;

constexpr std::string_view kQuoteBody =
    R"({"quote":"To be or not to be","ipAddress":"host/10.0.0.5:8080","language":"en"})";

// A fake downstream: answers with whatever `answer` says for the n-th request (0-based).
class FakeDownstream {
 public:
  using Answer = std::function<std::pair<unsigned, std::string>(int n)>;

  explicit FakeDownstream(Answer answer)
      : answer_(std::move(answer)),
        server_([this](const trace_http::testing::Request& req,
                       const trace_http::testing::RequestInfo&) {
          const int n = requests_.fetch_add(1);
          {
            std::lock_guard<std::mutex> lock(mu_);
            targets_.emplace_back(req.target());
            if (auto b3 = req.find("x-b3-traceid"); b3 != req.end()) {
              trace_ids_.emplace_back(b3->value());
            }
          }
          auto [status, body] = answer_(n);
          trace_http::testing::Response res(static_cast<http::status>(status), 11);
          res.set(http::field::content_type, "application/json");
          res.body() = body;
          res.prepare_payload();
          return res;
        }) {
    EXPECT_TRUE(server_.Start().ok());
  }

  std::string url() const { return server_.BaseUrl(); }
  int requests() const { return requests_.load(); }
  std::vector<std::string> targets() const {
    std::lock_guard<std::mutex> lock(mu_);
    return targets_;
  }
  std::size_t traced_requests() const {
    std::lock_guard<std::mutex> lock(mu_);
    return trace_ids_.size();
  }
  TestHttpServer& server() { return server_; }

 private:
  Answer answer_;
  std::atomic<int> requests_{0};
  mutable std::mutex mu_;
  std::vector<std::string> targets_;
  std::vector<std::string> trace_ids_;
  TestHttpServer server_;
};

class DownstreamsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    reporter_ = std::make_shared<RecordingReporter>();
    auto tracer = trace::Tracer::Create({.service_name = "accountservice", .reporter = reporter_});
    ASSERT_TRUE(tracer.ok());
    tracer_ = std::move(tracer).value();
    thread_ = std::thread([this] { io_.run(); });
  }
  void TearDown() override {
    work_.reset();
    thread_.join();
  }

  DownstreamOptions Options(const std::string& quotes_url, const std::string& image_url) {
    DownstreamOptions options;
    options.quotes_service_url = quotes_url;
    options.imageservice_url = image_url;
    options.retry = resilience::RetryPolicy::Fixed(3, milliseconds(5));
    options.clock = &clock_;
    return options;
  }

  std::unique_ptr<Downstreams> Make(DownstreamOptions options) {
    return std::make_unique<Downstreams>(*tracer_, registry_, std::move(options));
  }

  template <typename T>
  T Run(asio::awaitable<T> awaitable) {
    return asio::co_spawn(io_, std::move(awaitable), asio::use_future).get();
  }

  std::vector<trace::SpanRecordPtr> Spans() { return reporter_->Take(); }

  static std::string Tag(const trace::SpanRecord& span, std::string_view key) {
    const trace::TagView* tag = span.FindTag(key);
    return tag == nullptr ? std::string() : std::string(tag->value);
  }

  resilience::FakeClock clock_;
  metrics::Registry registry_;
  std::shared_ptr<RecordingReporter> reporter_;
  std::unique_ptr<trace::Tracer> tracer_;
  asio::io_context io_;
  asio::executor_work_guard<asio::io_context::executor_type> work_ = asio::make_work_guard(io_);
  std::thread thread_;
};

TEST_F(DownstreamsTest, QuoteComesFromQuotesServiceInOneTracedCall) {
  FakeDownstream quotes([](int) { return std::pair{200u, std::string(kQuoteBody)}; });
  auto downstreams = Make(Options(quotes.url(), "http://127.0.0.1:1"));
  CallReport report;
  Quote quote = Run(downstreams->GetQuote(&report));
  EXPECT_EQ(quote, (Quote{"To be or not to be", "host/10.0.0.5:8080", "en"}));
  EXPECT_EQ(report.result, "success");
  EXPECT_EQ(report.outcome.attempts, 1);
  EXPECT_EQ(quotes.targets(), std::vector<std::string>{"/api/quote?strength=4"});
  EXPECT_EQ(quotes.traced_requests(), 1u);

  auto spans = Spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0]->name, "getquote");
  EXPECT_EQ(spans[0]->kind, trace::SpanKind::kClient);
  EXPECT_EQ(spans[0]->remote_endpoint.service_name, "quotes-service");
  EXPECT_EQ(Tag(*spans[0], "http.status_code"), "200");
  EXPECT_THAT(
      registry_.Render(),
      HasSubstr("downstream_calls_total{downstream=\"quotes-service\",result=\"success\"} 1"));
}

TEST_F(DownstreamsTest, ImageDataComesFromImageService) {
  FakeDownstream images([](int) {
    return std::pair{200u,
                     std::string(R"({"url":"http://i:7777/file/cake.jpg","servedBy":"1.2.3.4"})")};
  });
  auto downstreams = Make(Options("http://127.0.0.1:1", images.url() + "/"));
  ImageData image = Run(downstreams->GetImageData("10000"));
  EXPECT_EQ(image, (ImageData{"http://i:7777/file/cake.jpg", "1.2.3.4"}));
  EXPECT_EQ(images.targets(), std::vector<std::string>{"/accounts/10000"});
  auto spans = Spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0]->name, "getimageurl");
  EXPECT_EQ(spans[0]->remote_endpoint.service_name, "imageservice");
}

TEST_F(DownstreamsTest, ServerErrorsAreRetriedThenTheFallbackIsUsed) {
  FakeDownstream quotes([](int) { return std::pair{500u, std::string("{}")}; });
  auto downstreams = Make(Options(quotes.url(), "http://127.0.0.1:1"));
  CallReport report;
  EXPECT_EQ(Run(downstreams->GetQuote(&report)), FallbackQuote());
  EXPECT_EQ(report.result, "failed");
  EXPECT_EQ(report.outcome.attempts, 4);
  EXPECT_EQ(quotes.requests(), 4);
  EXPECT_THAT(report.detail, HasSubstr("answered 500"));
  auto spans = Spans();
  ASSERT_EQ(spans.size(), 4u);  // one CLIENT span per attempt
  for (const auto& span : spans) {
    EXPECT_EQ(span->name, "getquote");
    EXPECT_NE(span->FindTag("error"), nullptr);
  }
  EXPECT_EQ(downstreams->quotes_breaker().Stats().failures, 1u);  // one failure per guarded call
}

TEST_F(DownstreamsTest, ARetryCanSucceed) {
  FakeDownstream quotes([](int n) {
    return n == 0 ? std::pair{503u, std::string("busy")} : std::pair{200u, std::string(kQuoteBody)};
  });
  auto downstreams = Make(Options(quotes.url(), "http://127.0.0.1:1"));
  CallReport report;
  EXPECT_EQ(Run(downstreams->GetQuote(&report)).text, "To be or not to be");
  EXPECT_EQ(report.result, "success");
  EXPECT_EQ(report.outcome.attempts, 2);
}

TEST_F(DownstreamsTest, ClientErrorsAreNotRetriedAndNotBreakerFailures) {
  FakeDownstream quotes([](int) { return std::pair{400u, std::string(R"({"error":"no"})")}; });
  auto downstreams = Make(Options(quotes.url(), "http://127.0.0.1:1"));
  CallReport report;
  EXPECT_EQ(Run(downstreams->GetQuote(&report)), FallbackQuote());
  EXPECT_EQ(report.result, "client-error");
  EXPECT_EQ(quotes.requests(), 1);
  EXPECT_EQ(downstreams->quotes_breaker().Stats().successes, 1u);
  EXPECT_EQ(downstreams->quotes_breaker().Stats().failures, 0u);
}

TEST_F(DownstreamsTest, UnreadableAnswersFallBack) {
  FakeDownstream quotes([](int) { return std::pair{200u, std::string("<html>")}; });
  FakeDownstream images([](int) { return std::pair{200u, std::string(R"({"url":""})")}; });
  auto downstreams = Make(Options(quotes.url(), images.url()));
  CallReport quote_report;
  CallReport image_report;
  EXPECT_EQ(Run(downstreams->GetQuote(&quote_report)), FallbackQuote());
  EXPECT_EQ(Run(downstreams->GetImageData("10001", &image_report)), FallbackImageData());
  EXPECT_EQ(quote_report.result, "bad-response");
  EXPECT_EQ(image_report.result, "bad-response");
  EXPECT_THAT(quote_report.detail, HasSubstr("not JSON"));
  EXPECT_EQ(quotes.requests(), 1);
}

TEST_F(DownstreamsTest, ASlowDownstreamTimesOutWithinTheBreakerTimeout) {
  FakeDownstream quotes([](int) { return std::pair{200u, std::string(kQuoteBody)}; });
  quotes.server().set_response_delay(milliseconds(2000));
  DownstreamOptions options = Options(quotes.url(), "http://127.0.0.1:1");
  options.quotes_breaker.timeout = milliseconds(150);
  auto downstreams = Make(options);
  CallReport report;
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(Run(downstreams->GetQuote(&report)), FallbackQuote());
  EXPECT_LT(std::chrono::steady_clock::now() - start, milliseconds(1500));
  EXPECT_EQ(report.result, "timeout");
  EXPECT_EQ(downstreams->quotes_breaker().Stats().timeouts, 1u);
  auto spans = Spans();
  ASSERT_EQ(spans.size(), 1u);  // the cancelled attempt, marked failed
  EXPECT_NE(spans[0]->FindTag("error"), nullptr);
}

TEST_F(DownstreamsTest, TheBreakerOpensShortCircuitsAndClosesAgain) {
  std::atomic<bool> healthy{false};
  FakeDownstream quotes([&](int) {
    return healthy ? std::pair{200u, std::string(kQuoteBody)} : std::pair{502u, std::string()};
  });
  DownstreamOptions options = Options(quotes.url(), "http://127.0.0.1:1");
  options.retry = resilience::RetryPolicy::Fixed(0, milliseconds(0));
  options.quotes_breaker.request_volume_threshold = 3;
  options.quotes_breaker.sleep_window = milliseconds(5000);
  auto downstreams = Make(options);

  for (int i = 0; i < 3; ++i) EXPECT_EQ(Run(downstreams->GetQuote()), FallbackQuote());
  EXPECT_EQ(downstreams->quotes_breaker().state(), resilience::BreakerState::kOpen);
  EXPECT_EQ(quotes.requests(), 3);
  Spans();

  // Open: no request, but a CLIENT span saying why.
  CallReport report;
  EXPECT_EQ(Run(downstreams->GetQuote(&report)), FallbackQuote());
  EXPECT_EQ(report.result, "short-circuited");
  EXPECT_EQ(quotes.requests(), 3);
  auto spans = Spans();
  ASSERT_EQ(spans.size(), 1u);
  EXPECT_EQ(spans[0]->name, "getquote");
  EXPECT_EQ(spans[0]->kind, trace::SpanKind::kClient);
  EXPECT_EQ(spans[0]->remote_endpoint.service_name, "quotes-service");
  EXPECT_EQ(Tag(*spans[0], "circuit_breaker.name"), "quotes-service");
  EXPECT_EQ(Tag(*spans[0], "circuit_breaker.state"), "open");
  EXPECT_THAT(Tag(*spans[0], "error"), HasSubstr("short-circuited"));

  const std::string open_metrics = registry_.Render();
  EXPECT_THAT(open_metrics,
              HasSubstr("circuit_breaker_state{name=\"quotes-service\",state=\"open\"} 1"));
  EXPECT_THAT(open_metrics, HasSubstr("circuit_breaker_transitions_total{name=\"quotes-service\","
                                      "from=\"closed\",to=\"open\"} 1"));
  EXPECT_THAT(open_metrics, HasSubstr("downstream_calls_total{downstream=\"quotes-service\","
                                      "result=\"short-circuited\"} 1"));

  // After the sleep window a probe goes through; its success closes the breaker.
  healthy = true;
  clock_.Advance(milliseconds(5001));
  EXPECT_EQ(Run(downstreams->GetQuote(&report)).text, "To be or not to be");
  EXPECT_EQ(downstreams->quotes_breaker().state(), resilience::BreakerState::kClosed);
  EXPECT_THAT(registry_.Render(),
              HasSubstr("circuit_breaker_state{name=\"quotes-service\",state=\"closed\"} 1"));
  // The image breaker is independent.
  EXPECT_EQ(downstreams->image_breaker().state(), resilience::BreakerState::kClosed);
}

TEST_F(DownstreamsTest, ADownstreamThatIsDownFallsBack) {
  FakeDownstream images([](int) { return std::pair{200u, std::string("{}")}; });
  const std::string url = images.url();
  images.server().Stop();
  auto downstreams = Make(Options("http://127.0.0.1:1", url));
  CallReport report;
  EXPECT_EQ(Run(downstreams->GetImageData("10000", &report)), FallbackImageData());
  EXPECT_EQ(report.result, "failed");
  EXPECT_EQ(report.outcome.attempts, 4);
  EXPECT_THAT(report.detail, HasSubstr("imageservice at 127.0.0.1:"));
}

}  // namespace
}  // namespace cairn::accountservice
