#include "cairn/trace/tracer.h"

#include <gtest/gtest.h>

#include "cairn/trace/current_span.h"
#include "lib/trace/tracer_test_fixture.h"

namespace cairn::trace {
namespace {

using testing::CountingSampler;

TEST(TracerCreateTest, ServiceNameIsRequired) {
  auto tracer = Tracer::Create(TracerOptions{});
  ASSERT_FALSE(tracer.ok());
  EXPECT_EQ(tracer.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(tracer.status().message().find("service_name"), std::string::npos);
}

TEST(TracerCreateTest, LocalAddressesAreValidatedAndNamed) {
  struct Case {
    const char* ipv4;
    const char* ipv6;
    const char* field;
  };
  for (const Case& c : {Case{"1.2.3", "", "local_ipv4"}, Case{"::1", "", "local_ipv4"},
                        Case{"256.1.1.1", "", "local_ipv4"}, Case{"localhost", "", "local_ipv4"},
                        Case{"", "1.2.3.4", "local_ipv6"}, Case{"", "2001:db8:::1", "local_ipv6"},
                        Case{"", "[::1]", "local_ipv6"}}) {
    TracerOptions options;
    options.service_name = "svc";
    options.local_ipv4 = c.ipv4;
    options.local_ipv6 = c.ipv6;
    auto tracer = Tracer::Create(std::move(options));
    ASSERT_FALSE(tracer.ok()) << c.ipv4 << c.ipv6;
    EXPECT_EQ(tracer.status().code(), StatusCode::kInvalidArgument);
    EXPECT_EQ(tracer.status().message().rfind(c.field, 0), 0u) << tracer.status().message();
  }
}

TEST(TracerCreateTest, MappedIPv4InTheIPv6FieldSaysWhereItBelongs) {
  TracerOptions options;
  options.service_name = "svc";
  options.local_ipv6 = "::ffff:10.0.0.1";
  auto tracer = Tracer::Create(std::move(options));
  ASSERT_FALSE(tracer.ok());
  EXPECT_EQ(tracer.status().message(),
            "local_ipv6 is not a valid IPv6 address: \"::ffff:10.0.0.1\" (an IPv4-mapped "
            "address; set local_ipv4 instead)");

  TracerOptions mapped_v4;
  mapped_v4.service_name = "svc";
  mapped_v4.local_ipv4 = "::ffff:10.0.0.1";  // accepted as the IPv4 address it is
  auto accepted = Tracer::Create(std::move(mapped_v4));
  ASSERT_TRUE(accepted.ok());
  EXPECT_EQ((*accepted)->options().local_ipv4, "10.0.0.1");
}

TEST(TracerCreateTest, DefaultsAreFilledIn) {
  TracerOptions options;
  options.service_name = "svc";
  options.local_ipv6 = "2001:DB8:0:0:0:0:0:1";
  auto tracer = Tracer::Create(std::move(options));
  ASSERT_TRUE(tracer.ok());
  EXPECT_NE((*tracer)->options().sampler, nullptr);
  EXPECT_NE((*tracer)->options().reporter, nullptr);
  EXPECT_EQ(&(*tracer)->clock(), &SystemClock());
  EXPECT_EQ((*tracer)->options().id_generator, &DefaultIdGenerator());
  EXPECT_EQ((*tracer)->options().local_ipv6, "2001:db8::1");  // canonical form
  // Works end to end with the real clock, ids and the no-op reporter.
  Span span = (*tracer)->StartSpan("op");
  EXPECT_TRUE(span.IsRecording());
  EXPECT_TRUE(span.context().trace_id.Is128Bit());
  span.Finish();
}

TEST(TracerCreateTest, DefaultIdGeneratorHonoursTraceIdWidth) {
  for (bool bits128 : {false, true}) {
    TracerOptions options;
    options.service_name = "svc";
    options.trace_id_128bit = bits128;
    auto tracer = std::move(Tracer::Create(std::move(options))).value();
    Span a = tracer->StartSpan("a");
    Span b = tracer->StartSpan("b", {.new_root = true});
    EXPECT_EQ(a.context().trace_id.Is128Bit(), bits128);
    EXPECT_NE(a.context().trace_id, b.context().trace_id);
    EXPECT_NE(a.context().trace_id.low, 0u);
    EXPECT_EQ(a.context().span_id, a.context().trace_id.low);
    if (bits128) {
      EXPECT_NE(a.context().trace_id.high, a.context().trace_id.low);
    }
  }
}

class TracerTest : public testing::TracerFixture {};

TEST_F(TracerTest, NewRootHas128BitTraceIdAndSpanIdEqualToItsLowHalf) {
  Span span = tracer_->StartSpan("root");
  const TraceContext& context = span.context();
  EXPECT_TRUE(context.IsValid());
  EXPECT_TRUE(context.trace_id.Is128Bit());
  EXPECT_EQ(context.span_id, context.trace_id.low);
  EXPECT_EQ(context.parent_id, 0u);
  EXPECT_EQ(context.sampled, SamplingDecision::kAccept);
  EXPECT_FALSE(context.shared);
}

TEST_F(TracerTest, SixtyFourBitTraceIdsOnRequest) {
  TracerOptions options;
  options.trace_id_128bit = false;
  Build(std::move(options));
  Span span = tracer_->StartSpan("root");
  EXPECT_FALSE(span.context().trace_id.Is128Bit());
  EXPECT_TRUE(span.context().IsValid());
}

TEST_F(TracerTest, ChildOfExplicitParent) {
  const TraceContext parent = Context(10, 20, SamplingDecision::kAccept);
  Span child = tracer_->StartSpan("child", {.parent = &parent});
  EXPECT_EQ(child.context().trace_id, parent.trace_id);
  EXPECT_EQ(child.context().parent_id, 20u);
  EXPECT_NE(child.context().span_id, 20u);
  EXPECT_NE(child.context().span_id, 0u);
  EXPECT_EQ(child.context().sampled, SamplingDecision::kAccept);
  child.Finish();
  auto record = TakeOnly();
  EXPECT_EQ(record->trace_id, parent.trace_id);
  EXPECT_EQ(record->parent_id, 20u);
  EXPECT_EQ(record->id, child.context().span_id);
}

TEST_F(TracerTest, CurrentSpanIsTheParentUnlessExplicitOrNewRoot) {
  const TraceContext current = Context(10, 20, SamplingDecision::kAccept);
  const TraceContext explicit_parent = Context(30, 40, SamplingDecision::kAccept);
  Scope scope(current);
  Span implicit_child = tracer_->StartSpan("a");
  EXPECT_EQ(implicit_child.context().trace_id, current.trace_id);
  EXPECT_EQ(implicit_child.context().parent_id, 20u);
  Span explicit_child = tracer_->StartSpan("b", {.parent = &explicit_parent});
  EXPECT_EQ(explicit_child.context().trace_id, explicit_parent.trace_id);
  EXPECT_EQ(explicit_child.context().parent_id, 40u);
  Span root = tracer_->StartSpan("c", {.new_root = true});
  EXPECT_NE(root.context().trace_id, current.trace_id);
  EXPECT_EQ(root.context().parent_id, 0u);
}

TEST_F(TracerTest, ChildrenInheritDenyAndDebugWithoutAskingTheSampler) {
  auto sampler = std::make_shared<CountingSampler>(true);
  TracerOptions options;
  options.sampler = sampler;
  Build(std::move(options));
  const TraceContext denied = Context(1, 2, SamplingDecision::kDeny);
  Span unsampled = tracer_->StartSpan("x", {.parent = &denied});
  EXPECT_EQ(unsampled.context().sampled, SamplingDecision::kDeny);
  EXPECT_FALSE(unsampled.IsRecording());
  EXPECT_TRUE(unsampled.context().IsValid());

  const TraceContext debug = Context(1, 2, SamplingDecision::kDeny, /*debug=*/true);
  Span debug_child = tracer_->StartSpan("y", {.parent = &debug});
  EXPECT_TRUE(debug_child.context().debug);
  EXPECT_TRUE(debug_child.IsRecording());
  EXPECT_EQ(sampler->calls(), 0);
  debug_child.Finish();
  EXPECT_TRUE(TakeOnly()->debug);
}

TEST_F(TracerTest, DeferredParentAsksTheSamplerOnce) {
  auto sampler = std::make_shared<CountingSampler>(false);
  TracerOptions options;
  options.sampler = sampler;
  Build(std::move(options));
  const TraceContext deferred = Context(1, 2, SamplingDecision::kDefer);
  Span child = tracer_->StartSpan("x", {.parent = &deferred});
  EXPECT_EQ(sampler->calls(), 1);
  EXPECT_EQ(child.context().sampled, SamplingDecision::kDeny);
  // Its own children inherit the now-made decision.
  Span grandchild = tracer_->StartSpan("y", {.parent = &child.context()});
  EXPECT_EQ(sampler->calls(), 1);
  EXPECT_EQ(grandchild.context().sampled, SamplingDecision::kDeny);
}

TEST_F(TracerTest, NewRootsAskTheSampler) {
  auto sampler = std::make_shared<CountingSampler>(false);
  TracerOptions options;
  options.sampler = sampler;
  Build(std::move(options));
  Span span = tracer_->StartSpan("root");
  EXPECT_EQ(sampler->calls(), 1);
  EXPECT_FALSE(span.IsRecording());
  EXPECT_EQ(span.context().sampled, SamplingDecision::kDeny);
  EXPECT_TRUE(span.context().IsValid());  // ids still exist for propagation and logs
}

TEST_F(TracerTest, AnExplicitParentWithoutIdsStartsATraceWithItsFlags) {
  auto sampler = std::make_shared<CountingSampler>(false);
  TracerOptions options;
  options.sampler = sampler;
  Build(std::move(options));
  TraceContext flags;
  flags.sampled = SamplingDecision::kAccept;
  Span span = tracer_->StartSpan("x", {.parent = &flags});
  EXPECT_TRUE(span.IsRecording());
  EXPECT_EQ(span.context().parent_id, 0u);
  EXPECT_EQ(sampler->calls(), 0);
}

Extracted MakeExtracted(ExtractOutcome outcome, const TraceContext& context = {}) {
  Extracted extracted;
  extracted.outcome = outcome;
  extracted.context = context;
  return extracted;
}

TEST_F(TracerTest, ServerJoinsTheClientSpan) {
  const TraceContext client = Context(1, 200, SamplingDecision::kAccept, false, /*parent=*/100);
  Span server = tracer_->StartSpanFromExtracted("get", SpanKind::kServer,
                                                MakeExtracted(ExtractOutcome::kContext, client));
  EXPECT_EQ(server.context().trace_id, client.trace_id);
  EXPECT_EQ(server.context().span_id, 200u);
  EXPECT_EQ(server.context().parent_id, 100u);
  EXPECT_TRUE(server.context().shared);
  server.Finish();
  auto record = TakeOnly();
  EXPECT_TRUE(record->shared);
  EXPECT_EQ(record->id, 200u);
  EXPECT_EQ(record->parent_id, 100u);
  EXPECT_EQ(record->kind, SpanKind::kServer);
}

TEST_F(TracerTest, WithoutJoinSupportTheServerSpanIsAChild) {
  TracerOptions options;
  options.supports_join = false;
  Build(std::move(options));
  const TraceContext client = Context(1, 200, SamplingDecision::kAccept, false, 100);
  Span server = tracer_->StartSpanFromExtracted("get", SpanKind::kServer,
                                                MakeExtracted(ExtractOutcome::kContext, client));
  EXPECT_EQ(server.context().parent_id, 200u);
  EXPECT_NE(server.context().span_id, 200u);
  EXPECT_FALSE(server.context().shared);
}

TEST_F(TracerTest, NonServerKindsContinueAsChildren) {
  const TraceContext producer = Context(1, 300, SamplingDecision::kAccept);
  for (SpanKind kind : {SpanKind::kConsumer, SpanKind::kClient, SpanKind::kUnspecified}) {
    Span span = tracer_->StartSpanFromExtracted("x", kind,
                                                MakeExtracted(ExtractOutcome::kContext, producer));
    EXPECT_EQ(span.context().trace_id, producer.trace_id);
    EXPECT_EQ(span.context().parent_id, 300u);
    EXPECT_NE(span.context().span_id, 300u);
    EXPECT_FALSE(span.context().shared);
  }
}

TEST_F(TracerTest, ExtractedDecisionsAreHonouredAndDeferAsksTheSampler) {
  auto sampler = std::make_shared<CountingSampler>(false);
  TracerOptions options;
  options.sampler = sampler;
  Build(std::move(options));
  Span accepted = tracer_->StartSpanFromExtracted(
      "a", SpanKind::kServer,
      MakeExtracted(ExtractOutcome::kContext, Context(1, 2, SamplingDecision::kAccept)));
  EXPECT_TRUE(accepted.IsRecording());
  EXPECT_EQ(sampler->calls(), 0);
  Span deferred = tracer_->StartSpanFromExtracted(
      "b", SpanKind::kServer,
      MakeExtracted(ExtractOutcome::kContext, Context(1, 2, SamplingDecision::kDefer)));
  EXPECT_EQ(sampler->calls(), 1);
  EXPECT_FALSE(deferred.IsRecording());
  EXPECT_EQ(deferred.context().sampled, SamplingDecision::kDeny);
  EXPECT_EQ(deferred.context().span_id, 2u);  // still joined
}

TEST_F(TracerTest, FlagsOnlyStartsANewTraceHonouringTheFlags) {
  auto sampler = std::make_shared<CountingSampler>(true);
  TracerOptions options;
  options.sampler = sampler;
  Build(std::move(options));
  TraceContext deny;
  deny.sampled = SamplingDecision::kDeny;
  Span denied = tracer_->StartSpanFromExtracted("a", SpanKind::kServer,
                                                MakeExtracted(ExtractOutcome::kFlagsOnly, deny));
  EXPECT_FALSE(denied.IsRecording());
  EXPECT_TRUE(denied.context().IsValid());
  EXPECT_EQ(denied.context().parent_id, 0u);
  EXPECT_FALSE(denied.context().shared);

  TraceContext debug;
  debug.debug = true;
  Span debugged = tracer_->StartSpanFromExtracted("b", SpanKind::kServer,
                                                  MakeExtracted(ExtractOutcome::kFlagsOnly, debug));
  EXPECT_TRUE(debugged.IsRecording());
  EXPECT_TRUE(debugged.context().debug);
  EXPECT_EQ(sampler->calls(), 0);

  TraceContext defer;
  Span deferred = tracer_->StartSpanFromExtracted("c", SpanKind::kServer,
                                                  MakeExtracted(ExtractOutcome::kFlagsOnly, defer));
  EXPECT_EQ(sampler->calls(), 1);
  EXPECT_TRUE(deferred.IsRecording());
}

TEST_F(TracerTest, AbsentOrMalformedStartsANewTraceViaTheSamplerIgnoringTheCurrentSpan) {
  auto sampler = std::make_shared<CountingSampler>(true);
  TracerOptions options;
  options.sampler = sampler;
  Build(std::move(options));
  const TraceContext current = Context(1, 2, SamplingDecision::kDeny);
  Scope scope(current);
  for (ExtractOutcome outcome : {ExtractOutcome::kAbsent, ExtractOutcome::kMalformed}) {
    // Whatever a malformed extraction left in `context` is ignored.
    Span span = tracer_->StartSpanFromExtracted(
        "x", SpanKind::kServer, MakeExtracted(outcome, Context(5, 6, SamplingDecision::kDeny)));
    EXPECT_TRUE(span.IsRecording());
    EXPECT_NE(span.context().trace_id, current.trace_id);
    EXPECT_NE(span.context().trace_id.low, 5u);
    EXPECT_EQ(span.context().parent_id, 0u);
  }
  EXPECT_EQ(sampler->calls(), 2);
}

TEST_F(TracerTest, ExtractedStartTimestampIsUsed) {
  Span span = tracer_->StartSpanFromExtracted("x", SpanKind::kConsumer,
                                              MakeExtracted(ExtractOutcome::kAbsent), 12345);
  span.Finish(12400);
  auto record = TakeOnly();
  EXPECT_EQ(record->timestamp_us, 12345);
  EXPECT_EQ(record->duration_us, 55);
  EXPECT_EQ(record->kind, SpanKind::kConsumer);
}

TEST_F(TracerTest, LocalEndpointIsCopiedWithALowerCasedServiceName) {
  TracerOptions options;
  options.service_name = "Account-Service";
  options.local_ipv4 = "192.168.1.10";
  options.local_ipv6 = "2001:DB8:0::A";
  options.local_port = 6767;
  Build(std::move(options));
  Span span = tracer_->StartSpan("op");
  tracer_.get()->StartSpan("other");  // unrelated span, abandoned
  span.Finish();
  auto record = TakeOnly();
  EXPECT_EQ(record->local_endpoint.service_name, "account-service");
  EXPECT_EQ(record->local_endpoint.ipv4, "192.168.1.10");
  EXPECT_EQ(record->local_endpoint.ipv6, "2001:db8::a");
  EXPECT_EQ(record->local_endpoint.port, 6767);
  EXPECT_EQ(tracer_->options().service_name, "Account-Service");
}

}  // namespace
}  // namespace cairn::trace
