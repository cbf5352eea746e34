#include "apps/landscape/quotes-service/quotes.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>

namespace cairn::quotes {
namespace {

using ::testing::HasSubstr;
using ::testing::MatchesRegex;

TEST(QuotesTest, ParsesStrength) {
  EXPECT_EQ(*ParseStrength(std::nullopt, 12), 12);
  EXPECT_EQ(*ParseStrength("4", 12), 4);
  EXPECT_EQ(*ParseStrength("14", 12), 14);
  for (const char* bad :
       {"3", "15", "-4", "", "abc", "4.5", " 4", "4 ", "+5", "0x5", "99999999999999999999"}) {
    Result<int> parsed = ParseStrength(std::string(bad), 12);
    ASSERT_FALSE(parsed.ok()) << bad;
    EXPECT_EQ(parsed.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(parsed.status().message(), HasSubstr("strength must be an integer from 4 to 14"));
  }
  EXPECT_THAT(ParseStrength(std::string(100, '9'), 12).status().message(), HasSubstr("...\""));
}

TEST(QuotesTest, ParsesLanguage) {
  EXPECT_EQ(*ParseLanguage(std::nullopt, "en"), "en");
  EXPECT_EQ(*ParseLanguage("sv", "en"), "sv");
  EXPECT_THAT(ParseLanguage("de", "en").status().message(),
              HasSubstr("language must be en or sv, got \"de\""));
  EXPECT_FALSE(ParseLanguage("", "en").ok());
}

TEST(QuotesTest, PicksQuotesOfTheLanguage) {
  std::set<std::string_view> seen;
  for (int i = 0; i < 200; ++i) {
    std::string_view quote = PickQuote("sv");
    ASSERT_FALSE(quote.empty());
    seen.insert(quote);
  }
  EXPECT_EQ(seen.size(), QuotesFor("sv").size());  // all of them, none from elsewhere
  for (std::string_view quote : seen) {
    EXPECT_NE(std::find(QuotesFor("sv").begin(), QuotesFor("sv").end(), quote),
              QuotesFor("sv").end());
  }
  EXPECT_TRUE(PickQuote("de").empty());
}

TEST(QuotesTest, BcryptHashIsRealAndSalted) {
  Result<std::string> a = BcryptHash("To be or not to be", 4);
  Result<std::string> b = BcryptHash("To be or not to be", 4);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  ASSERT_TRUE(b.ok());
  EXPECT_THAT(*a, MatchesRegex("\\$2b\\$04\\$[./A-Za-z0-9]{53}"));
  EXPECT_NE(*a, *b);  // random salts
  EXPECT_TRUE(BcryptVerify("To be or not to be", *a));
  EXPECT_FALSE(BcryptVerify("To be or not to bee", *a));
  EXPECT_THAT(*BcryptHash("x", 5), ::testing::StartsWith("$2b$05$"));
  EXPECT_EQ(BcryptHash("x", 3).status().code(), StatusCode::kInvalidArgument);
}

TEST(QuotesTest, QuoteJsonEscapes) {
  EXPECT_EQ(QuoteJson("say \"hi\"", "host/10.0.0.5:8080", "en"),
            "{\"quote\":\"say \\\"hi\\\"\",\"ipAddress\":\"host/10.0.0.5:8080\","
            "\"language\":\"en\"}");
}

}  // namespace
}  // namespace cairn::quotes
