#include "lib/codec/gzip.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>

namespace cairn::codec {
namespace {

std::string Gzip(std::string_view data, int level = Z_DEFAULT_COMPRESSION) {
  z_stream stream{};
  EXPECT_EQ(deflateInit2(&stream, level, Z_DEFLATED, 16 + MAX_WBITS, 8, Z_DEFAULT_STRATEGY), Z_OK);
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&stream, Z_FINISH), Z_STREAM_END);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

TEST(GunzipTest, RoundTrips) {
  std::string text = R"([{"traceId":"1","id":"2"}])";
  auto out = Gunzip(Gzip(text), 1 << 20);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, text);
}

TEST(GunzipTest, LargeOutputGrowsBuffer) {
  std::string text;
  for (int i = 0; i < 200000; ++i) text += "span " + std::to_string(i) + "\n";
  auto out = Gunzip(Gzip(text), 10 << 20);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, text);
}

TEST(GunzipTest, ConcatenatedMembersAndZeroPadding) {
  auto out = Gunzip(Gzip("hello ") + Gzip("world") + std::string(8, '\0'), 1024);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, "hello world");
}

TEST(GunzipTest, EmptyMemberIsEmpty) {
  auto out = Gunzip(Gzip(""), 1024);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(*out, "");
}

TEST(GunzipTest, ExactlyAtTheLimitIsFine) {
  std::string text(1000, 'x');
  auto out = Gunzip(Gzip(text), 1000);
  ASSERT_TRUE(out.ok());
  EXPECT_EQ(out->size(), 1000u);
}

TEST(GunzipTest, BombIsResourceExhausted) {
  std::string zeros(64 << 20, '\0');  // 64 MiB of zeros compresses to about 64 KiB
  std::string bomb = Gzip(zeros, Z_BEST_COMPRESSION);
  ASSERT_LT(bomb.size(), 128u << 10);
  auto out = Gunzip(bomb, 1 << 20);
  ASSERT_FALSE(out.ok());
  EXPECT_EQ(out.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(out.status().message(), "Decompressed spans exceed 1048576 bytes");
  EXPECT_EQ(Gunzip(Gzip("x"), 0).status().code(), StatusCode::kResourceExhausted);
}

TEST(GunzipTest, UndecodableInputs) {
  std::string valid = Gzip("some span data, long enough to have a body");
  for (std::string bad : {std::string("hello"), std::string(), valid.substr(0, valid.size() - 3),
                          valid.substr(0, 12), valid + "trailing garbage"}) {
    auto out = Gunzip(bad, 1 << 20);
    ASSERT_FALSE(out.ok()) << bad.size();
    EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(out.status().message(), "Cannot gunzip spans");
  }
  std::string corrupt = valid;
  corrupt[corrupt.size() - 6] ^= 0x55;  // CRC32 mismatch
  EXPECT_EQ(Gunzip(corrupt, 1 << 20).status().message(), "Cannot gunzip spans");
  std::string zlib_not_gzip(valid);
  zlib_not_gzip[0] = 0x78;
  EXPECT_FALSE(Gunzip(zlib_not_gzip, 1 << 20).ok());
}

}  // namespace
}  // namespace cairn::codec
