// Heap allocations on the span hot path, counted with a replaced global operator new: a sampled
// span costs exactly one (its SpanRecord), an unsampled one none.
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <new>
#include <vector>

#include "cairn/trace/current_span.h"
#include "cairn/trace/tracer.h"
#include "lib/trace/tracer_test_util.h"

namespace {
thread_local bool t_counting = false;
thread_local long t_allocations = 0;
}  // namespace

void* operator new(std::size_t size) {
  if (t_counting) ++t_allocations;
  if (void* p = std::malloc(size == 0 ? 1 : size)) return p;
  throw std::bad_alloc();
}
void* operator new[](std::size_t size) { return ::operator new(size); }
void* operator new(std::size_t size, const std::nothrow_t&) noexcept {
  if (t_counting) ++t_allocations;
  return std::malloc(size == 0 ? 1 : size);
}
void* operator new[](std::size_t size, const std::nothrow_t& tag) noexcept {
  return ::operator new(size, tag);
}
// Not inlined: GCC would otherwise see free() applied to an operator-new pointer and warn.
[[gnu::noinline]] void operator delete(void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete(void* p, std::size_t) noexcept { std::free(p); }
[[gnu::noinline]] void operator delete[](void* p, std::size_t) noexcept { std::free(p); }

namespace cairn::trace {
namespace {

// Keeps reported spans in storage reserved up front, so reporting itself allocates nothing.
class PreallocatedReporter final : public Reporter {
 public:
  PreallocatedReporter() { spans_.reserve(64); }
  void Report(SpanRecordPtr span) noexcept override { spans_.push_back(std::move(span)); }
  Status Flush(std::chrono::milliseconds) override { return Status::Ok(); }
  std::vector<SpanRecordPtr>& spans() { return spans_; }

 private:
  std::vector<SpanRecordPtr> spans_;
};

class AllocationTest : public ::testing::Test {
 protected:
  void Build(std::shared_ptr<Sampler> sampler) {
    TracerOptions options;
    options.service_name = "accountservice";
    options.local_ipv4 = "192.168.10.20";
    options.sampler = std::move(sampler);
    options.reporter = reporter_;
    auto tracer = Tracer::Create(std::move(options));
    ASSERT_TRUE(tracer.ok());
    tracer_ = std::move(tracer).value();
    // Seed this thread's id generator outside the counted region.
    tracer_->StartSpan("warm-up", {.new_root = true}).Abandon();
  }

  template <typename F>
  long CountAllocations(F&& f) {
    t_allocations = 0;
    t_counting = true;
    f();
    t_counting = false;
    return t_allocations;
  }

  std::shared_ptr<PreallocatedReporter> reporter_ = std::make_shared<PreallocatedReporter>();
  std::unique_ptr<Tracer> tracer_;
};

TEST_F(AllocationTest, CountingWorks) {
  EXPECT_EQ(CountAllocations([] {
              int* volatile p = new int(1);  // volatile: the pair may not be elided
              delete p;
            }),
            1);
}

TEST_F(AllocationTest, SampledSpanWithThreeTagsIsOneAllocation) {
  Build(AlwaysSample());
  long allocations = CountAllocations([&] {
    Span span = tracer_->StartSpan("get /accounts/{id}", {.kind = SpanKind::kServer});
    span.Tag("http.method", "GET").Tag("http.path", "/accounts/10000").Tag("http.status_code", 200);
    span.Finish();
  });
  EXPECT_EQ(allocations, 1);
  ASSERT_EQ(reporter_->spans().size(), 1u);
  EXPECT_EQ(reporter_->spans()[0]->tags().size(), 3u);
}

TEST_F(AllocationTest, ChildOfCurrentSpanWithErrorAndRemoteIsOneAllocation) {
  Build(AlwaysSample());
  Span parent = tracer_->StartSpan("parent");
  Scope scope(parent.context());
  long allocations = CountAllocations([&] {
    Span span = tracer_->StartSpan("get", {.kind = SpanKind::kClient});
    span.SetRemoteServiceName("quotes-service").SetRemoteIpAndPort("10.0.0.7", 8080);
    span.Tag("http.method", "GET").SetError("timeout").Annotate("ws");
    span.Finish();
  });
  EXPECT_EQ(allocations, 1);
}

TEST_F(AllocationTest, UnsampledSpanAllocatesNothing) {
  Build(NeverSample());
  long allocations = CountAllocations([&] {
    Span span = tracer_->StartSpan("get /accounts/{id}", {.kind = SpanKind::kServer});
    span.Tag("http.method", "GET").Tag("http.path", "/accounts/10000").Tag("http.status_code", 200);
    Span child = tracer_->StartSpan("child", {.parent = &span.context()});
    child.Finish();
    span.Finish();
  });
  EXPECT_EQ(allocations, 0);
  EXPECT_TRUE(reporter_->spans().empty());
}

TEST_F(AllocationTest, AbandonedSpanFreesItsOnlyAllocation) {
  Build(AlwaysSample());
  long allocations = CountAllocations([&] {
    Span span = tracer_->StartSpan("op");
    span.Tag("k", "v");
  });
  EXPECT_EQ(allocations, 1);
  EXPECT_TRUE(reporter_->spans().empty());
}

}  // namespace
}  // namespace cairn::trace
