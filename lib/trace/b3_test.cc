// B3 single and multi-header extraction and injection. Vectors come from Brave's
// B3SingleFormatTest / B3PropagationTest (openzipkin/brave) and the b3-propagation README.
#include <gtest/gtest.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/trace/propagation.h"
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

// Brave's test ids.
const std::string kHigh = "0000000000000009";
const std::string kTid = "0000000000000001";
const std::string kParent = "0000000000000002";
const std::string kSid = "0000000000000003";

struct Case {
  std::string input;
  ExtractOutcome outcome;
  TraceContext context;  // checked for kContext and kFlagsOnly
};

void ExpectExtracted(const Extracted& got, const Case& want) {
  EXPECT_EQ(got.outcome, want.outcome);
  if (want.outcome == ExtractOutcome::kContext || want.outcome == ExtractOutcome::kFlagsOnly) {
    EXPECT_EQ(got.context, want.context);
  } else {
    EXPECT_EQ(got.context, TraceContext{}) << "no partial context on failure";
  }
  EXPECT_TRUE(got.tracestate.empty());
}

TEST(B3SingleExtract, ValidValues) {
  const std::vector<Case> cases = {
      // ids only: sampling deferred
      {kTid + "-" + kSid, ExtractOutcome::kContext, Ctx(0, 1, 3)},
      {kTid + kTid + "-" + kSid, ExtractOutcome::kContext, Ctx(1, 1, 3)},
      {kTid + "-" + kSid + "-0", ExtractOutcome::kContext, Ctx(0, 1, 3, 0, kDeny)},
      {kTid + "-" + kSid + "-1", ExtractOutcome::kContext, Ctx(0, 1, 3, 0, kAccept)},
      {kTid + "-" + kSid + "-d", ExtractOutcome::kContext, Ctx(0, 1, 3, 0, kAccept, true)},
      {kTid + "-" + kSid + "-0-" + kParent, ExtractOutcome::kContext, Ctx(0, 1, 3, 2, kDeny)},
      {kTid + "-" + kSid + "-1-" + kParent, ExtractOutcome::kContext, Ctx(0, 1, 3, 2, kAccept)},
      {kTid + "-" + kSid + "-d-" + kParent, ExtractOutcome::kContext,
       Ctx(0, 1, 3, 2, kAccept, true)},
      // Brave's parseB3SingleFormat_parentid_notYetSampled: "odd but possible".
      {kTid + "-" + kSid + "-" + kParent, ExtractOutcome::kContext, Ctx(0, 1, 3, 2, kDefer)},
      // The largest value, exactly 68 chars.
      {kHigh + kTid + "-" + kSid + "-1-" + kParent, ExtractOutcome::kContext,
       Ctx(9, 1, 3, 2, kAccept)},
      // README example.
      {"80f198ee56343ba864fe8b2a57d3eff7-e457b5a2e4d86bd1-1-05e3ac9a4f6e3b90",
       ExtractOutcome::kContext,
       Ctx(0x80f198ee56343ba8, 0x64fe8b2a57d3eff7, 0xe457b5a2e4d86bd1, 0x05e3ac9a4f6e3b90,
           kAccept)},
      // A 128-bit id whose high half is zero is a 64-bit id; one whose low half is zero is valid.
      {"0000000000000000" + kTid + "-" + kSid, ExtractOutcome::kContext, Ctx(0, 1, 3)},
      {kHigh + "0000000000000000-" + kSid, ExtractOutcome::kContext, Ctx(9, 0, 3)},
      {"ffffffffffffffffffffffffffffffff-ffffffffffffffff", ExtractOutcome::kContext,
       Ctx(~0ull, ~0ull, ~0ull)},
      // Sampling state only.
      {"0", ExtractOutcome::kFlagsOnly, Flags(kDeny)},
      {"1", ExtractOutcome::kFlagsOnly, Flags(kAccept)},
      {"d", ExtractOutcome::kFlagsOnly, Flags(kAccept, true)},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE("b3: " + c.input);
    ExpectExtracted(ExtractB3Single(c.input), c);
  }
}

