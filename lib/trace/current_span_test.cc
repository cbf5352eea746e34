#include "cairn/trace/current_span.h"

#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <thread>

namespace cairn::trace {
namespace {

TraceContext MakeContext(std::uint64_t span_id) {
  TraceContext context;
  context.trace_id = {0, 100};
  context.span_id = span_id;
  context.sampled = SamplingDecision::kAccept;
  return context;
}

TEST(CurrentSpanTest, NothingIsCurrentByDefault) { EXPECT_EQ(CurrentContext(), nullptr); }

TEST(CurrentSpanTest, ScopesNestAndRestore) {
  const TraceContext a = MakeContext(1);
  const TraceContext b = MakeContext(2);
  {
    Scope outer(a);
    ASSERT_NE(CurrentContext(), nullptr);
    EXPECT_EQ(*CurrentContext(), a);
    {
      Scope inner(b);
      EXPECT_EQ(*CurrentContext(), b);
      EXPECT_EQ(inner.context(), b);
    }
    EXPECT_EQ(*CurrentContext(), a);
  }
  EXPECT_EQ(CurrentContext(), nullptr);
}

TEST(CurrentSpanTest, ScopeCopiesTheContext) {
  TraceContext a = MakeContext(1);
  Scope scope(a);
  a.span_id = 99;
  EXPECT_EQ(CurrentContext()->span_id, 1u);
}

TEST(CurrentSpanTest, AnInvalidScopeHidesOuterScopes) {
  Scope outer(MakeContext(1));
  {
    Scope cleared{TraceContext{}};
    EXPECT_EQ(CurrentContext(), nullptr);
  }
  EXPECT_EQ(CurrentContext()->span_id, 1u);
}

TEST(CurrentSpanTest, EachThreadHasItsOwnSlot) {
  Scope scope(MakeContext(1));
  const TraceContext* seen = reinterpret_cast<const TraceContext*>(1);
  std::thread([&] { seen = CurrentContext(); }).join();
  EXPECT_EQ(seen, nullptr);
  EXPECT_EQ(CurrentContext()->span_id, 1u);
}

TEST(ContextSlotTest, BaseContextIsCurrentUntilAScopeOpens) {
  ContextSlot empty;
  EXPECT_EQ(empty.Current(), nullptr);
  ContextSlot invalid_base{TraceContext{}};
  EXPECT_EQ(invalid_base.Current(), nullptr);
  ContextSlot slot(MakeContext(7));
  ASSERT_NE(slot.Current(), nullptr);
  EXPECT_EQ(slot.Current()->span_id, 7u);
}

TEST(SlotGuardTest, InstallsAndRestoresSlots) {
  Scope thread_scope(MakeContext(1));
  ContextSlot task_slot(MakeContext(2));
  ContextSlot other_slot;
  {
    SlotGuard guard(task_slot);
    EXPECT_EQ(&CurrentSlot(), &task_slot);
    EXPECT_EQ(CurrentContext()->span_id, 2u);
    {
      Scope scope(MakeContext(3));  // goes on task_slot
      EXPECT_EQ(task_slot.Current()->span_id, 3u);
      {
        SlotGuard nested(other_slot);
        EXPECT_EQ(CurrentContext(), nullptr);
      }
      EXPECT_EQ(CurrentContext()->span_id, 3u);
    }
    EXPECT_EQ(CurrentContext()->span_id, 2u);
  }
  EXPECT_EQ(CurrentContext()->span_id, 1u);
  EXPECT_EQ(task_slot.Current()->span_id, 2u);
}

TEST(SlotGuardTest, AScopeFollowsItsSlotAcrossThreads) {
  // A task opens a scope on one thread, is suspended, and continues on another thread: the scope
  // is still current there, and is closed there.
  ContextSlot task_slot;
  std::unique_ptr<Scope> scope;
  std::thread([&] {
    SlotGuard guard(task_slot);
    scope = std::make_unique<Scope>(MakeContext(5));
  }).join();
  EXPECT_EQ(CurrentContext(), nullptr);  // this thread's own slot is untouched
  const TraceContext* seen = nullptr;
  std::uint64_t seen_id = 0;
  std::thread([&] {
    SlotGuard guard(task_slot);
    seen = CurrentContext();
    if (seen) seen_id = seen->span_id;
    scope.reset();
    EXPECT_EQ(CurrentContext(), nullptr);
  }).join();
  EXPECT_NE(seen, nullptr);
  EXPECT_EQ(seen_id, 5u);
  EXPECT_EQ(task_slot.Current(), nullptr);
}

TEST(BindContextTest, RunsWithTheContextOnAnotherThreadAndForwardsResults) {
  const TraceContext a = MakeContext(11);
  auto bound = BindContext(a, [](int x) {
    const TraceContext* current = CurrentContext();
    return current ? static_cast<int>(current->span_id) + x : -1;
  });
  int result = 0;
  std::thread([&] { result = bound(100); }).join();
  EXPECT_EQ(result, 111);
  EXPECT_EQ(CurrentContext(), nullptr);
  EXPECT_EQ(bound(1), 12);  // also on this thread, and restored afterwards
  EXPECT_EQ(CurrentContext(), nullptr);
}

TEST(BindContextTest, BindCurrentContextCapturesWhatIsCurrentAtBindTime) {
  std::function<std::uint64_t()> task;
  {
    Scope scope(MakeContext(21));
    task = BindCurrentContext([] { return CurrentContext() ? CurrentContext()->span_id : 0; });
  }
  std::uint64_t seen = 0;
  std::thread([&] { seen = task(); }).join();
  EXPECT_EQ(seen, 21u);
  auto unbound = BindCurrentContext([] { return CurrentContext() == nullptr; });
  EXPECT_TRUE(unbound());
}

TEST(BindContextTest, ScopesInsideTheCallableStayInside) {
  auto bound = BindContext(MakeContext(1), [] {
    Scope inner(MakeContext(2));
    return CurrentContext()->span_id;
  });
  EXPECT_EQ(bound(), 2u);
  EXPECT_EQ(CurrentContext(), nullptr);
}

}  // namespace
}  // namespace cairn::trace
