#include "lib/trace_http/http_sender.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <chrono>
#include <string>

#include "lib/trace_http/testing_collector.h"

namespace cairn::trace_http {
namespace {

using ::testing::HasSubstr;
using testing::RecordedRequest;
using testing::RecordingCollector;
using trace::Encoding;

constexpr std::string_view kBody =
    R"([{"traceId":"5af7183fb1d4cf5f","id":"352bff9a74ca9ad2","name":"get /api"}])";

class HttpSenderTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(collector_.Start().ok()); }

  std::unique_ptr<HttpSender> NewSender(
      std::chrono::milliseconds timeout = std::chrono::seconds(5)) {
    HttpSenderOptions options;
    options.url = collector_.SpansUrl();
    options.timeout = timeout;
    Result<std::unique_ptr<HttpSender>> sender = HttpSender::Create(std::move(options));
    EXPECT_TRUE(sender.ok()) << sender.status().ToString();
    return sender.ok() ? std::move(sender).value() : nullptr;
  }

  RecordingCollector collector_;
};

TEST_F(HttpSenderTest, PostsTheBodyWithContentTypeAndB3Zero) {
  auto sender = NewSender();
  ASSERT_TRUE(sender->Send(kBody, Encoding::kJsonV2).ok());
  std::vector<RecordedRequest> requests = collector_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  const RecordedRequest& request = requests[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_EQ(request.target, "/api/v2/spans");
  EXPECT_EQ(request.body, kBody);
  EXPECT_EQ(request.Header("Content-Type"), "application/json");
  EXPECT_EQ(request.Header("b3"), "0");
  EXPECT_EQ(request.Header("Content-Length"), std::to_string(kBody.size()));
  EXPECT_EQ(request.Header("Host"), "127.0.0.1:" + std::to_string(collector_.port()));
  EXPECT_EQ(request.Header("User-Agent"), "cairn-trace");
  EXPECT_FALSE(request.HasHeader("X-B3-TraceId"));
}

TEST_F(HttpSenderTest, SendsProto3WithItsContentTypeAndBinaryBody) {
  auto sender = NewSender();
  std::string body("\x0a\x03\x00\xff\x0d", 5);
  ASSERT_TRUE(sender->Send(body, Encoding::kProto3).ok());
  std::vector<RecordedRequest> requests = collector_.Requests();
  ASSERT_EQ(requests.size(), 1u);
  EXPECT_EQ(requests[0].Header("Content-Type"), "application/x-protobuf");
  EXPECT_EQ(requests[0].body, body);
}

TEST_F(HttpSenderTest, SendsConfiguredExtraHeaders) {
  HttpSenderOptions options;
  options.url = collector_.SpansUrl();
  options.headers = {{"Authorization", "Bearer abc"}};
  options.user_agent = "svc/1.0";
  auto sender = HttpSender::Create(std::move(options));
  ASSERT_TRUE(sender.ok());
  ASSERT_TRUE((*sender)->Send(kBody, Encoding::kJsonV2).ok());
  ASSERT_EQ(collector_.RequestCount(), 1u);
  EXPECT_EQ(collector_.Requests()[0].Header("authorization"), "Bearer abc");
  EXPECT_EQ(collector_.Requests()[0].Header("user-agent"), "svc/1.0");
}

TEST_F(HttpSenderTest, KeepsOneConnectionForManySends) {
  auto sender = NewSender();
  for (int i = 0; i < 20; ++i) {
    std::string body = "[" + std::to_string(i) + "]";
    ASSERT_TRUE(sender->Send(body, Encoding::kJsonV2).ok()) << i;
  }
  std::vector<RecordedRequest> requests = collector_.Requests();
  ASSERT_EQ(requests.size(), 20u);
  for (int i = 0; i < 20; ++i) {
    EXPECT_EQ(requests[i].body, "[" + std::to_string(i) + "]");
    EXPECT_EQ(requests[i].connection_id, requests[0].connection_id);
  }
  EXPECT_EQ(collector_.connections_accepted(), 1u);
  EXPECT_EQ(sender->connections_opened(), 1u);
}

TEST_F(HttpSenderTest, ReconnectsWhenTheCollectorClosedTheConnection) {
  auto sender = NewSender();
  ASSERT_TRUE(sender->Send("[1]", Encoding::kJsonV2).ok());
  collector_.Stop();  // closes the idle keep-alive connection
  ASSERT_TRUE(collector_.Start().ok());
  // The stale connection fails before any response byte; the retry on a new one succeeds.
  Status status = sender->Send("[2]", Encoding::kJsonV2);
  ASSERT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(sender->connections_opened(), 2u);
  std::vector<RecordedRequest> requests = collector_.Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[1].body, "[2]");
}