TEST(B3SingleExtract, MalformedValues) {
  const std::string p15 = kParent.substr(0, 15);
  const std::vector<std::string> cases = {
      "",
      // one char that is not a decision
      "-",
      "x",
      "D",
      "2",
      " ",
      // Brave's parseB3SingleFormat_truncated
      "-1",
      "1-",
      kTid.substr(0, 15),
      kTid,
      kTid + "-",
      kTid.substr(0, 15) + "-" + kSid,
      kTid + "-" + kSid.substr(0, 15),
      kTid + "-" + kSid + "-",
      kTid + "-" + kSid + "-1-",
      kTid + "-" + kSid + "-1-" + p15,
      kTid + "-" + kSid + "-d-",
      // the pre-`d` debug encodings are gone from the format
      "1-1",
      "0-1",
      "1-0",
      kTid + "-" + kSid + "-1-1",
      kTid + "-" + kSid + "-1-" + kParent + "-1",
      kTid + "-" + kSid + "-0-" + kParent + "-d",
      // Brave's malformed vectors
      kTid.substr(0, 15) + "?-" + kSid,
      kTid + "-" + kSid.substr(0, 15) + "?",
      kTid + "-" + kSid + "-1-" + p15 + "?",
      kTid + "-" + kSid + "-1!" + kParent,
      kTid + "-" + kSid + "-" + p15 + "?",
      "not-a-tumor",
      "b970dafd-0d95-40aa-95d8-1d8725aebe40",
      // ids of the wrong length
      kTid + kTid + "a-" + kSid,
      kTid + "-" + kSid + "a",
      kTid + "-" + kSid + "-" + kParent + "a",
      kTid + "-" + kSid + "-" + kTid + kTid,
      kTid + kTid + kTid + "-" + kSid + "-" + kTid,
      "0000000000000000000a-" + kSid,
      kTid + "--" + kSid,
      kTid + "-" + kSid + "--" + kParent,
      kTid + "-" + kSid + "-11",
      kHigh + kTid + "-" + kSid + "-1-" + kParent + "0",
      // upper case is not lower hex
      "000000000000000A-" + kSid,
      kTid + "-000000000000000B",
      kTid + "-" + kSid + "-1-000000000000000C",
      "000000000000000A" + kTid + "-" + kSid,
      kTid + "-" + kSid + "-D",
      // all-zero ids
      "0000000000000000-" + kSid,
      "00000000000000000000000000000000-" + kSid,
      kTid + "-0000000000000000",
      kTid + "-" + kSid + "-1-0000000000000000",
      kTid + "-" + kSid + "-0000000000000000",
      // bad sampling field
      kTid + "-" + kSid + "-2",
      kTid + "-" + kSid + "-x",
      kTid + "-" + kSid + "-t",
      kTid + "-" + kSid + "-true",
      // Brave does not trim: whitespace makes the value malformed
      " " + kTid + "-" + kSid + "-1",
      kTid + "-" + kSid + "-1 ",
      " 1",
      "1 ",
      "\t0",
      // prefixes and separators
      "0x00000000000001-" + kSid,
      kTid + "_" + kSid,
      kTid + "-" + kSid + "-1_" + kParent,
      // cairn is stricter than Brave, which reads a bad half of a 128-bit id as zero
      "zzzzzzzzzzzzzzzz" + kTid + "-" + kSid,
      kHigh + "zzzzzzzzzzzzzzzz-" + kSid,
  };
  for (const std::string& input : cases) {
    SCOPED_TRACE("b3: " + input);
    ExpectExtracted(ExtractB3Single(input), {input, ExtractOutcome::kMalformed, {}});
  }
}

TEST(B3SingleExtract, EveryTruncationOfTheLargestValueIsHandled) {
  const std::string full = kHigh + kTid + "-" + kSid + "-d-" + kParent;
  for (std::size_t length = 0; length <= full.size(); ++length) {
    const std::string input = full.substr(0, length);
    SCOPED_TRACE("b3: " + input);
    const Extracted got = ExtractB3Single(input);
    // Valid prefixes: `0` (a decision), `{tid128}-{sid}`, `{tid128}-{sid}-d`, the whole value.
    const bool valid = length == 49 || length == 51 || length == full.size();
    EXPECT_EQ(got.outcome, length == 1 ? ExtractOutcome::kFlagsOnly
                           : valid     ? ExtractOutcome::kContext
                                       : ExtractOutcome::kMalformed);
  }
}

struct WriteCase {
  TraceContext context;
  bool with_parent;
  std::string expected;
};

