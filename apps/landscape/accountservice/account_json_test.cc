// The accountservice's JSON: the answer's exact shape, decoding downstream answers (and refusing
// what is not one), the fallbacks, the VIP message and its timestamp.
#include "apps/landscape/accountservice/account_json.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "apps/landscape/accountservice/downstreams.h"

namespace cairn::accountservice {
namespace {

using std::chrono::microseconds;
using std::chrono::seconds;
using std::chrono::system_clock;
using ::testing::HasSubstr;

TEST(AccountJsonTest, ResponseHasTheOriginalShapeAndOrder) {
  const std::string body =
      EncodeAccountResponse({"10000", "Person_0"}, "10.0.0.12",
                            {"To be or not to be", "461caa3cef02/10.0.0.5:8080", "en"},
                            {"http://imageservice:7777/file/cake.jpg", "10.0.0.9"});
  EXPECT_EQ(
      body,
      R"({"id":"10000","name":"Person_0","servedBy":"10.0.0.12",)"
      R"("quote":{"quote":"To be or not to be","ipAddress":"461caa3cef02/10.0.0.5:8080",)"
      R"("language":"en"},)"
      R"("imageData":{"url":"http://imageservice:7777/file/cake.jpg","servedBy":"10.0.0.9"}})");
}

TEST(AccountJsonTest, ResponseEscapesWhatDownstreamsSent) {
  const std::string body = EncodeAccountResponse(
      {"1", "N"}, "ip", {"say \"hi\"\n\x01", "a\\b", "sv"}, {"u", "</script>"});
  boost::system::error_code ec;
  boost::json::value parsed = boost::json::parse(body, ec);
  ASSERT_FALSE(ec) << body;
  EXPECT_EQ(parsed.at("quote").at("quote").as_string(), "say \"hi\"\n\x01");
  EXPECT_EQ(parsed.at("quote").at("ipAddress").as_string(), "a\\b");
  EXPECT_EQ(parsed.at("imageData").at("servedBy").as_string(), "</script>");
}

TEST(AccountJsonTest, FallbacksAreTheOriginals) {
  EXPECT_EQ(FallbackQuote(),
            (Quote{"May the source be with you, always.", "circuit-breaker", "en"}));
  EXPECT_EQ(FallbackImageData(), (ImageData{"http://path.to.placeholder", "fallback"}));
  EXPECT_EQ(
      EncodeAccountResponse({"10001", "Person_1"}, "1.2.3.4", FallbackQuote(), FallbackImageData()),
      R"({"id":"10001","name":"Person_1","servedBy":"1.2.3.4",)"
      R"("quote":{"quote":"May the source be with you, always.",)"
      R"("ipAddress":"circuit-breaker","language":"en"},)"
      R"("imageData":{"url":"http://path.to.placeholder","servedBy":"fallback"}})");
}

TEST(AccountJsonTest, DecodesQuotes) {
  Result<Quote> quote =
      DecodeQuote(R"({"quote":"Q","ipAddress":"h/1.2.3.4:8080","language":"sv","x":1})");
  ASSERT_TRUE(quote.ok()) << quote.status().ToString();
  EXPECT_EQ(*quote, (Quote{"Q", "h/1.2.3.4:8080", "sv"}));
}

TEST(AccountJsonTest, RefusesWhatIsNotAQuote) {
  const std::pair<const char*, const char*> cases[] = {
      {"", "not JSON"},
      {"{\"quote\":", "not JSON"},
      {"[]", "not a JSON object"},
      {"\"text\"", "not a JSON object"},
      {R"({"ipAddress":"a","language":"en"})", "no string \"quote\""},
      {R"({"quote":1,"ipAddress":"a","language":"en"})", "no string \"quote\""},
      {R"({"quote":"q","ipAddress":null,"language":"en"})", "no string \"ipAddress\""},
      {R"({"quote":"q","ipAddress":"a"})", "no string \"language\""},
      {R"({"error":"strength must be an integer from 4 to 14"})", "no string \"quote\""},
  };
  for (const auto& [json, why] : cases) {
    Result<Quote> quote = DecodeQuote(json);
    ASSERT_FALSE(quote.ok()) << json;
    EXPECT_EQ(quote.status().code(), StatusCode::kInvalidArgument);
    EXPECT_THAT(quote.status().message(), HasSubstr(why)) << json;
  }
}

TEST(AccountJsonTest, DecodesImageDataAndRefusesOtherBodies) {
  Result<ImageData> image =
      DecodeImageData(R"({"url":"http://imageservice:7777/file/cake.jpg","servedBy":"10.0.0.9"})");
  ASSERT_TRUE(image.ok());
  EXPECT_EQ(*image, (ImageData{"http://imageservice:7777/file/cake.jpg", "10.0.0.9"}));

  for (const char* json : {"", "{}", R"({"url":"u"})", R"({"url":7,"servedBy":"s"})",
                           R"({"url":"","servedBy":"s"})", "\xff\xfe"}) {
    EXPECT_FALSE(DecodeImageData(json).ok()) << json;
  }
}

TEST(AccountJsonTest, FormatsRfc3339InUtcWithMicroseconds) {
  const system_clock::time_point t = system_clock::time_point(seconds(1714564800)) +
                                     microseconds(123456);  // 2024-05-01T12:00:00.123456Z
  EXPECT_EQ(FormatRfc3339Utc(t), "2024-05-01T12:00:00.123456Z");
  EXPECT_EQ(FormatRfc3339Utc(system_clock::time_point()), "1970-01-01T00:00:00.000000Z");
  EXPECT_EQ(FormatRfc3339Utc(system_clock::time_point() - microseconds(1)),
            "1969-12-31T23:59:59.999999Z");
}

TEST(AccountJsonTest, VipNotificationCarriesIdAndReadTime) {
  const system_clock::time_point t = system_clock::time_point(seconds(1714564800));
  EXPECT_EQ(EncodeVipNotification("10000", t),
            R"({"accountId":"10000","readAt":"2024-05-01T12:00:00.000000Z"})");
}

TEST(AccountJsonTest, PathSegmentsArePercentEncoded) {
  EXPECT_EQ(EncodePathSegment("10000"), "10000");
  EXPECT_EQ(EncodePathSegment("a-b_c.d~"), "a-b_c.d~");
  EXPECT_EQ(EncodePathSegment("../x y/%?#"), "..%2Fx%20y%2F%25%3F%23");
  EXPECT_EQ(EncodePathSegment("\xc3\xa9"), "%C3%A9");
}

}  // namespace
}  // namespace cairn::accountservice
