// Heap allocations of propagation, counted with a replaced global operator new: none on the B3 and
// traceparent paths, one (the combined string) for a non-empty tracestate.
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <string_view>

#include "cairn/trace/propagation.h"
#include "lib/trace/testing_headers.h"

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

// A writer that copies values into fixed storage, so that only propagation could allocate.
class FixedWriter final : public HeaderWriter {
 public:
  void Set(std::string_view name, std::string_view value) override {
    ASSERT_LT(count_, 8u);
    ASSERT_LE(value.size(), sizeof values_[0]);
    std::memcpy(values_[count_], value.data(), value.size());
    total_ += name.size() + value.size();
    ++count_;
  }
  std::size_t count() const { return count_; }

 private:
  char values_[8][128];
  std::size_t count_ = 0;
  std::size_t total_ = 0;
};

long CountAllocations(const auto& fn) {
  t_allocations = 0;
  t_counting = true;
  fn();
  t_counting = false;
  return t_allocations;
}

TEST(PropagationAllocations, NoneOnB3AndTraceparentPaths) {
  const testing::TestHeaders multi{
      {"X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124"},
      {"X-B3-SpanId", "a2fb4a1d1a96d312"},
      {"X-B3-ParentSpanId", "0020000000000001"},
      {"X-B3-Sampled", "1"},
      {"traceparent", "00-463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-01"}};
  const testing::TestHeaders single{
      {"b3", "463ac35c9f6413ad48485a3953bb6124-a2fb4a1d1a96d312-d-0020000000000001"}};
  const Propagator propagator;
  FixedWriter writer;
  EXPECT_EQ(CountAllocations([&] {
              for (int i = 0; i < 100; ++i) {
                Extracted a = propagator.Extract(multi);
                Extracted b = propagator.Extract(single);
                Extracted c = ExtractB3(multi);
                Extracted d = ExtractW3C(multi);
                if (i == 0) {
                  propagator.Inject(a.context, false, writer, a.tracestate);
                  propagator.Inject(b.context, true, writer);
                }
              }
            }),
            0);
  EXPECT_EQ(writer.count(), 7u);  // 4 x-b3-* + traceparent, then b3 + traceparent
}

TEST(PropagationAllocations, OneForATracestate) {
  const testing::TestHeaders headers{
      {"traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"},
      {"tracestate", "rojo=00f067aa0ba902b7"},
      {"tracestate", "congo=t61rcWkgMzE,vendor3=a-much-longer-value-beyond-sso"}};
  Extracted extracted;
  EXPECT_EQ(CountAllocations([&] { extracted = ExtractW3C(headers); }), 1);
  EXPECT_EQ(extracted.tracestate,
            "rojo=00f067aa0ba902b7,congo=t61rcWkgMzE,vendor3=a-much-longer-value-beyond-sso");
}

}  // namespace
}  // namespace cairn::trace
