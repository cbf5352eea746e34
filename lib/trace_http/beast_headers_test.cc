#include "lib/trace_http/beast_headers.h"

#include <gtest/gtest.h>

#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>

namespace cairn::trace_http {
namespace {

namespace http = boost::beast::http;

TEST(BeastHeaderReaderTest, MatchesNamesCaseInsensitively) {
  http::fields fields;
  fields.insert("X-B3-TraceId", "463ac35c9f6413ad");
  BeastHeaderReader reader(fields);
  std::string_view value;
  EXPECT_EQ(reader.Get("x-b3-traceid", &value, 1), 1u);
  EXPECT_EQ(value, "463ac35c9f6413ad");
  EXPECT_EQ(reader.Get("x-b3-spanid", &value, 1), 0u);
}

TEST(BeastHeaderReaderTest, ReturnsEveryValueInOrderAndTheTotal) {
  http::fields fields;
  fields.insert("tracestate", "a=1");
  fields.insert("Content-Type", "text/plain");
  fields.insert("TraceState", "b=2");
  fields.insert("TRACESTATE", "c=3");
  BeastHeaderReader reader(fields);
  std::string_view values[2];
  EXPECT_EQ(reader.Get("tracestate", values, 2), 3u);
  EXPECT_EQ(values[0], "a=1");
  EXPECT_EQ(values[1], "b=2");
  EXPECT_EQ(reader.Get("tracestate", nullptr, 0), 3u);
}

TEST(BeastHeaderReaderTest, ReadsARequestHeader) {
  http::request<http::string_body> request{http::verb::get, "/", 11};
  request.set("b3", "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1");
  BeastHeaderReader reader(request);
  std::string_view value;
  ASSERT_EQ(reader.Get("b3", &value, 1), 1u);
  EXPECT_EQ(value, "80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1");
}

TEST(BeastHeaderWriterTest, ReplacesEveryValueOfTheName) {
  http::fields fields;
  fields.insert("X-B3-SpanId", "1111111111111111");
  fields.insert("x-b3-spanid", "2222222222222222");
  BeastHeaderWriter writer(fields);
  writer.Set("x-b3-spanid", "e457b5a2e4d86bd1");
  writer.Set("traceparent", "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01");
  EXPECT_EQ(fields.count("X-B3-SpanId"), 1u);
  EXPECT_EQ(fields["X-B3-SpanId"], "e457b5a2e4d86bd1");
  EXPECT_EQ(fields["traceparent"], "00-80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-01");
}

}  // namespace
}  // namespace cairn::trace_http
