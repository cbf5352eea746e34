#include "apps/edge/path_pattern.h"

#include <gtest/gtest.h>

namespace cairn::edge {
namespace {

PathPattern P(std::string_view text) {
  Result<PathPattern> p = PathPattern::Parse(text);
  EXPECT_TRUE(p.ok()) << text << ": " << p.status().message();
  return p.ok() ? std::move(p).value() : PathPattern();
}

TEST(PathPatternTest, DoubleStarMatchesAnyDepthIncludingNone) {
  PathPattern p = P("/accounts/**");
  EXPECT_TRUE(p.Match("/accounts"));
  EXPECT_TRUE(p.Match("/accounts/"));
  EXPECT_TRUE(p.Match("/accounts/10000"));
  EXPECT_TRUE(p.Match("/accounts/10000/image/x.jpg"));
  EXPECT_FALSE(p.Match("/accountsx"));
  EXPECT_FALSE(p.Match("/account"));
  EXPECT_FALSE(p.Match("/other/accounts/1"));
  EXPECT_FALSE(p.Match("accounts/1"));
  EXPECT_FALSE(p.Match(""));
}

TEST(PathPatternTest, SingleStarIsOneNonEmptySegment) {
  PathPattern p = P("/accounts/*");
  EXPECT_TRUE(p.Match("/accounts/7"));
  EXPECT_FALSE(p.Match("/accounts"));
  EXPECT_FALSE(p.Match("/accounts/"));
  EXPECT_FALSE(p.Match("/accounts/7/x"));
}

TEST(PathPatternTest, ParameterIsOneNonEmptySegment) {
  PathPattern p = P("/api/accounts/{id}");
  EXPECT_TRUE(p.Match("/api/accounts/10000"));
  EXPECT_TRUE(p.Match("/api/accounts/%41"));
  EXPECT_FALSE(p.Match("/api/accounts/"));
  EXPECT_FALSE(p.Match("/api/accounts"));
  EXPECT_FALSE(p.Match("/api/accounts/1/2"));
  EXPECT_EQ(p.static_prefix(), "/api/accounts");
}

TEST(PathPatternTest, GlobsWithinASegment) {
  PathPattern p = P("/files/*.jpg");
  EXPECT_TRUE(p.Match("/files/cake.jpg"));
  EXPECT_TRUE(p.Match("/files/.jpg"));
  EXPECT_FALSE(p.Match("/files/cake.png"));
  EXPECT_FALSE(p.Match("/files/a/cake.jpg"));
  PathPattern q = P("/v?/x");
  EXPECT_TRUE(q.Match("/v1/x"));
  EXPECT_FALSE(q.Match("/v10/x"));
}

TEST(PathPatternTest, DoubleStarInTheMiddle) {
  PathPattern p = P("/a/**/z");
  EXPECT_TRUE(p.Match("/a/z"));
  EXPECT_TRUE(p.Match("/a/b/z"));
  EXPECT_TRUE(p.Match("/a/b/c/z"));
  EXPECT_FALSE(p.Match("/a/b/c"));
  EXPECT_FALSE(p.Match("/a/z/q"));
}

TEST(PathPatternTest, LiteralPatternsMatchExactly) {
  PathPattern p = P("/health");
  EXPECT_TRUE(p.Match("/health"));
  EXPECT_FALSE(p.Match("/health/"));
  EXPECT_FALSE(p.Match("/Health"));
  EXPECT_EQ(p.static_prefix(), "/health");
  EXPECT_TRUE(P("/**").Match("/"));
  EXPECT_TRUE(P("/**").Match("/anything/at/all"));
  EXPECT_EQ(P("/**").static_prefix(), "");
  EXPECT_FALSE(P("/a/b").Match("/a//b"));
}

TEST(PathPatternTest, RejectsMalformedPatterns) {
  for (std::string_view bad :
       {"", "accounts/**", "/a**", "/a/{id", "/a/x{id}", "/a/{}", "/a b", "/a/{i*d}", "/a/**x"}) {
    Result<PathPattern> p = PathPattern::Parse(bad);
    EXPECT_FALSE(p.ok()) << bad;
    if (!p.ok()) {
      EXPECT_NE(p.status().message().find("path pattern"), std::string::npos);
    }
  }
}

TEST(PathPatternTest, ManyDoubleStarsStayFast) {
  // Backtracking is bounded by the number of '/' per "**"; a hostile path must not explode.
  PathPattern p = P("/**/a/**/b/**/c/**/d");
  std::string path;
  for (int i = 0; i < 200; ++i) path += "/x";
  EXPECT_FALSE(p.Match(path));
  EXPECT_TRUE(p.Match("/a/b/c/d"));
}

}  // namespace
}  // namespace cairn::edge
