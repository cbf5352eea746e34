#include "lib/trace_asio/asio_context.h"

#include <gtest/gtest.h>

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/bind_executor.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <optional>
#include <vector>

namespace cairn::trace_asio {
namespace {

using trace::CurrentContext;
using trace::Scope;
using trace::TraceContext;

TraceContext MakeContext(std::uint64_t span_id) {
  TraceContext context;
  context.trace_id = {0, 77};
  context.span_id = span_id;
  context.sampled = trace::SamplingDecision::kAccept;
  return context;
}

std::uint64_t CurrentSpanId() { return CurrentContext() ? CurrentContext()->span_id : 0; }

using IoExecutor = asio::io_context::executor_type;

static_assert(asio::execution::is_executor<ContextExecutor<IoExecutor>>::value);
static_assert(asio::execution::is_executor<ContextExecutor<asio::any_io_executor>>::value);
static_assert(std::is_convertible_v<ContextExecutor<IoExecutor>, asio::any_io_executor>);
static_assert(
    std::is_convertible_v<ContextExecutor<asio::strand<IoExecutor>>, asio::any_io_executor>);

TEST(ContextExecutorTest, ExecutesWithItsSlotInstalledAndRestoresTheThreadsSlot) {
  asio::io_context io;
  auto executor = make_context_executor(io.get_executor(), MakeContext(5));
  std::vector<std::uint64_t> seen;
  Scope thread_scope(MakeContext(1));
  asio::post(executor, [&] {
    seen.push_back(CurrentSpanId());
    Scope inner(MakeContext(6));
    seen.push_back(CurrentSpanId());
  });
  asio::post(io, [&] { seen.push_back(CurrentSpanId()); });  // not wrapped: the thread's slot
  io.run();
  EXPECT_EQ(seen, (std::vector<std::uint64_t>{5, 6, 1}));
  EXPECT_EQ(CurrentSpanId(), 1u);
  EXPECT_EQ(executor.slot()->Current()->span_id, 5u);  // the inner scope ended
}

TEST(ContextExecutorTest, PropertiesAreForwardedAndKeepTheSlot) {
  asio::io_context io;
  auto executor = make_context_executor(io.get_executor(), MakeContext(5));
  EXPECT_EQ(&asio::query(executor, asio::execution::context), &io);
  auto never = asio::require(executor, asio::execution::blocking.never);
  EXPECT_EQ(asio::query(never, asio::execution::blocking), asio::execution::blocking.never);
  EXPECT_EQ(never.slot(), executor.slot());
  auto tracked = asio::prefer(executor, asio::execution::outstanding_work.tracked);
  EXPECT_EQ(asio::query(tracked, asio::execution::outstanding_work),
            asio::execution::outstanding_work.tracked);
  EXPECT_EQ(tracked.slot(), executor.slot());
}

TEST(ContextExecutorTest, EqualityNeedsTheSameSlotAndInner) {
  asio::io_context io;
  asio::io_context other_io;
  auto a = make_context_executor(io.get_executor(), MakeContext(1));
  auto copy = a;
  auto b = make_context_executor(io.get_executor(), MakeContext(1));
  ContextExecutor<IoExecutor> other_inner(other_io.get_executor(), a.slot());
  EXPECT_TRUE(a == copy);
  EXPECT_FALSE(a != copy);
  EXPECT_FALSE(a == b);
  EXPECT_FALSE(a == other_inner);
}

TEST(ContextExecutorTest, WrappingAContextExecutorStartsAFreshSlotOnTheSameInner) {
  asio::io_context io;
  auto a = make_context_executor(io.get_executor(), MakeContext(1));
  auto b = make_context_executor(a, MakeContext(2));
  static_assert(std::is_same_v<decltype(b), ContextExecutor<IoExecutor>>);
  EXPECT_NE(a.slot(), b.slot());
  EXPECT_TRUE(a.inner_executor() == b.inner_executor());
}

TEST(ContextExecutorTest, TypeErasedNestingLetsTheOutermostSlotWin) {
  asio::io_context io;
  asio::any_io_executor erased = make_context_executor(io.get_executor(), MakeContext(1));
  auto outer = make_context_executor(erased, MakeContext(2));
  std::uint64_t seen = 0;
  asio::post(outer, [&] { seen = CurrentSpanId(); });
  io.run();
  EXPECT_EQ(seen, 2u);
}

TEST(ContextExecutorTest, MakeContextExecutorCapturesTheCurrentSpan) {
  asio::io_context io;
  std::optional<ContextExecutor<IoExecutor>> executor;
  {
    Scope scope(MakeContext(9));
    executor.emplace(make_context_executor(io.get_executor()));
  }
  std::uint64_t seen = 0;
  asio::post(*executor, [&] { seen = CurrentSpanId(); });
  io.run();
  EXPECT_EQ(seen, 9u);
}

asio::awaitable<void> SleepAndCheck(std::vector<std::uint64_t>& seen, std::uint64_t own_id) {
  Scope scope(MakeContext(own_id));
  asio::steady_timer timer(co_await asio::this_coro::executor);
  for (int i = 0; i < 3; ++i) {
    timer.expires_after(std::chrono::milliseconds(1));
    co_await timer.async_wait(asio::use_awaitable);
    seen.push_back(CurrentSpanId());
  }
}

TEST(CoSpawnWithContextTest, InterleavedCoroutinesOnOneThreadKeepTheirOwnSpans) {
  asio::io_context io;
  std::vector<std::uint64_t> seen_a;
  std::vector<std::uint64_t> seen_b;
  co_spawn_with_context(io.get_executor(), SleepAndCheck(seen_a, 100), asio::detached);
  co_spawn_with_context(io.get_executor(), SleepAndCheck(seen_b, 200), asio::detached);
  io.run();
  EXPECT_EQ(seen_a, (std::vector<std::uint64_t>{100, 100, 100}));
  EXPECT_EQ(seen_b, (std::vector<std::uint64_t>{200, 200, 200}));
  EXPECT_EQ(CurrentContext(), nullptr);
}

TEST(CoSpawnWithContextTest, TheSpawnersSpanIsTheCoroutinesBase) {
  asio::io_context io;
  std::uint64_t before = 0;
  std::uint64_t after = 0;
  std::uint64_t in_handler = 1;
  {
    Scope scope(MakeContext(42));
    co_spawn_with_context(
        io.get_executor(),
        [&]() -> asio::awaitable<void> {
          before = CurrentSpanId();
          asio::steady_timer timer(co_await asio::this_coro::executor,
                                   std::chrono::milliseconds(1));
          co_await timer.async_wait(asio::use_awaitable);
          after = CurrentSpanId();
        },
        [&](std::exception_ptr) { in_handler = CurrentSpanId(); });
  }
  io.run();
  EXPECT_EQ(before, 42u);
  EXPECT_EQ(after, 42u);
  // The completion handler runs on the task's executor after the coroutine's scopes have ended:
  // only the base (the spawner's span) is left.
  EXPECT_EQ(in_handler, 42u);
}

TEST(BindContextTest, PostedHandlerRunsWithTheContext) {
  asio::io_context io;
  std::uint64_t seen = 0;
  asio::post(io, bind_context(MakeContext(3), [&] { seen = CurrentSpanId(); }));
  io.run();
  EXPECT_EQ(seen, 3u);
  EXPECT_EQ(CurrentContext(), nullptr);
}

TEST(BindContextTest, CapturesTheCurrentSpanAndPassesArguments) {
  asio::io_context io;
  asio::steady_timer timer(io, std::chrono::milliseconds(1));
  std::uint64_t seen = 0;
  boost::system::error_code seen_ec = asio::error::operation_aborted;
  {
    Scope scope(MakeContext(8));
    timer.async_wait(bind_context([&](boost::system::error_code ec) {
      seen = CurrentSpanId();
      seen_ec = ec;
    }));
  }
  io.run();
  EXPECT_EQ(seen, 8u);
  EXPECT_FALSE(seen_ec);
}

TEST(BindContextTest, KeepsTheHandlersAssociatedExecutor) {
  asio::io_context io;
  auto strand = asio::make_strand(io);
  auto handler = bind_context(MakeContext(4), asio::bind_executor(strand, [] {}));
  auto associated = asio::get_associated_executor(handler, io.get_executor());
  EXPECT_TRUE(associated == strand);
  bool ran_in_strand = false;
  asio::post(io, bind_context(MakeContext(4), asio::bind_executor(strand, [&] {
                                ran_in_strand = strand.running_in_this_thread();
                              })));
  io.run();
  EXPECT_TRUE(ran_in_strand);
}

TEST(BindContextTest, ReturnsTheHandlersResult) {
  auto bound = bind_context(MakeContext(12), [](int x) { return CurrentSpanId() + x; });
  EXPECT_EQ(bound(1), 13u);
  EXPECT_EQ(std::move(bound)(2), 14u);
}

}  // namespace
}  // namespace cairn::trace_asio
