#include "apps/server/response_gzip.h"

#include <gtest/gtest.h>

#include "lib/codec/gzip.h"

namespace cairn::server {
namespace {

TEST(ResponseGzipTest, AcceptEncodingParsing) {
  EXPECT_TRUE(AcceptsGzip("gzip"));
  EXPECT_TRUE(AcceptsGzip("deflate, GZIP"));
  EXPECT_TRUE(AcceptsGzip("gzip;q=0.5"));
  EXPECT_TRUE(AcceptsGzip("br, *"));
  EXPECT_FALSE(AcceptsGzip(""));
  EXPECT_FALSE(AcceptsGzip("deflate, br"));
  EXPECT_FALSE(AcceptsGzip("gzip;q=0"));
  EXPECT_FALSE(AcceptsGzip("gzip; q=0.000"));
  EXPECT_FALSE(AcceptsGzip("x-gzipped"));
}

TEST(ResponseGzipTest, RoundTrips) {
  const std::string text(10'000, 'x');
  Result<std::string> zipped = Gzip(text);
  ASSERT_TRUE(zipped.ok());
  EXPECT_LT(zipped->size(), 200u);
  Result<std::string> back = codec::Gunzip(*zipped, 1 << 20);
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(*back, text);
  Result<std::string> empty = Gzip("");
  ASSERT_TRUE(empty.ok());
  EXPECT_FALSE(empty->empty());  // a valid gzip member of nothing
}

}  // namespace
}  // namespace cairn::server