TEST_F(HttpSenderTest, ServerErrorsAreUnavailable) {
  auto sender = NewSender();
  for (unsigned code : {500u, 502u, 503u, 408u, 429u}) {
    collector_.SetResponse(code, "storage is full");
    Status status = sender->Send(kBody, Encoding::kJsonV2);
    EXPECT_EQ(status.code(), StatusCode::kUnavailable) << code;
    EXPECT_THAT(status.message(), HasSubstr("answered " + std::to_string(code)));
    EXPECT_THAT(status.message(), HasSubstr("storage is full"));
  }
  EXPECT_EQ(sender->connections_opened(), 1u);  // error answers keep the connection
}

TEST_F(HttpSenderTest, RejectionsAreInvalidArgument) {
  auto sender = NewSender();
  for (unsigned code : {400u, 404u, 413u, 415u, 302u}) {
    collector_.SetResponse(code, "Expected a JSON_V2 encoded list");
    Status status = sender->Send(kBody, Encoding::kJsonV2);
    EXPECT_EQ(status.code(), StatusCode::kInvalidArgument) << code;
    EXPECT_THAT(status.message(), HasSubstr("answered " + std::to_string(code)));
  }
  collector_.SetResponse(200);
  EXPECT_TRUE(sender->Send(kBody, Encoding::kJsonV2).ok());
}

TEST_F(HttpSenderTest, ConnectionRefusedIsUnavailableWithoutWaitingForTheTimeout) {
  auto sender = NewSender(std::chrono::seconds(20));
  collector_.Stop();
  auto start = std::chrono::steady_clock::now();
  Status status = sender->Send(kBody, Encoding::kJsonV2);
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("connecting failed"));
  EXPECT_LT(elapsed, std::chrono::seconds(10));  // refused, not timed out
  ASSERT_TRUE(collector_.Start().ok());
  EXPECT_TRUE(sender->Send(kBody, Encoding::kJsonV2).ok());
}

TEST_F(HttpSenderTest, SlowCollectorTimesOutAsUnavailableAndRecovers) {
  auto sender = NewSender(std::chrono::milliseconds(200));
  collector_.set_response_delay(std::chrono::milliseconds(3000));
  Status status = sender->Send(kBody, Encoding::kJsonV2);
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_THAT(status.message(), HasSubstr("timed out after 200 ms while reading the response"));
  collector_.set_response_delay(std::chrono::milliseconds(0));
  // The timed-out connection was dropped; a new one serves the next send.
  status = sender->Send(kBody, Encoding::kJsonV2);
  EXPECT_TRUE(status.ok()) << status.ToString();
  EXPECT_EQ(sender->connections_opened(), 2u);
}

TEST(HttpSenderCreateTest, RejectsBadOptions) {
  HttpSenderOptions options;
  options.url = "https://zipkin:9411/api/v2/spans";
  Result<std::unique_ptr<HttpSender>> sender = HttpSender::Create(options);
  ASSERT_FALSE(sender.ok());
  EXPECT_THAT(sender.status().message(), HasSubstr("https is not supported"));

  options.url = "http://zipkin:9411/api/v2/spans";
  options.timeout = std::chrono::milliseconds(0);
  sender = HttpSender::Create(options);
  ASSERT_FALSE(sender.ok());
  EXPECT_THAT(sender.status().message(), HasSubstr("timeout must be positive"));

  options.timeout = std::chrono::seconds(1);
  options.headers = {{"Bad Name", "x"}};
  EXPECT_FALSE(HttpSender::Create(options).ok());
  options.headers = {{"X-Ok", "a\r\nInjected: 1"}};
  EXPECT_FALSE(HttpSender::Create(options).ok());
  options.headers = {{"Content-Length", "1"}};
  EXPECT_FALSE(HttpSender::Create(options).ok());
  options.headers = {};
  EXPECT_TRUE(HttpSender::Create(options).ok());  // unresolved host: only checked when sending
}

}  // namespace
}  // namespace cairn::trace_http
