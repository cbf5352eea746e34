// W3C Trace Context: every case of the w3c/trace-context test suite (test/test.py, including the
// Level 2 tracestate key grammar it checks since w3c/trace-context#584) plus spec examples.
#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "cairn/trace/propagation.h"
#include "lib/trace/propagation_test_util.h"
#include "lib/trace/testing_headers.h"
#include "lib/trace/w3c_tracestate.h"

namespace cairn::trace {
namespace {

using test::Ctx;
using test::Flags;
using test::kAccept;
using test::kDefer;
using test::kDeny;
using testing::TestHeaders;

// The suite's ids.
constexpr std::string_view kTid = "12345678901234567890123456789012";
constexpr std::string_view kPid = "1234567890123456";
const TraceContext kSuiteSampled =
    Ctx(0x1234567890123456, 0x7890123456789012, 0x1234567890123456, 0, kAccept);
const TraceContext kSuiteNotSampled =
    Ctx(0x1234567890123456, 0x7890123456789012, 0x1234567890123456, 0, kDeny);

std::string Traceparent(std::string_view flags) {
  return "00-" + std::string(kTid) + "-" + std::string(kPid) + "-" + std::string(flags);
}

struct TraceparentCase {
  std::string name;
  TestHeaders headers;
  ExtractOutcome outcome;
  TraceContext context;
  bool random = false;
};

void RunTraceparent(const std::vector<TraceparentCase>& cases) {
  for (const TraceparentCase& c : cases) {
    SCOPED_TRACE(c.name);
    const Extracted got = ExtractW3C(c.headers);
    EXPECT_EQ(got.outcome, c.outcome);
    EXPECT_EQ(got.context, c.outcome == ExtractOutcome::kContext ? c.context : TraceContext{});
    EXPECT_EQ(got.w3c_random_trace_id, c.random);
  }
}

TEST(W3CTraceparent, ValidValues) {
  const std::string tail = std::string(kTid) + "-" + std::string(kPid) + "-01";
  RunTraceparent({
      {"included", {{"traceparent", Traceparent("01")}}, ExtractOutcome::kContext, kSuiteSampled},
      {"not sampled",
       {{"traceparent", Traceparent("00")}},
       ExtractOutcome::kContext,
       kSuiteNotSampled},
      {"name TraceParent",
       {{"TraceParent", Traceparent("01")}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"name TrAcEpArEnT",
       {{"TrAcEpArEnT", Traceparent("01")}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"name TRACEPARENT",
       {{"TRACEPARENT", Traceparent("01")}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"version cc", {{"traceparent", "cc-" + tail}}, ExtractOutcome::kContext, kSuiteSampled},
      {"version cc with future fields",
       {{"traceparent", "cc-" + tail + "-what-the-future-will-be-like"}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"version fe",
       {{"traceparent", "fe-" + tail + "-"}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"OWS leading space",
       {{"traceparent", " " + Traceparent("01")}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"OWS leading tab",
       {{"traceparent", "\t" + Traceparent("01")}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"OWS trailing space",
       {{"traceparent", Traceparent("01") + " "}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"OWS trailing tab",
       {{"traceparent", Traceparent("01") + "\t"}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"OWS both",
       {{"traceparent", "\t " + Traceparent("01") + " \t"}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"spec example",
       {{"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"}},
       ExtractOutcome::kContext,
       Ctx(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736, 0x00f067aa0ba902b7, 0, kAccept)},
      // flags are a bit field: mask, do not compare
      {"random, sampled",
       {{"traceparent", Traceparent("03")}},
       ExtractOutcome::kContext,
       kSuiteSampled,
       true},
      {"random, not sampled",
       {{"traceparent", Traceparent("02")}},
       ExtractOutcome::kContext,
       kSuiteNotSampled,
       true},
      {"unknown flag bits",
       {{"traceparent", Traceparent("09")}},
       ExtractOutcome::kContext,
       kSuiteSampled},
      {"all flag bits",
       {{"traceparent", Traceparent("ff")}},
       ExtractOutcome::kContext,
       kSuiteSampled,
       true},
      {"unknown bits, not sampled",
       {{"traceparent", Traceparent("fc")}},
       ExtractOutcome::kContext,
       kSuiteNotSampled},
      // A zero high half is a 64-bit id; a zero low half is still a valid id.
      {"64-bit id",
       {{"traceparent", "00-0000000000000000000000000000002a-000000000000002b-01"}},
       ExtractOutcome::kContext,
       Ctx(0, 0x2a, 0x2b, 0, kAccept)},
      {"zero low half",
       {{"traceparent", "00-00000000000000010000000000000000-000000000000002b-00"}},
       ExtractOutcome::kContext,
       Ctx(1, 0, 0x2b, 0, kDeny)},
  });
}

TEST(W3CTraceparent, InvalidValuesRestartTheTrace) {
  const std::string t = std::string(kTid);
  const std::string p = std::string(kPid);
  const std::vector<std::string> values = {
      // test_traceparent_version_0x00
      Traceparent("01") + ".",
      Traceparent("01") + "-what-the-future-will-be-like",
      // test_traceparent_version_0xcc (third case)
      "cc-" + t + "-" + p + "-01.what-the-future-will-be-like",
      // test_traceparent_version_0xff
      "ff-" + t + "-" + p + "-01",
      // test_traceparent_version_illegal_characters
      ".0-" + t + "-" + p + "-01",
      "0.-" + t + "-" + p + "-01",
      // test_traceparent_version_too_long / too_short
      "000-" + t + "-" + p + "-01",
      "0000-" + t + "-" + p + "-01",
      "0-" + t + "-" + p + "-01",
      // test_traceparent_trace_id_all_zero / illegal_characters / too_long / too_short
      "00-00000000000000000000000000000000-" + p + "-01",
      "00-.2345678901234567890123456789012-" + p + "-01",
      "00-1234567890123456789012345678901.-" + p + "-01",
      "00-123456789012345678901234567890123-" + p + "-01",
      "00-1234567890123456789012345678901-" + p + "-01",
      // test_traceparent_parent_id_all_zero / illegal_characters / too_long / too_short
      "00-" + t + "-0000000000000000-01",
      "00-" + t + "-.234567890123456-01",
      "00-" + t + "-123456789012345.-01",
      "00-" + t + "-12345678901234567-01",
      "00-" + t + "-123456789012345-01",
      // test_traceparent_trace_flags_illegal_characters / too_long / too_short
      "00-" + t + "-" + p + "-.0",
      "00-" + t + "-" + p + "-0.",
      "00-" + t + "-" + p + "-001",
      "00-" + t + "-" + p + "-1",
      // HEXDIGLC: upper case is invalid in every field
      "0A-" + t + "-" + p + "-01",
      "00-4BF92F3577B34DA6A3CE929D0E0E4736-" + p + "-01",
      "00-" + t + "-00F067AA0BA902B7-01",
      "00-" + t + "-" + p + "-0A",
      // higher versions still need 55 chars and the same three fields
      "cc-" + t + "-" + p + "-0",
      "cc-" + t + "-" + p + "-01x",
      "cc-00000000000000000000000000000000-" + p + "-01-future",
      // separators, empty and whitespace-only values, OWS inside the value
      "00_" + t + "-" + p + "-01",
      "00-" + t + "_" + p + "-01",
      "00-" + t + "-" + p + "_01",
      "",
      "   ",
      "00- " + t.substr(1) + "-" + p + "-01",
      " \v" + Traceparent("01"),
  };
  for (const std::string& value : values) {
    SCOPED_TRACE("traceparent: " + value);
    TestHeaders headers{{"traceparent", value}, {"tracestate", "foo=1"}};
    const Extracted got = ExtractW3C(headers);
    EXPECT_EQ(got.outcome, ExtractOutcome::kMalformed);
    EXPECT_EQ(got.context, TraceContext{});
    EXPECT_TRUE(got.tracestate.empty()) << "tracestate MUST NOT be parsed";
  }
}

TEST(W3CTraceparent, HeaderPresenceRules) {
  RunTraceparent({
      {"missing", {}, ExtractOutcome::kAbsent, {}},
      {"tracestate without traceparent", {{"tracestate", "foo=1"}}, ExtractOutcome::kAbsent, {}},
      {"name trace-parent", {{"trace-parent", Traceparent("01")}}, ExtractOutcome::kAbsent, {}},
      {"name trace.parent", {{"trace.parent", Traceparent("01")}}, ExtractOutcome::kAbsent, {}},
      // test_traceparent_duplicated: even identical duplicates are ambiguous
      {"duplicated",
       {{"traceparent", "00-12345678901234567890123456789011-1234567890123456-01"},
        {"traceparent", Traceparent("01")}},
       ExtractOutcome::kMalformed,
       {}},
      {"duplicated identical",
       {{"traceparent", Traceparent("01")}, {"TraceParent", Traceparent("01")}},
       ExtractOutcome::kMalformed,
       {}},
  });
}

// ---------------------------------------------------------------------------------------------
// tracestate, through ExtractW3C as the suite exercises it

struct TracestateCase {
  std::string name;
  std::vector<std::string> lines;  // tracestate header lines
  std::string expected;            // combined result; empty when discarded
};

void RunTracestate(const std::vector<TracestateCase>& cases, std::string_view name = "tracestate") {
  for (const TracestateCase& c : cases) {
    SCOPED_TRACE(c.name);
    TestHeaders headers{{"traceparent", Traceparent("00")}};
    for (const std::string& line : c.lines) headers.Add(name, line);
    const Extracted got = ExtractW3C(headers);
    ASSERT_EQ(got.outcome, ExtractOutcome::kContext) << "tracestate never affects traceparent";
    EXPECT_EQ(got.context, kSuiteNotSampled);
    EXPECT_EQ(got.tracestate, c.expected);
  }
}

std::string Members(int from, int to) {
  std::string out;
  for (int i = from; i <= to; ++i) {
    const std::string n = (i < 10 ? "0" : "") + std::to_string(i);
    out += (out.empty() ? "" : ",") + ("bar" + n + "=" + n);
  }
  return out;
}

TEST(W3CTracestate, SuiteCases) {
  std::string lcalpha;
  for (char c = 'a'; c <= 'z'; ++c) lcalpha.push_back(c);
  const std::string key_without_vendor = lcalpha + "0123456789_-*/";
  const std::string key_with_vendor = key_without_vendor + "@a-z0-9_-*/";
  std::string value;  // 0x20-0x2b, 0x2d-0x3c, 0x3e-0x7e: starts with a space
  for (char c = 0x20; c <= 0x7e; ++c) {
    if (c != ',' && c != '=') value.push_back(c);
  }
  RunTracestate({
      {"included", {"foo=1,bar=2"}, "foo=1,bar=2"},
      {"empty header", {""}, ""},
      {"value then empty", {"foo=1", ""}, "foo=1"},
      {"empty then value", {"", "foo=1"}, "foo=1"},
      {"multiple headers, different keys",
       {"foo=1,bar=2", "rojo=1,congo=2", "baz=3"},
       "foo=1,bar=2,rojo=1,congo=2,baz=3"},
      {"duplicated keys", {"foo=1,foo=1"}, ""},
      {"duplicated keys, different values", {"foo=1,foo=2"}, ""},
      {"duplicated keys across headers", {"foo=1", "foo=1"}, ""},
      {"duplicated keys across headers, different values", {"foo=1", "foo=2"}, ""},
      {"all allowed characters",
       {key_without_vendor + "=" + value},
       key_without_vendor + "=" + value},
      {"all allowed characters with vendor",
       {key_with_vendor + "=" + value},
       key_with_vendor + "=" + value},
      {"OWS around commas", {"foo=1 \t , \t bar=2, \t baz=3"}, "foo=1,bar=2,baz=3"},
      {"OWS tabs", {"foo=1\t \t,\t \tbar=2,\t \tbaz=3"}, "foo=1,bar=2,baz=3"},
      {"leading space", {" foo=1"}, "foo=1"},
      {"leading tab", {"\tfoo=1"}, "foo=1"},
      {"trailing space", {"foo=1 "}, "foo=1"},
      {"trailing tab", {"foo=1\t"}, "foo=1"},
      {"both", {"\t foo=1 \t"}, "foo=1"},
      {"key with space", {"foo =1"}, ""},
      {"upper-case key", {"FOO=1"}, ""},
      {"key with dot", {"foo.bar=1"}, ""},
      // test_tracestate_key_illegal_vendor_format under the Level 2 grammar: only a leading `@`
      // is illegal
      {"key starting with @", {"@foo=1,bar=2"}, ""},
      {"key ending with @", {"foo@=1,bar=2"}, "foo@=1,bar=2"},
      {"key with @@", {"foo@@bar=1,bar=2"}, "foo@@bar=1,bar=2"},
      {"key with two @", {"foo@bar@baz=1,bar=2"}, "foo@bar@baz=1,bar=2"},
      {"32 members",
       {Members(1, 10), Members(11, 20), Members(21, 30), Members(31, 32)},
       Members(1, 32)},
      {"33 members", {Members(1, 10), Members(11, 20), Members(21, 30), Members(31, 33)}, ""},
      {"key of 256",
       {"foo=1", std::string(256, 'z') + "=1"},
       "foo=1," + std::string(256, 'z') + "=1"},
      {"key of 257", {"foo=1", std::string(257, 'z') + "=1"}, ""},
      {"tenant 241, vendor 14",
       {"foo=1", std::string(241, 't') + "@" + std::string(14, 'v') + "=1"},
       "foo=1," + std::string(241, 't') + "@" + std::string(14, 'v') + "=1"},
      {"tenant 242",
       {"foo=1", std::string(242, 't') + "@v=1"},
       "foo=1," + std::string(242, 't') + "@v=1"},
      {"vendor 15",
       {"foo=1", "t@" + std::string(15, 'v') + "=1"},
       "foo=1,t@" + std::string(15, 'v') + "=1"},
      {"value with =", {"foo=bar=baz"}, ""},
      {"empty value", {"foo=,bar=3"}, ""},
  });
}

TEST(W3CTracestate, MoreCases) {
  RunTracestate({
      {"empty members", {"foo=1,,bar=2, ,\t,"}, "foo=1,bar=2"},
      {"only commas", {",,,", " , "}, ""},
      {"digit-first key", {"1abc=1"}, "1abc=1"},
      {"leading space in value is kept", {"foo= bar"}, "foo= bar"},
      {"inner space in value", {"foo=a b"}, "foo=a b"},
      {"value of 256", {"foo=" + std::string(256, 'v')}, "foo=" + std::string(256, 'v')},
      {"value of 257", {"foo=" + std::string(257, 'v')}, ""},
      {"tab inside value", {"foo=a\tb"}, ""},
      {"control char in value", {"foo=a\x01z"}, ""},
      {"non-ASCII value", {"foo=caf\xc3\xa9"}, ""},
      {"no equals sign", {"foo"}, ""},
      {"empty key", {"=1"}, ""},
      {"key with upper case later", {"fOo=1"}, ""},
      {"one bad member discards all", {"foo=1,bar=2", "BAD=3"}, ""},
      {"b3 rides in tracestate",
       {"b3=463ac35c9f6413ad-a2fb4a1d1a96d312-1,rojo=00f067aa0ba902b7"},
       "b3=463ac35c9f6413ad-a2fb4a1d1a96d312-1,rojo=00f067aa0ba902b7"},
      {"empty members do not count toward 32", {Members(1, 32) + ",,,"}, Members(1, 32)},
      {"ten header lines",
       {"a0=0", "a1=1", "a2=2", "a3=3", "a4=4", "a5=5", "a6=6", "a7=7", "a8=8", "a9=9"},
       "a0=0,a1=1,a2=2,a3=3,a4=4,a5=5,a6=6,a7=7,a8=8,a9=9"},
  });
  RunTracestate({{"name TrAcEsTaTe", {"foo=1"}, "foo=1"}}, "TrAcEsTaTe");
  RunTracestate({{"name TRACESTATE", {"foo=1"}, "foo=1"}}, "TRACESTATE");
  RunTracestate({{"name trace-state", {"foo=1"}, ""}}, "trace-state");
  RunTracestate({{"name trace.state", {"foo=1"}, ""}}, "trace.state");
}

TEST(W3CTracestate, KeyAndValueGrammar) {
  using w3c_internal::IsValidTracestateKey;
  using w3c_internal::IsValidTracestateValue;
  for (std::string_view key : {"a", "0", "z9", "a_-*/@", "9@", "abc@def@ghi"}) {
    EXPECT_TRUE(IsValidTracestateKey(key)) << key;
  }
  for (std::string_view key :
       {"", "_a", "-a", "*a", "/a", "@a", "A", "aB", "a b", "a.b", "a=b", "a,b", "\xc3\xa9"}) {
    EXPECT_FALSE(IsValidTracestateKey(key)) << key;
  }
  for (std::string_view value : {"1", " 1", "a b", "!", "~", "\"quoted\""}) {
    EXPECT_TRUE(IsValidTracestateValue(value)) << value;
  }
  for (std::string_view value : {"", " ", "a ", "a,b", "a=b", "a\tb", "\x7f", "\x1f"}) {
    EXPECT_FALSE(IsValidTracestateValue(value)) << value;
  }
}

// ---------------------------------------------------------------------------------------------
// Injection

TEST(W3CInject, WritesVersion00LowerCase) {
  struct Case {
    TraceContext context;
    bool random;
    std::string expected;
  };
  const std::vector<Case> cases = {
      {Ctx(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736, 0x00f067aa0ba902b7, 0, kAccept), false,
       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
      {Ctx(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736, 0x00f067aa0ba902b7, 0, kDeny), false,
       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00"},
      // W3C has no defer: not sampled
      {Ctx(0, 0x2a, 0x2b, 0x2c, kDefer), false,
       "00-0000000000000000000000000000002a-000000000000002b-00"},
      // debug is an emphasised accept
      {Ctx(0, 0x2a, 0x2b, 0, kDeny, true), false,
       "00-0000000000000000000000000000002a-000000000000002b-01"},
      {Ctx(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736, 0x00f067aa0ba902b7, 0, kAccept), true,
       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-03"},
      {Ctx(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736, 0x00f067aa0ba902b7, 0, kDeny), true,
       "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-02"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.expected);
    TestHeaders headers;
    InjectW3C(c.context, "", headers, c.random);
    ASSERT_EQ(headers.size(), 1u) << "no tracestate when empty";
    EXPECT_EQ(headers.entries()[0].first, "traceparent");
    EXPECT_EQ(headers.entries()[0].second, c.expected);
  }
}

TEST(W3CInject, TracestateAndNothingWithoutIds) {
  TestHeaders headers{{"TraceState", "old=1"}};
  InjectW3C(Ctx(0, 1, 2, 0, kAccept), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE", headers);
  EXPECT_EQ(headers.Value("traceparent"),
            "00-00000000000000000000000000000001-0000000000000002-01");
  EXPECT_EQ(headers.Count("tracestate"), 1u);
  EXPECT_EQ(headers.Value("tracestate"), "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE");

  TestHeaders none;
  InjectW3C(Flags(kAccept, true), "foo=1", none);
  EXPECT_TRUE(none.empty()) << "traceparent cannot carry a decision without ids";
  EXPECT_EQ(none.set_calls(), 0u);
}

TEST(W3CInject, RoundTrips) {
  const std::vector<TraceContext> contexts = {
      Ctx(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736, 0x00f067aa0ba902b7, 0, kAccept),
      Ctx(0, 1, 2, 0, kDeny),
      Ctx(~0ull, ~0ull, ~0ull, 0, kAccept),
      Ctx(1, 0, 1, 0, kDeny),
  };
  for (const TraceContext& context : contexts) {
    for (bool random : {false, true}) {
      SCOPED_TRACE(::testing::PrintToString(context));
      TestHeaders headers;
      InjectW3C(context, "vendor=x", headers, random);
      const Extracted got = ExtractW3C(headers);
      EXPECT_EQ(got.outcome, ExtractOutcome::kContext);
      EXPECT_EQ(got.context, context);
      EXPECT_EQ(got.w3c_random_trace_id, random);
      EXPECT_EQ(got.tracestate, "vendor=x");
    }
  }
}

}  // namespace
}  // namespace cairn::trace