TEST(B3SingleWrite, BraveVectors) {
  const std::vector<WriteCase> cases = {
      {Ctx(0, 1, 3), true, kTid + "-" + kSid},
      {Ctx(9, 1, 3), true, kHigh + kTid + "-" + kSid},
      {Ctx(0, 1, 3, 0, kDeny), true, kTid + "-" + kSid + "-0"},
      {Ctx(0, 1, 3, 0, kAccept), true, kTid + "-" + kSid + "-1"},
      {Ctx(0, 1, 3, 0, kAccept, true), true, kTid + "-" + kSid + "-d"},
      {Ctx(0, 1, 3, 2, kAccept), true, kTid + "-" + kSid + "-1-" + kParent},
      {Ctx(9, 1, 3, 2, kAccept), true, kHigh + kTid + "-" + kSid + "-1-" + kParent},
      // Brave writes the parent even when sampling is deferred.
      {Ctx(0, 1, 3, 2, kDefer), true, kTid + "-" + kSid + "-" + kParent},
      // debug wins over a stored deny, and a deferred debug is still debug
      {Ctx(0, 1, 3, 2, kDeny, true), true, kTid + "-" + kSid + "-d-" + kParent},
      {Ctx(0, 1, 3, 0, kDefer, true), true, kTid + "-" + kSid + "-d"},
      // writeB3SingleFormatWithoutParentId
      {Ctx(0, 1, 3), false, kTid + "-" + kSid},
      {Ctx(0, 1, 3, 2, kDeny), false, kTid + "-" + kSid + "-0"},
      {Ctx(0, 1, 3, 2, kAccept), false, kTid + "-" + kSid + "-1"},
      {Ctx(0, 1, 3, 2, kAccept, true), false, kTid + "-" + kSid + "-d"},
      {Ctx(0, 1, 3, 2, kDefer), false, kTid + "-" + kSid},
      // No ids: only a decision travels (`b3: 0` on span uploads).
      {Flags(kDeny), true, "0"},
      {Flags(kAccept), true, "1"},
      {Flags(kDefer, true), false, "d"},
      {Flags(kDefer), true, ""},
      {Ctx(0, 1, 0, 0, kAccept), true, "1"},  // span id 0 is not a context
  };
  for (const WriteCase& c : cases) {
    SCOPED_TRACE(c.expected);
    char buffer[68];
    const std::size_t length = WriteB3Single(c.context, c.with_parent, buffer);
    ASSERT_LE(length, sizeof buffer);
    EXPECT_EQ(std::string_view(buffer, length), c.expected);

    TestHeaders headers;
    InjectB3Single(c.context, c.with_parent, headers);
    if (c.expected.empty()) {
      EXPECT_TRUE(headers.empty());
    } else {
      ASSERT_EQ(headers.size(), 1u);
      EXPECT_EQ(headers.entries()[0].first, "b3");
      EXPECT_EQ(headers.entries()[0].second, c.expected);
    }
  }
}

TEST(B3SingleWrite, RoundTrips) {
  const std::vector<TraceContext> contexts = {
      Ctx(0, 1, 3),
      Ctx(0, 0xffffffffffffffff, 0x8000000000000000, 0x1),
      Ctx(0x463ac35c9f6413ad, 0x48485a3953bb6124, 0xa2fb4a1d1a96d312, 0x0020000000000001, kAccept),
      Ctx(1, 0, 2, 3, kDeny),
      Ctx(0, 42, 43, 44, kAccept, true),
      Ctx(0, 42, 43, 44, kDefer),
      Flags(kDeny),
      Flags(kAccept),
      Flags(kAccept, true),
  };
  for (const TraceContext& context : contexts) {
    SCOPED_TRACE(::testing::PrintToString(context));
    char buffer[68];
    const std::size_t length = WriteB3Single(context, /*with_parent=*/true, buffer);
    const Extracted got = ExtractB3Single(std::string_view(buffer, length));
    EXPECT_EQ(got.outcome,
              context.IsValid() ? ExtractOutcome::kContext : ExtractOutcome::kFlagsOnly);
    EXPECT_EQ(got.context, context);
  }
}

// ---------------------------------------------------------------------------------------------
// Multi-header extraction (Brave's B3Propagation.B3Extractor)

