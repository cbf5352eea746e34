// Propagator policy (format order, B3/W3C combination, stats, injection per span kind) and the
// TestHeaders carrier.
#include "cairn/trace/propagation.h"

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <vector>

#include "lib/trace/propagation_test_util.h"
#include "lib/trace/testing_headers.h"

namespace cairn::trace {
namespace {

using test::Ctx;
using test::Flags;
using test::kAccept;
using test::kDefer;
using test::kDeny;
using testing::TestHeaders;

const std::string kTid = "463ac35c9f6413ad48485a3953bb6124";
const std::string kSid = "a2fb4a1d1a96d312";
const std::string kParent = "0020000000000001";
const TraceContext kB3Context =
    Ctx(0x463ac35c9f6413ad, 0x48485a3953bb6124, 0xa2fb4a1d1a96d312, 0x0020000000000001, kAccept);
const std::string kW3C = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
const TraceContext kW3CContext =
    Ctx(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736, 0x00f067aa0ba902b7, 0, kAccept);
// The B3 context as W3C would carry it (same trace and span id, no parent).
const std::string kW3CSameTrace = "00-" + kTid + "-" + kSid + "-03";

struct ExtractCase {
  std::string name;
  TestHeaders headers;
  ExtractOutcome outcome;
  TraceContext context;
  std::string tracestate;
  bool random = false;
};

TEST(PropagatorExtract, FormatOrderAndCombination) {
  const std::vector<ExtractCase> cases = {
      {"nothing", {}, ExtractOutcome::kAbsent, {}, ""},
      {"b3 single",
       {{"b3", kTid + "-" + kSid + "-1-" + kParent}},
       ExtractOutcome::kContext,
       kB3Context,
       ""},
      {"b3 multi",
       {{"X-B3-TraceId", kTid},
        {"X-B3-SpanId", kSid},
        {"X-B3-ParentSpanId", kParent},
        {"X-B3-Sampled", "1"}},
       ExtractOutcome::kContext,
       kB3Context,
       ""},
      {"w3c only",
       {{"traceparent", kW3C}, {"tracestate", "congo=t61rcWkgMzE"}},
       ExtractOutcome::kContext,
       kW3CContext,
       "congo=t61rcWkgMzE"},
      {"b3 wins over w3c of another trace",
       {{"traceparent", kW3C},
        {"tracestate", "congo=1"},
        {"b3", kTid + "-" + kSid + "-1-" + kParent}},
       ExtractOutcome::kContext,
       kB3Context,
       ""},
      {"b3 wins and keeps tracestate of the same trace",
       {{"b3", kTid + "-" + kSid + "-1-" + kParent},
        {"traceparent", kW3CSameTrace},
        {"tracestate", "congo=1"}},
       ExtractOutcome::kContext,
       kB3Context,
       "congo=1",
       true},
      {"malformed b3 falls through to w3c",
       {{"b3", "garbage"}, {"traceparent", kW3C}},
       ExtractOutcome::kContext,
       kW3CContext,
       ""},
      {"malformed multi falls through to w3c",
       {{"X-B3-TraceId", kTid}, {"X-B3-Sampled", "1"}, {"traceparent", kW3C}},
       ExtractOutcome::kContext,
       kW3CContext,
       ""},
      {"b3 deny applies to w3c ids",
       {{"b3", "0"}, {"traceparent", kW3C}},
       ExtractOutcome::kContext,
       Ctx(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736, 0x00f067aa0ba902b7, 0, kDeny),
       ""},
      {"b3 debug applies to w3c ids",
       {{"X-B3-Flags", "1"}, {"traceparent", kW3C.substr(0, 53) + "00"}},
       ExtractOutcome::kContext,
       Ctx(0x4bf92f3577b34da6, 0xa3ce929d0e0e4736, 0x00f067aa0ba902b7, 0, kAccept, true),
       ""},
      {"flags only", {{"b3", "1"}}, ExtractOutcome::kFlagsOnly, Flags(kAccept), ""},
      {"flags only with malformed w3c",
       {{"b3", "d"}, {"traceparent", "ff-bad"}},
       ExtractOutcome::kFlagsOnly,
       Flags(kAccept, true),
       ""},
      {"malformed b3 only", {{"b3", "garbage"}}, ExtractOutcome::kMalformed, {}, ""},
      {"malformed w3c only",
       {{"traceparent", "garbage"}, {"tracestate", "a=1"}},
       ExtractOutcome::kMalformed,
       {},
       ""},
      {"both malformed",
       {{"X-B3-Sampled", "maybe"}, {"traceparent", kW3C}, {"traceparent", kW3C}},
       ExtractOutcome::kMalformed,
       {},
       ""},
      {"tracestate alone", {{"tracestate", "a=1"}}, ExtractOutcome::kAbsent, {}, ""},
  };
  Propagator propagator;
  for (const ExtractCase& c : cases) {
    SCOPED_TRACE(c.name);
    const Extracted got = propagator.Extract(c.headers);
    EXPECT_EQ(got.outcome, c.outcome);
    EXPECT_EQ(got.context, c.context);
    EXPECT_EQ(got.tracestate, c.tracestate);
    EXPECT_EQ(got.w3c_random_trace_id, c.random);
  }
  const PropagationStats& stats = propagator.stats();
  EXPECT_EQ(stats.extracted.load(), 11u);
  EXPECT_EQ(stats.malformed.load(), 3u);
  EXPECT_EQ(stats.absent.load(), 2u);
}

TEST(PropagatorExtract, OptionsSelectFormats) {
  const TestHeaders headers{{"b3", kTid + "-" + kSid + "-1-" + kParent}, {"traceparent", kW3C}};

  Propagator w3c_only(PropagationOptions{.extract_b3 = false});
  Extracted got = w3c_only.Extract(headers);
  EXPECT_EQ(got.outcome, ExtractOutcome::kContext);
  EXPECT_EQ(got.context, kW3CContext);

  Propagator b3_only(PropagationOptions{.extract_w3c = false});
  EXPECT_EQ(b3_only.Extract(headers).context, kB3Context);
  EXPECT_EQ(b3_only.Extract(TestHeaders{{"traceparent", kW3C}}).outcome, ExtractOutcome::kAbsent);
  EXPECT_EQ(b3_only.Extract(TestHeaders{{"traceparent", "bad"}}).outcome, ExtractOutcome::kAbsent);

  Propagator none(PropagationOptions{.extract_b3 = false, .extract_w3c = false});
  EXPECT_EQ(none.Extract(headers).outcome, ExtractOutcome::kAbsent);
  EXPECT_EQ(none.stats().absent.load(), 1u);
  EXPECT_EQ(none.stats().extracted.load(), 0u);
}

TEST(PropagatorInject, PerSpanKind) {
  struct Case {
    std::string name;
    PropagationOptions options;
    bool messaging;
    std::vector<TestHeaders::Entry> expected;
  };
  const std::string w3c_value = "00-" + kTid + "-" + kSid + "-01";
  const std::vector<Case> cases = {
      {"rpc: b3 multi + traceparent",
       {},
       false,
       {{"x-b3-traceid", kTid},
        {"x-b3-spanid", kSid},
        {"x-b3-parentspanid", kParent},
        {"x-b3-sampled", "1"},
        {"traceparent", w3c_value},
        {"tracestate", "rojo=1"}}},
      {"messaging: single b3 without parent + traceparent",
       {},
       true,
       {{"b3", kTid + "-" + kSid + "-1"}, {"traceparent", w3c_value}, {"tracestate", "rojo=1"}}},
      {"b3 only",
       {.inject_w3c = false},
       false,
       {{"x-b3-traceid", kTid},
        {"x-b3-spanid", kSid},
        {"x-b3-parentspanid", kParent},
        {"x-b3-sampled", "1"}}},
      {"b3 only, messaging", {.inject_w3c = false}, true, {{"b3", kTid + "-" + kSid + "-1"}}},
      {"w3c only",
       {.inject_b3 = false},
       true,
       {{"traceparent", w3c_value}, {"tracestate", "rojo=1"}}},
      {"nothing", {.inject_b3 = false, .inject_w3c = false}, false, {}},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.name);
    TestHeaders headers;
    Propagator(c.options).Inject(kB3Context, c.messaging, headers, "rojo=1");
    EXPECT_EQ(headers.entries(), c.expected);
  }
}

TEST(PropagatorInject, RandomFlagOnlyWhenVouchedFor) {
  TestHeaders headers;
  Propagator().Inject(kW3CContext, false, headers, "", /*w3c_random_trace_id=*/true);
  EXPECT_EQ(headers.Value("traceparent"), kW3C.substr(0, 53) + "03");
  headers.Clear();
  Propagator().Inject(kW3CContext, false, headers);
  EXPECT_EQ(headers.Value("traceparent"), kW3C);
}

TEST(PropagatorInject, FlagsOnlyContextWritesB3Decision) {
  TestHeaders rpc;
  Propagator().Inject(Flags(kDeny), false, rpc);
  EXPECT_EQ(rpc.entries(), (std::vector<TestHeaders::Entry>{{"x-b3-sampled", "0"}}));
  TestHeaders messaging;
  Propagator().Inject(Flags(kDeny), true, messaging);
  EXPECT_EQ(messaging.entries(), (std::vector<TestHeaders::Entry>{{"b3", "0"}}));
}

// What one service injects, the next extracts unchanged (except the messaging form's parent).
TEST(Propagator, RoundTrips) {
  const std::vector<TraceContext> contexts = {
      kB3Context,
      Ctx(0, 1, 2, 3, kDeny),
      Ctx(0, 1, 2, 0, kDefer),
      Ctx(7, 8, 9, 10, kAccept, true),
  };
  const Propagator propagator;
  for (const TraceContext& context : contexts) {
    for (bool messaging : {false, true}) {
      SCOPED_TRACE(::testing::PrintToString(context) + (messaging ? " messaging" : " rpc"));
      TestHeaders headers;
      propagator.Inject(context, messaging, headers, "rojo=1");
      const Extracted got = propagator.Extract(headers);
      TraceContext expected = context;
      if (messaging) expected.parent_id = 0;
      EXPECT_EQ(got.outcome, ExtractOutcome::kContext);
      EXPECT_EQ(got.context, expected);
      EXPECT_EQ(got.tracestate, "rojo=1");
    }
  }
}

// ---------------------------------------------------------------------------------------------
// TestHeaders

TEST(TestHeaders, CaseInsensitiveMultiMap) {
  TestHeaders headers{{"X-B3-TraceId", "a"}, {"Host", "h"}, {"x-b3-traceid", "b"}};
  std::string_view values[4];
  EXPECT_EQ(headers.Get("x-b3-traceid", values, 4), 2u);
  EXPECT_EQ(values[0], "a");
  EXPECT_EQ(values[1], "b");
  EXPECT_EQ(headers.Get("x-b3-traceid", values, 1), 2u) << "reports the total beyond max";
  EXPECT_EQ(headers.Get("missing", values, 4), 0u);
  EXPECT_EQ(headers.Count("X-B3-TRACEID"), 2u);

  headers.Set("x-b3-TRACEID", "c");
  EXPECT_EQ(headers.entries(),
            (std::vector<TestHeaders::Entry>{{"x-b3-TRACEID", "c"}, {"Host", "h"}}));
  headers.Set("New", "n");
  EXPECT_EQ(headers.Value("new"), "n");
  EXPECT_EQ(headers.set_calls(), 2u);
  headers.Remove("HOST");
  EXPECT_FALSE(headers.Contains("host"));
  EXPECT_EQ(headers.size(), 2u);
  EXPECT_EQ(headers.Value("absent"), std::nullopt);
  EXPECT_FALSE(TestHeaders::NameEquals("b3", "b4"));
  EXPECT_FALSE(TestHeaders::NameEquals("b3", "b3 "));
}

}  // namespace
}  // namespace cairn::trace
