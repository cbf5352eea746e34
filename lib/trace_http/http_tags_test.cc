#include "lib/trace_http/http_tags.h"

#include <gtest/gtest.h>

namespace cairn::trace_http {
namespace {

TEST(HttpTagsTest, SpanNames) {
  EXPECT_EQ(LowerCaseMethod("GET"), "get");
  EXPECT_EQ(LowerCaseMethod("M-SEARCH"), "m-search");
  EXPECT_EQ(HttpSpanName("GET", "/users/{userId}"), "get /users/{userId}");
  EXPECT_EQ(HttpSpanName("POST", ""), "post");
  EXPECT_EQ(UnmatchedRouteSpanName("GET", 404), "get not_found");
  EXPECT_EQ(UnmatchedRouteSpanName("GET", 307), "get redirected");
  EXPECT_EQ(UnmatchedRouteSpanName("GET", 304), "get");  // not a redirect to follow
  EXPECT_EQ(UnmatchedRouteSpanName("GET", 500), "get");
}

TEST(HttpTagsTest, PathOfTarget) {
  EXPECT_EQ(PathOfTarget("/a/b?x=1"), "/a/b");
  EXPECT_EQ(PathOfTarget("/a/b#frag"), "/a/b");
  EXPECT_EQ(PathOfTarget("/"), "/");
  EXPECT_EQ(PathOfTarget("/?q"), "/");
  EXPECT_EQ(PathOfTarget("http://host:80/a/b?x"), "/a/b");
  EXPECT_EQ(PathOfTarget("http://host:80?x"), "/");
  EXPECT_EQ(PathOfTarget("http://host"), "/");
  EXPECT_EQ(PathOfTarget("*"), "");
  EXPECT_EQ(PathOfTarget("host:443"), "");
  EXPECT_EQ(PathOfTarget(""), "");
}

}  // namespace
}  // namespace cairn::trace_http