struct HeaderCase {
  std::string name;
  TestHeaders headers;
  ExtractOutcome outcome;
  TraceContext context;
};

void RunHeaderCases(const std::vector<HeaderCase>& cases) {
  for (const HeaderCase& c : cases) {
    SCOPED_TRACE(c.name);
    ExpectExtracted(ExtractB3(c.headers), {c.name, c.outcome, c.context});
  }
}

TEST(B3MultiExtract, ValidHeaders) {
  const std::string tid128 = "463ac35c9f6413ad48485a3953bb6124";
  RunHeaderCases({
      {"ids only",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3)},
      {"128-bit, parent, sampled",
       {{"X-B3-TraceId", tid128},
        {"X-B3-SpanId", "a2fb4a1d1a96d312"},
        {"X-B3-ParentSpanId", "0020000000000001"},
        {"X-B3-Sampled", "1"}},
       ExtractOutcome::kContext,
       Ctx(0x463ac35c9f6413ad, 0x48485a3953bb6124, 0xa2fb4a1d1a96d312, 0x0020000000000001,
           kAccept)},
      {"sampled 0",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Sampled", "0"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 0, kDeny)},
      {"sampled true",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Sampled", "true"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 0, kAccept)},
      {"sampled TRUE",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Sampled", "TRUE"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 0, kAccept)},
      {"sampled False",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Sampled", "False"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 0, kDeny)},
      {"sampled false",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Sampled", "false"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 0, kDeny)},
      {"debug",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Flags", "1"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 0, kAccept, true)},
      {"debug overrides sampled 0",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Sampled", "0"}, {"X-B3-Flags", "1"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 0, kAccept, true)},
      {"flags 0 is ignored",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Sampled", "1"}, {"X-B3-Flags", "0"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 0, kAccept)},
      {"other flags are ignored",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Flags", "3"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3)},
      {"empty flags are ignored",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Flags", ""}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3)},
      {"short ids are left-padded",
       {{"X-B3-TraceId", "a"}, {"X-B3-SpanId", "b"}, {"X-B3-ParentSpanId", "c"}},
       ExtractOutcome::kContext,
       Ctx(0, 0xa, 0xb, 0xc)},
      {"17-char trace id",
       {{"X-B3-TraceId", "10000000000000002"}, {"X-B3-SpanId", "3"}},
       ExtractOutcome::kContext,
       Ctx(1, 2, 3)},
      {"32-char trace id with zero high half",
       {{"X-B3-TraceId", "0000000000000000" + kTid}, {"X-B3-SpanId", kSid}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3)},
      {"32-char trace id with zero low half",
       {{"X-B3-TraceId", kHigh + "0000000000000000"}, {"X-B3-SpanId", kSid}},
       ExtractOutcome::kContext,
       Ctx(9, 0, 3)},
      {"names are case-insensitive",
       {{"x-b3-traceid", kTid},
        {"X-B3-SPANID", kSid},
        {"x-B3-pArEnTsPaNiD", kParent},
        {"X-b3-Sampled", "1"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 2, kAccept)},
      {"first trace id wins",
       {{"X-B3-TraceId", kTid}, {"X-B3-TraceId", kHigh}, {"X-B3-SpanId", kSid}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3)},
      {"first sampled wins over a bad second",
       {{"X-B3-TraceId", kTid},
        {"X-B3-SpanId", kSid},
        {"X-B3-Sampled", "1"},
        {"X-B3-Sampled", "nonsense"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 0, kAccept)},
      {"first span id wins",
       {{"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-SpanId", "0"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3)},
  });
}

TEST(B3MultiExtract, SamplingOnly) {
  RunHeaderCases({
      {"sampled 1", {{"X-B3-Sampled", "1"}}, ExtractOutcome::kFlagsOnly, Flags(kAccept)},
      {"sampled 0", {{"X-B3-Sampled", "0"}}, ExtractOutcome::kFlagsOnly, Flags(kDeny)},
      {"sampled false", {{"x-b3-sampled", "FALSE"}}, ExtractOutcome::kFlagsOnly, Flags(kDeny)},
      {"debug", {{"X-B3-Flags", "1"}}, ExtractOutcome::kFlagsOnly, Flags(kAccept, true)},
      {"debug and sampled 0",
       {{"X-B3-Flags", "1"}, {"X-B3-Sampled", "0"}},
       ExtractOutcome::kFlagsOnly,
       Flags(kAccept, true)},
      {"flags 0 alone carries nothing", {{"X-B3-Flags", "0"}}, ExtractOutcome::kAbsent, {}},
      {"nothing", {}, ExtractOutcome::kAbsent, {}},
      {"unrelated headers",
       {{"Host", "example.com"}, {"X-B3", "1"}, {"b3-sampled", "1"}},
       ExtractOutcome::kAbsent,
       {}},
  });
}

TEST(B3MultiExtract, MalformedHeaders) {
  const auto ids = [](std::string_view trace, std::string_view span) {
    return TestHeaders{{"X-B3-TraceId", trace}, {"X-B3-SpanId", span}};
  };
  auto with = [](TestHeaders headers, std::string_view name, std::string_view value) {
    headers.Add(name, value);
    return headers;
  };
  const TestHeaders good = ids(kTid, kSid);
  RunHeaderCases({
      {"sampled empty", with(good, "X-B3-Sampled", ""), ExtractOutcome::kMalformed, {}},
      {"sampled 2", with(good, "X-B3-Sampled", "2"), ExtractOutcome::kMalformed, {}},
      {"sampled yes", with(good, "X-B3-Sampled", "yes"), ExtractOutcome::kMalformed, {}},
      {"sampled t", with(good, "X-B3-Sampled", "t"), ExtractOutcome::kMalformed, {}},
      {"sampled with space", with(good, "X-B3-Sampled", " 1"), ExtractOutcome::kMalformed, {}},
      {"sampled d", with(good, "X-B3-Sampled", "d"), ExtractOutcome::kMalformed, {}},
      {"bad sampled alone", {{"X-B3-Sampled", "maybe"}}, ExtractOutcome::kMalformed, {}},
      {"first sampled is bad",
       with(with(good, "X-B3-Sampled", "nonsense"), "X-B3-Sampled", "1"),
       ExtractOutcome::kMalformed,
       {}},
      {"empty trace id", ids("", kSid), ExtractOutcome::kMalformed, {}},
      {"33-char trace id", ids("1" + kHigh + kTid, kSid), ExtractOutcome::kMalformed, {}},
      {"upper-case trace id", ids("000000000000000A", kSid), ExtractOutcome::kMalformed, {}},
      {"zero trace id", ids("0000000000000000", kSid), ExtractOutcome::kMalformed, {}},
      {"zero 128-bit trace id", ids(std::string(32, '0'), kSid), ExtractOutcome::kMalformed, {}},
      {"zero 1-char trace id", ids("0", kSid), ExtractOutcome::kMalformed, {}},
      {"non-hex trace id", ids("xyz", kSid), ExtractOutcome::kMalformed, {}},
      {"bad high half", ids("zzzzzzzzzzzzzzzz" + kTid, kSid), ExtractOutcome::kMalformed, {}},
      {"prefixed trace id", ids("0x1", kSid), ExtractOutcome::kMalformed, {}},
      {"trace id with spaces", ids(" " + kTid, kSid), ExtractOutcome::kMalformed, {}},
      {"missing span id", {{"X-B3-TraceId", kTid}}, ExtractOutcome::kMalformed, {}},
      {"missing span id, sampled",
       {{"X-B3-TraceId", kTid}, {"X-B3-Sampled", "1"}},
       ExtractOutcome::kMalformed,
       {}},
      {"empty span id", ids(kTid, ""), ExtractOutcome::kMalformed, {}},
      {"17-char span id", ids(kTid, "1" + kSid), ExtractOutcome::kMalformed, {}},
      {"zero span id", ids(kTid, "0000000000000000"), ExtractOutcome::kMalformed, {}},
      {"upper-case span id", ids(kTid, "000000000000000B"), ExtractOutcome::kMalformed, {}},
      {"empty parent id", with(good, "X-B3-ParentSpanId", ""), ExtractOutcome::kMalformed, {}},
      {"README's `-` parent id",
       with(good, "X-B3-ParentSpanId", "-"),
       ExtractOutcome::kMalformed,
       {}},
      {"zero parent id", with(good, "X-B3-ParentSpanId", "0"), ExtractOutcome::kMalformed, {}},
      {"17-char parent id",
       with(good, "X-B3-ParentSpanId", "1" + kParent),
       ExtractOutcome::kMalformed,
       {}},
      // cairn, like zipkin-go, wants both ids or none (Brave would keep just the decision)
      {"span id without trace id",
       {{"X-B3-SpanId", kSid}, {"X-B3-Sampled", "1"}},
       ExtractOutcome::kMalformed,
       {}},
      {"parent id without trace id",
       {{"X-B3-ParentSpanId", kParent}},
       ExtractOutcome::kMalformed,
       {}},
      {"bad b3 and nothing else", {{"b3", "nonsense"}}, ExtractOutcome::kMalformed, {}},
      {"empty b3 and nothing else", {{"b3", ""}}, ExtractOutcome::kMalformed, {}},
      {"bad b3 and bad multi", with(ids(kTid, "zz"), "b3", "1-"), ExtractOutcome::kMalformed, {}},
  });
}

TEST(B3MultiExtract, SingleHeaderTakesPrecedence) {
  const std::string single = kHigh + kTid + "-" + kSid + "-1-" + kParent;
  RunHeaderCases({
      {"b3 over multi",
       {{"X-B3-TraceId", "00000000000000aa"}, {"X-B3-SpanId", "bb"}, {"b3", single}},
       ExtractOutcome::kContext,
       Ctx(9, 1, 3, 2, kAccept)},
      {"B3 name in any case", {{"B3", single}}, ExtractOutcome::kContext, Ctx(9, 1, 3, 2, kAccept)},
      {"b3 decision-only wins over multi ids",
       {{"b3", "0"}, {"X-B3-TraceId", kTid}, {"X-B3-SpanId", kSid}, {"X-B3-Sampled", "1"}},
       ExtractOutcome::kFlagsOnly,
       Flags(kDeny)},
      {"bad b3 falls back to multi",
       {{"b3", kTid + "-" + kSid + "-x"},
        {"X-B3-TraceId", kTid},
        {"X-B3-SpanId", kSid},
        {"X-B3-Sampled", "0"}},
       ExtractOutcome::kContext,
       Ctx(0, 1, 3, 0, kDeny)},
      {"empty b3 falls back to multi flags",
       {{"b3", ""}, {"X-B3-Sampled", "1"}},
       ExtractOutcome::kFlagsOnly,
       Flags(kAccept)},
      {"first b3 wins",
       {{"b3", "d"}, {"b3", kTid + "-" + kSid}},
       ExtractOutcome::kFlagsOnly,
       Flags(kAccept, true)},
      {"bad first b3 is not rescued by a second",
       {{"b3", "x"}, {"b3", kTid + "-" + kSid}},
       ExtractOutcome::kMalformed,
       {}},
  });
}

// ---------------------------------------------------------------------------------------------
// Multi-header injection (Brave's B3Injector.injectMulti)

struct InjectCase {
  TraceContext context;
  std::vector<TestHeaders::Entry> expected;  // exact lines, in order
};

TEST(B3MultiInject, WritesLowerCaseHeaders) {
  const std::vector<InjectCase> cases = {
      {Ctx(0, 1, 3, 0, kAccept),
       {{"x-b3-traceid", kTid}, {"x-b3-spanid", kSid}, {"x-b3-sampled", "1"}}},
      {Ctx(9, 1, 3, 2, kDeny),
       {{"x-b3-traceid", kHigh + kTid},
        {"x-b3-spanid", kSid},
        {"x-b3-parentspanid", kParent},
        {"x-b3-sampled", "0"}}},
      {Ctx(0, 1, 3, 2, kDefer),
       {{"x-b3-traceid", kTid}, {"x-b3-spanid", kSid}, {"x-b3-parentspanid", kParent}}},
      // Debug: X-B3-Flags and never X-B3-Sampled.
      {Ctx(0, 1, 3, 0, kAccept, true),
       {{"x-b3-traceid", kTid}, {"x-b3-spanid", kSid}, {"x-b3-flags", "1"}}},
      {Ctx(0, 1, 3, 0, kDeny, true),
       {{"x-b3-traceid", kTid}, {"x-b3-spanid", kSid}, {"x-b3-flags", "1"}}},
      {Ctx(0, 0xfedcba9876543210, 0x0123456789abcdef),
       {{"x-b3-traceid", "fedcba9876543210"}, {"x-b3-spanid", "0123456789abcdef"}}},
      // Without ids only the decision is written.
      {Flags(kDeny), {{"x-b3-sampled", "0"}}},
      {Flags(kAccept), {{"x-b3-sampled", "1"}}},
      {Flags(kDefer, true), {{"x-b3-flags", "1"}}},
      {Flags(kDefer), {}},
  };
  for (const InjectCase& c : cases) {
    SCOPED_TRACE(::testing::PrintToString(c.context));
    TestHeaders headers;
    InjectB3Multi(c.context, headers);
    EXPECT_EQ(headers.entries(), c.expected);
  }
}

TEST(B3MultiInject, ReplacesExistingValues) {
  TestHeaders headers{{"X-B3-TraceId", "stale"}, {"x-b3-traceid", "stale2"}, {"Host", "h"}};
  InjectB3Multi(Ctx(0, 1, 3, 0, kAccept), headers);
  EXPECT_EQ(headers.Count("x-b3-traceid"), 1u);
  EXPECT_EQ(headers.Value("x-b3-traceid"), kTid);
  EXPECT_EQ(headers.Value("host"), "h");
}

TEST(B3MultiInject, RoundTrips) {
  const std::vector<TraceContext> contexts = {
      Ctx(0, 1, 3),
      Ctx(0x463ac35c9f6413ad, 0x48485a3953bb6124, 0xa2fb4a1d1a96d312, 0x0020000000000001, kAccept),
      Ctx(1, 0, 2, 3, kDeny),
      Ctx(0, ~0ull, ~0ull, ~0ull, kAccept, true),
      Flags(kDeny),
      Flags(kAccept),
      Flags(kAccept, true),
  };
  for (const TraceContext& context : contexts) {
    SCOPED_TRACE(::testing::PrintToString(context));
    TestHeaders headers;
    InjectB3Multi(context, headers);
    const Extracted got = ExtractB3(headers);
    EXPECT_EQ(got.outcome,
              context.IsValid() ? ExtractOutcome::kContext : ExtractOutcome::kFlagsOnly);
    EXPECT_EQ(got.context, context);
  }
}

// Random byte strings and mutations of valid values: never a crash, and never a partial context.
TEST(B3Extract, SurvivesGarbage) {
  const std::string alphabet = "0123456789abcdefABCDEF-dxz \t,=";
  const std::string seed = kHigh + kTid + "-" + kSid + "-d-" + kParent;
  unsigned state = 12345;
  auto next = [&state] {
    state = state * 1103515245u + 12345u;
    return (state >> 16) & 0x7fff;
  };
  for (int i = 0; i < 20000; ++i) {
    std::string input = seed.substr(0, next() % (seed.size() + 1));
    const int mutations = next() % 4;
    for (int m = 0; m < mutations && !input.empty(); ++m) {
      input[next() % input.size()] = alphabet[next() % alphabet.size()];
    }
    if (next() % 8 == 0) input.push_back(alphabet[next() % alphabet.size()]);
    const Extracted single = ExtractB3Single(input);
    if (single.outcome == ExtractOutcome::kContext) {
      ASSERT_TRUE(single.context.IsValid()) << input;
      // Accepted values are canonical, except that a zero high half is written as a 64-bit id.
      const bool zero_high_written = input[32] == '-' && single.context.trace_id.high == 0;
      char buffer[68];
      const std::size_t length = WriteB3Single(single.context, true, buffer);
      ASSERT_EQ(std::string_view(buffer, length), zero_high_written ? input.substr(16) : input);
    } else if (single.outcome == ExtractOutcome::kMalformed) {
      ASSERT_EQ(single.context, TraceContext{}) << input;
    }
    TestHeaders headers{{"X-B3-TraceId", input.substr(0, 32)},
                        {"X-B3-SpanId", input.size() > 17 ? input.substr(17, 16) : input},
                        {"X-B3-Sampled", input.substr(0, 1)}};
    const Extracted multi = ExtractB3(headers);
    if (multi.outcome == ExtractOutcome::kContext) {
      ASSERT_TRUE(multi.context.IsValid()) << input;
    } else {
      ASSERT_NE(multi.outcome, ExtractOutcome::kAbsent) << input;
    }
  }
}

}  // namespace
}  // namespace cairn::trace
