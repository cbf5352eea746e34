#include "tools/landscape_check/trace_table.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <string>

#include "lib/model/json_v2_writer.h"
#include "tools/support/landscape_spans.h"

namespace cairn::tools {
namespace {

namespace json = boost::json;

// A generated landscape trace as the query API returns it. The generator follows the spec's
// table, so it is the positive example; tests break it one way at a time.
json::array GeneratedTrace(int account_id) {
  LandscapeSpanGenerator generator(/*seed=*/7, /*quote_error_rate=*/0);
  std::vector<trace::SpanRecordPtr> spans;
  generator.AppendTrace(trace::TraceId{1, 2}, 1'700'000'000'000'000, spans, account_id);
  std::string out = "[";
  for (const trace::SpanRecordPtr& span : spans) {
    if (out.size() > 1) out += ",";
    model::AppendJsonV2(*span, out);
  }
  out += "]";
  return json::parse(out).as_array();
}

json::object& SpanNamed(json::array& spans, std::string_view service, std::string_view name) {
  for (json::value& span : spans) {
    json::object& object = span.as_object();
    if (object["name"].as_string() == name &&
        object["localEndpoint"].as_object()["serviceName"].as_string() == service) {
      return object;
    }
  }
  ADD_FAILURE() << "no span " << name;
  static json::object none;
  return none;
}

std::string Joined(const std::vector<std::string>& failures) {
  std::string out;
  for (const std::string& failure : failures) out += failure + "\n";
  return out;
}

TraceTableExpectations Expect(bool vip) { return {true, vip, "", false, false}; }

TEST(TraceTable, GeneratedVipAndRegularTracesHold) {
  EXPECT_EQ(Joined(CheckTraceTable(GeneratedTrace(10000), Expect(true))), "");
  EXPECT_EQ(Joined(CheckTraceTable(GeneratedTrace(10042), Expect(false))), "");
}

TEST(TraceTable, MissingConsumerIsReported) {
  json::array spans = GeneratedTrace(10000);
  json::object& consumer = SpanNamed(spans, "vipservice", "vipservice#onmessage");
  consumer["name"] = "something else";
  EXPECT_EQ(Joined(CheckTraceTable(spans, Expect(true))),
            "missing span: vipservice 'vipservice#onmessage' CONSUMER\n");
}

TEST(TraceTable, MessagingSpansOfARegularAccountAreReported) {
  EXPECT_EQ(Joined(CheckTraceTable(GeneratedTrace(10000), Expect(false))),
            "messaging spans in the trace of a non-VIP account\n");
}

TEST(TraceTable, WrongParentIsReported) {
  json::array spans = GeneratedTrace(10042);
  json::object& server = SpanNamed(spans, "quotes-service", "getquote");
  server["parentId"] = "00000000000000aa";
  std::string failures = Joined(CheckTraceTable(spans, Expect(false)));
  EXPECT_NE(failures.find("parent 00000000000000aa is not accountservice's getquote CLIENT span"),
            std::string::npos)
      << failures;
}

TEST(TraceTable, CallerSpanMustBeTheEdgeParent) {
  TraceTableExpectations expected = Expect(false);
  expected.caller_span_id = "00000000000000bb";
  std::string failures = Joined(CheckTraceTable(GeneratedTrace(10042), expected));
  EXPECT_NE(failures.find("edge-server 'get /api/accounts/{id}' SERVER"), std::string::npos)
      << failures;
  EXPECT_NE(failures.find("is not the caller's span"), std::string::npos) << failures;
}

TEST(TraceTable, WithoutEdgeTheEdgeRowsAreNotExpectedButParentsAre) {
  TraceTableExpectations expected = Expect(false);
  expected.through_edge = false;
  // The generated trace came through the edge, so getaccount's parent is not the root.
  EXPECT_EQ(Joined(CheckTraceTable(GeneratedTrace(10042), expected)).rfind(
                "accountservice 'getaccount' SERVER", 0),
            0u);
}

TEST(TraceTable, FallbackNeedsAnErrorTagAndNoServerSpan) {
  json::array spans = GeneratedTrace(10042);
  TraceTableExpectations expected = Expect(false);
  expected.quote_fallback = true;
  std::string failures = Joined(CheckTraceTable(spans, expected));
  EXPECT_NE(failures.find("no tag error"), std::string::npos) << failures;
  SpanNamed(spans, "accountservice", "getquote")["tags"].as_object()["error"] = "timeout";
  EXPECT_EQ(Joined(CheckTraceTable(spans, expected)), "");
}

TEST(TraceTable, RetriedCallsHaveOneClientSpanPerAttempt) {
  json::array spans = GeneratedTrace(10042);
  json::object retry = SpanNamed(spans, "accountservice", "getquote");
  retry["id"] = "00000000000000cc";
  spans.push_back(retry);
  EXPECT_EQ(Joined(CheckTraceTable(spans, Expect(false))), "");

  // When the call fell back, every attempt must say why.
  spans = GeneratedTrace(10042);
  TraceTableExpectations expected = Expect(false);
  expected.quote_fallback = true;
  SpanNamed(spans, "accountservice", "getquote")["tags"].as_object()["error"] = "503";
  retry = SpanNamed(spans, "accountservice", "getquote");
  retry["id"] = "00000000000000cc";
  retry["tags"].as_object().erase("error");
  spans.push_back(retry);
  std::string failures = Joined(CheckTraceTable(spans, expected));
  EXPECT_NE(failures.find("00000000000000cc: no tag error"), std::string::npos) << failures;
}

TEST(TraceTable, MissingHttpTagIsReported) {
  json::array spans = GeneratedTrace(10042);
  SpanNamed(spans, "imageservice", "getaccountimage")["tags"].as_object().erase("http.path");
  std::string failures = Joined(CheckTraceTable(spans, Expect(false)));
  EXPECT_NE(failures.find("'getaccountimage' SERVER"), std::string::npos) << failures;
  EXPECT_NE(failures.find("no tag http.path"), std::string::npos) << failures;
}

}  // namespace
}  // namespace cairn::tools
