// The imageservice's routes in-process on loopback, reporting to a RecordingCollector.
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "apps/landscape/common/testing_spans.h"
#include "apps/landscape/imageservice/image_ops.h"
#include "apps/landscape/imageservice/imageservice.h"
#include "lib/net/test_client.h"

namespace cairn::imageservice {
namespace {

namespace http = net::http;
namespace json = boost::json;
using landscape::testing::DecodeSpans;
using landscape::testing::FindSpan;
using ::testing::HasSubstr;
using trace_http::testing::RecordingCollector;

// A JPEG of w x h with a diagonal gradient.
std::string MakeJpeg(int w, int h) {
  Image image(w, h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = image.Pixel(x, y);
      p[0] = static_cast<std::uint8_t>(x * 255 / w);
      p[1] = static_cast<std::uint8_t>(y * 255 / h);
      p[2] = 160;
    }
  }
  return *EncodeJpeg(image, 80);
}

class ImageServiceTest : public ::testing::Test {
 protected:
  void SetUp() override { ASSERT_TRUE(collector_.Start().ok()); }

  void StartService(ImageConfig config = {}) {
    static_cast<landscape::ServiceConfig&>(config) =
        landscape::testing::TestServiceConfig(&collector_);
    config.max_body_bytes = max_body_bytes_;
    auto created = landscape::Service::Create({.name = "imageservice", .config = config});
    ASSERT_TRUE(created.ok()) << created.status().ToString();
    service_ = std::move(created).value();
    ASSERT_TRUE(InstallImageRoutes(config, *service_).ok());
    ASSERT_TRUE(service_->Start().ok());
  }

  net::Response Get(std::string_view target) {
    net::testing::TestClient client(service_->port());
    return client.Get(target);
  }
  net::Response Post(std::string_view target, std::string body) {
    net::testing::TestClient client(service_->port());
    return client.Post(target, std::move(body));
  }

  static void ExpectJsonError(const net::Response& res, http::status status,
                              std::string_view message_part) {
    EXPECT_EQ(res.result(), status) << res.body();
    EXPECT_EQ(res[http::field::content_type], "application/json");
    json::value body = json::parse(res.body());
    ASSERT_TRUE(body.is_object() && body.as_object().contains("error")) << res.body();
    EXPECT_THAT(std::string(body.at("error").as_string()), HasSubstr(message_part));
  }

  std::uint64_t max_body_bytes_ = 5 * 1024 * 1024;
  RecordingCollector collector_;
  std::unique_ptr<landscape::Service> service_;
};

TEST_F(ImageServiceTest, AccountImageLinksAndSpan) {
  StartService();
  net::Response res = Get("/accounts/10000");
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "application/json");
  EXPECT_EQ(res.body(), "{\"url\":\"http://10.1.2.3:" + std::to_string(service_->port()) +
                            "/file/cake.jpg\",\"servedBy\":\"10.1.2.3\"}");

  ASSERT_TRUE(service_->FlushSpans(std::chrono::seconds(3)).ok());
  auto span = FindSpan(DecodeSpans(collector_), "getaccountimage", "SERVER");
  ASSERT_TRUE(span.has_value());
  EXPECT_EQ(span->local_service, "imageservice");
  EXPECT_EQ(span->Tag("http.path"), "/accounts/10000");
  EXPECT_EQ(span->Tag("http.status_code"), "200");
}

TEST_F(ImageServiceTest, PublicUrlIsConfigurable) {
  ImageConfig config;
  config.public_url = "http://imageservice:7777";
  StartService(config);
  EXPECT_THAT(Get("/accounts/1").body(),
              HasSubstr("\"url\":\"http://imageservice:7777/file/cake.jpg\""));
}

TEST_F(ImageServiceTest, ServesSepiaFilesFromTheFixedSetOnly) {
  StartService();
  net::Response res = Get("/file/cake.jpg");
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(res[http::field::content_type], "image/jpeg");
  Result<Image> image = DecodeJpeg(res.body());
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->width, 400);
  EXPECT_EQ(image->height, 300);
  // Sepia: no pixel is clearly bluer than it is red.
  int bluish = 0;
  for (std::size_t i = 0; i < image->rgb.size(); i += 3) {
    if (image->rgb[i + 2] > image->rgb[i] + 12) ++bluish;
  }
  EXPECT_EQ(bluish, 0);
  EXPECT_EQ(Get("/file/new.jpg").result(), http::status::ok);

  ExpectJsonError(Get("/file/nope.jpg"), http::status::not_found, "no image named \"nope.jpg\"");
  ExpectJsonError(Get("/file/..%2Fimageservice.cc"), http::status::not_found, "no image named");
  EXPECT_EQ(Get("/file/../../etc/passwd").result(), http::status::not_found);
  EXPECT_EQ(Get("/file/%2Fetc%2Fpasswd").result(), http::status::not_found);
}

TEST_F(ImageServiceTest, PostImageCapsWidthAndChecksInput) {
  max_body_bytes_ = 256 * 1024;
  ImageConfig config;
  config.max_image_pixels = 2'000'000;
  StartService(config);

  net::Response res = Post("/image", MakeJpeg(1200, 600));
  ASSERT_EQ(res.result(), http::status::ok) << res.body();
  EXPECT_EQ(res[http::field::content_type], "image/jpeg");
  Result<Image> image = DecodeJpeg(res.body());
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(image->width, 800);
  EXPECT_EQ(image->height, 400);
  res = Post("/image", MakeJpeg(300, 200));
  ASSERT_EQ(res.result(), http::status::ok);
  EXPECT_EQ(DecodeJpeg(res.body())->width, 300);

  ExpectJsonError(Post("/image", "hello, I am text"), http::status::bad_request, "not a JPEG");
  ExpectJsonError(Post("/image", ""), http::status::bad_request, "body is empty");
  ExpectJsonError(Post("/image", std::string("\xFF\xD8\xFF\xE0 broken", 11)),
                  http::status::bad_request, "JPEG");
  // Over the pixel limit (small file, 2.1 MP).
  ExpectJsonError(Post("/image", MakeJpeg(2100, 1000)), http::status::payload_too_large,
                  "2100000 pixels; at most 2000000");
  // Over the body limit: answered by the server before the body is read.
  EXPECT_EQ(Post("/image", std::string(300 * 1024, 'x')).result(), http::status::payload_too_large);
  EXPECT_THAT(Get("/metrics").body(),
              HasSubstr("cairn_http_rejected_total{reason=\"body_too_large\"} 1\n"));
}

}  // namespace
}  // namespace cairn::imageservice
