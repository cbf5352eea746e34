// A tracer wired to test doubles, shared by the tracer and span tests.
#pragma once

#include <gtest/gtest.h>

#include <memory>
#include <utility>

#include "cairn/trace/tracer.h"
#include "lib/trace/tracer_test_util.h"

namespace cairn::trace::testing {

class TracerFixture : public ::testing::Test {
 protected:
  // Builds tracer_ from options with the fixture's clock, reporter and id generator filled in.
  void Build(TracerOptions options = {}) {
    if (options.service_name.empty()) options.service_name = "AccountService";
    if (!options.reporter) options.reporter = reporter_;
    if (options.clock == nullptr) options.clock = &clock_;
    if (options.id_generator == nullptr) options.id_generator = &ids_;
    auto tracer = Tracer::Create(std::move(options));
    ASSERT_TRUE(tracer.ok()) << tracer.status().ToString();
    tracer_ = std::move(tracer).value();
  }

  void SetUp() override { Build(); }

  // The only reported span; fails the test when there is not exactly one.
  SpanRecordPtr TakeOnly() {
    auto spans = reporter_->Take();
    EXPECT_EQ(spans.size(), 1u);
    return spans.empty() ? nullptr : std::move(spans.front());
  }

  static TraceContext Context(std::uint64_t trace_low, std::uint64_t span_id,
                              SamplingDecision sampled, bool debug = false,
                              std::uint64_t parent_id = 0) {
    TraceContext context;
    context.trace_id = {0xabc, trace_low};
    context.span_id = span_id;
    context.parent_id = parent_id;
    context.sampled = sampled;
    context.debug = debug;
    return context;
  }

  FakeClock clock_;
  SequenceIdGenerator ids_;
  std::shared_ptr<RecordingReporter> reporter_ = std::make_shared<RecordingReporter>();
  std::unique_ptr<Tracer> tracer_;
};

}  // namespace cairn::trace::testing
