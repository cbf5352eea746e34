#include "lib/storage/annotation_query.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

namespace cairn::storage {
namespace {

using ::testing::ElementsAre;
using ::testing::IsEmpty;

// "key=value" for tag terms, "key" for bare ones.
std::vector<std::string> Terms(std::string_view text) {
  std::vector<std::string> out;
  for (const QueryRequest::Term& term : ParseAnnotationQuery(text)) {
    out.push_back(term.value ? term.key + "=" + *term.value : term.key);
  }
  return out;
}

TEST(AnnotationQueryTest, TagsAndBareTerms) {
  EXPECT_THAT(Terms("http.method=GET and error"), ElementsAre("http.method=GET", "error"));
  EXPECT_THAT(Terms("error"), ElementsAre("error"));
  EXPECT_THAT(Terms(""), IsEmpty());
}

TEST(AnnotationQueryTest, TrimsKeysAndValues) {
  EXPECT_THAT(Terms("  http.path = /api  and \terror\n"), ElementsAre("http.path=/api", "error"));
}

TEST(AnnotationQueryTest, SplitsOnlyOnLowerCaseAndWithSpaces) {
  EXPECT_THAT(Terms("a AND b"), ElementsAre("a AND b"));
  EXPECT_THAT(Terms("brand=andy and candy"), ElementsAre("brand=andy", "candy"));
  EXPECT_THAT(Terms("a and b and c"), ElementsAre("a", "b", "c"));
}

TEST(AnnotationQueryTest, ValueKeepsFurtherEqualsSigns) {
  EXPECT_THAT(Terms("query=a=b"), ElementsAre("query=a=b"));
}

TEST(AnnotationQueryTest, LastTagValueWinsInFirstPosition) {
  EXPECT_THAT(Terms("a=1 and b and a=2"), ElementsAre("a=2", "b"));
}

TEST(AnnotationQueryTest, BareKeyNeverOverridesTag) {
  EXPECT_THAT(Terms("a=1 and a"), ElementsAre("a=1"));
  EXPECT_THAT(Terms("a and a=1"), ElementsAre("a=1"));
  EXPECT_THAT(Terms("a and a"), ElementsAre("a"));
}

TEST(AnnotationQueryTest, EmptyValueIsABareTerm) {
  std::vector<QueryRequest::Term> terms = ParseAnnotationQuery("error=");
  ASSERT_EQ(terms.size(), 1u);
  EXPECT_EQ(terms[0].key, "error");
  EXPECT_FALSE(terms[0].value.has_value());
}

TEST(AnnotationQueryTest, KeepsEmptyKeysLikeZipkin) {
  // String.split keeps the trailing empty piece when given a limit.
  EXPECT_THAT(Terms("error and "), ElementsAre("error", ""));
  EXPECT_THAT(Terms(" and error"), ElementsAre("", "error"));
}

TEST(AnnotationQueryTest, AtMostOneHundredPieces) {
  std::string text;
  for (int i = 0; i < 150; ++i) text += (i > 0 ? " and k" : "k") + std::to_string(i);
  std::vector<std::string> terms = Terms(text);
  ASSERT_EQ(terms.size(), 100u);
  EXPECT_EQ(terms[98], "k98");
  EXPECT_EQ(terms[99].substr(0, 14), "k99 and k100 a");
  EXPECT_EQ(terms[99].substr(terms[99].size() - 4), "k149");
}

TEST(AnnotationQueryTest, FormatsLikeAnnotationQueryString) {
  EXPECT_EQ(FormatAnnotationQuery(ParseAnnotationQuery("http.method=GET and error and ")),
            "http.method=GET and error");
  EXPECT_EQ(FormatAnnotationQuery({}), "");
}

}  // namespace
}  // namespace cairn::storage
