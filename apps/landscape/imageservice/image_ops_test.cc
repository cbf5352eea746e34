#include "apps/landscape/imageservice/image_ops.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "apps/landscape/imageservice/bundled_images.h"

namespace cairn::imageservice {
namespace {

using ::testing::HasSubstr;

Image Filled(int w, int h, std::uint8_t r, std::uint8_t g, std::uint8_t b) {
  Image image(w, h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      std::uint8_t* p = image.Pixel(x, y);
      p[0] = r;
      p[1] = g;
      p[2] = b;
    }
  }
  return image;
}

// Mean of each channel.
std::array<double, 3> Means(const Image& image) {
  std::array<double, 3> sum{};
  for (std::size_t i = 0; i < image.rgb.size(); ++i) sum[i % 3] += image.rgb[i];
  const double n = static_cast<double>(image.rgb.size() / 3);
  return {sum[0] / n, sum[1] / n, sum[2] / n};
}

TEST(ImageOpsTest, SepiaUsesTheClassicMatrix) {
  Image white = Filled(2, 1, 255, 255, 255);
  ApplySepia(white);
  EXPECT_EQ(std::vector<int>(white.rgb.begin(), white.rgb.begin() + 3),
            (std::vector<int>{255, 255, 239}));
  Image red = Filled(1, 1, 255, 0, 0);
  ApplySepia(red);
  EXPECT_EQ(std::vector<int>(red.rgb.begin(), red.rgb.end()), (std::vector<int>{100, 89, 69}));
  Image black = Filled(1, 1, 0, 0, 0);
  ApplySepia(black);
  EXPECT_EQ(std::vector<int>(black.rgb.begin(), black.rgb.end()), (std::vector<int>{0, 0, 0}));
}

TEST(ImageOpsTest, ResizeCapsWidthOnly) {
  Result<Image> wide = ResizeToMaxWidth(Filled(1600, 100, 10, 200, 30), 800);
  ASSERT_TRUE(wide.ok());
  EXPECT_EQ(wide->width, 800);
  EXPECT_EQ(wide->height, 50);
  const auto means = Means(*wide);
  EXPECT_NEAR(means[0], 10, 1);  // a flat colour stays the same colour
  EXPECT_NEAR(means[1], 200, 1);
  Result<Image> thin = ResizeToMaxWidth(Filled(1601, 1, 0, 0, 0), 800);
  EXPECT_EQ(thin->height, 1);  // never 0
  Result<Image> small = ResizeToMaxWidth(Filled(400, 300, 0, 0, 0), 800);
  EXPECT_EQ(small->width, 400);  // never scaled up
  EXPECT_EQ(small->height, 300);
}

TEST(ImageOpsTest, EncodesAndDecodes) {
  Result<std::string> jpeg = EncodeJpeg(DrawCake(), 90);
  ASSERT_TRUE(jpeg.ok()) << jpeg.status().ToString();
  EXPECT_TRUE(LooksLikeJpeg(*jpeg));
  Result<Image> decoded = DecodeJpeg(*jpeg);
  ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
  EXPECT_EQ(decoded->width, 400);
  EXPECT_EQ(decoded->height, 300);
  EXPECT_EQ(EncodeJpeg(Image(), 90).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(EncodeJpeg(DrawCake(), 0).status().code(), StatusCode::kInvalidArgument);
}

TEST(ImageOpsTest, RejectsWhatIsNotAJpeg) {
  for (std::string_view bad :
       {std::string_view(""), std::string_view("hello"), std::string_view("\x89PNG\r\n\x1a\n", 8),
        std::string_view("\xFF\xD8\xFF garbage that is no JPEG at all")}) {
    Result<Image> decoded = DecodeJpeg(bad);
    ASSERT_FALSE(decoded.ok());
    EXPECT_EQ(decoded.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(decoded.status().message(), HasSubstr("JPEG"));
  }
}

TEST(ImageOpsTest, RefusesTooManyPixelsBeforeDecoding) {
  std::string jpeg = *EncodeJpeg(Filled(64, 48, 1, 2, 3), 80);
  EXPECT_THAT(DecodeJpeg(jpeg, {.max_pixels = 1000}).status().message(),
              HasSubstr("64x48 = 3072 pixels; at most 1000"));
  // A "bomb": the frame header of a tiny file patched to claim 60000 x 60000 pixels.
  const std::size_t sof = jpeg.find("\xFF\xC0");
  ASSERT_NE(sof, std::string::npos);
  for (std::size_t i : {sof + 5, sof + 7}) {  // height, width (big-endian)
    jpeg[i] = static_cast<char>(0xEA);
    jpeg[i + 1] = static_cast<char>(0x60);
  }
  Result<Image> bomb = DecodeJpeg(jpeg);
  EXPECT_EQ(bomb.status().code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(bomb.status().message(), HasSubstr("60000x60000"));
}

TEST(ImageOpsTest, SepiaJpegCapsWidthAndTones) {
  // Blue-ish input: after sepia, red > green > blue on average.
  std::string input = *EncodeJpeg(Filled(1000, 500, 40, 90, 200), 90);
  Result<std::string> out = SepiaJpeg(input, {.max_width = 800});
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  Result<Image> decoded = DecodeJpeg(*out);
  ASSERT_TRUE(decoded.ok());
  EXPECT_EQ(decoded->width, 800);
  EXPECT_EQ(decoded->height, 400);
  const auto means = Means(*decoded);
  EXPECT_GT(means[0], means[1]);
  EXPECT_GT(means[1], means[2]);
  EXPECT_NEAR(means[0], 0.393 * 40 + 0.769 * 90 + 0.189 * 200, 4);
}

TEST(BundledImagesTest, FixedSetOnly) {
  Result<BundledImages> images = BundledImages::Create();
  ASSERT_TRUE(images.ok()) << images.status().ToString();
  EXPECT_EQ(images->Names(), (std::vector<std::string>{"cake.jpg", "new.jpg"}));
  for (const char* name : {"cake.jpg", "new.jpg"}) {
    const std::string* jpeg = images->Find(name);
    ASSERT_NE(jpeg, nullptr) << name;
    EXPECT_TRUE(DecodeJpeg(*jpeg).ok()) << name;
  }
  for (const char* name : {"", "CAKE.JPG", "../cake.jpg", "cake.jpg/", "/etc/passwd", "cake"}) {
    EXPECT_EQ(images->Find(name), nullptr) << name;
  }
  // The drawings are not blank.
  const auto means = Means(DrawNewBadge());
  EXPECT_GT(means[0], 60);
}

}  // namespace
}  // namespace cairn::imageservice
