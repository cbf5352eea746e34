#include "lib/net/blocking_pool.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/strand.hpp>
#include <future>
#include <stdexcept>
#include <thread>

namespace cairn::net {
namespace {

using ::testing::HasSubstr;

// Runs `body` as a coroutine on a strand of a private io_context and waits for it.
template <typename Body>
void RunOnStrand(Body body) {
  asio::io_context ioc;
  auto strand = asio::make_strand(ioc);
  asio::co_spawn(strand, body(strand), asio::detached);
  ioc.run();
}

TEST(BlockingPoolTest, RunsOnPoolThreadAndResumesOnCallerStrand) {
  BlockingPool pool(2);
  std::thread::id caller_thread;
  std::thread::id task_thread;
  bool resumed_on_strand = false;
  Result<int> result = Internal("not run");
  RunOnStrand([&](auto strand) -> asio::awaitable<void> {
    caller_thread = std::this_thread::get_id();
    result = co_await RunBlocking(pool, [&] {
      task_thread = std::this_thread::get_id();
      return 42;
    });
    resumed_on_strand = strand.running_in_this_thread();
  });
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  EXPECT_EQ(*result, 42);
  EXPECT_NE(task_thread, caller_thread);
  EXPECT_TRUE(resumed_on_strand);
  EXPECT_EQ(pool.pending(), 0u);
}

TEST(BlockingPoolTest, MapsReturnTypes) {
  BlockingPool pool(1);
  Status from_void = Internal("unset");
  Status from_status = Internal("unset");
  Result<std::string> from_result = Internal("unset");
  Result<std::string> from_error = Internal("unset");
  int side_effect = 0;
  RunOnStrand([&](auto) -> asio::awaitable<void> {
    from_void = co_await RunBlocking(pool, [&] { side_effect = 7; });
    from_status = co_await RunBlocking(pool, [] { return NotFound("no such trace"); });
    from_result = co_await RunBlocking(pool, [] { return Result<std::string>("abc"); });
    from_error =
        co_await RunBlocking(pool, [] { return Result<std::string>(Unavailable("disk gone")); });
  });
  EXPECT_TRUE(from_void.ok());
  EXPECT_EQ(side_effect, 7);
  EXPECT_EQ(from_status, NotFound("no such trace"));
  ASSERT_TRUE(from_result.ok());
  EXPECT_EQ(*from_result, "abc");
  EXPECT_EQ(from_error.status(), Unavailable("disk gone"));
}

TEST(BlockingPoolTest, ExceptionsBecomeInternalErrors) {
  BlockingPool pool(1);
  Result<int> result = 0;
  RunOnStrand([&](auto) -> asio::awaitable<void> {
    result = co_await RunBlocking(pool, []() -> int { throw std::runtime_error("boom"); });
  });
  EXPECT_EQ(result.status().code(), StatusCode::kInternal);
  EXPECT_THAT(result.status().message(), HasSubstr("boom"));
  EXPECT_EQ(pool.pending(), 0u);
}

TEST(BlockingPoolTest, FullPoolRejectsWithoutRunning) {
  BlockingPool pool(1, /*max_pending=*/1);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::promise<void> started;
  Status first = Internal("unset");
  Status second = Internal("unset");
  bool second_ran = false;

  asio::io_context ioc;
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        first = co_await RunBlocking(pool, [&] {
          started.set_value();
          released.wait();
        });
      },
      asio::detached);
  asio::co_spawn(
      ioc,
      [&]() -> asio::awaitable<void> {
        second = co_await RunBlocking(pool, [&] { second_ran = true; });
        release.set_value();  // only now let the first task finish
      },
      asio::detached);
  ioc.run();
  EXPECT_TRUE(first.ok());
  EXPECT_EQ(second.code(), StatusCode::kResourceExhausted);
  EXPECT_THAT(second.message(), HasSubstr("full"));
  EXPECT_FALSE(second_ran);
  EXPECT_EQ(pool.rejected(), 1u);
}

TEST(BlockingPoolTest, StoppedPoolRejects) {
  BlockingPool pool(1);
  pool.Stop();
  pool.Stop();  // idempotent
  Status status;
  RunOnStrand([&](auto) -> asio::awaitable<void> { status = co_await RunBlocking(pool, [] {}); });
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
}

TEST(BlockingPoolTest, MoveOnlyResultsAndTasks) {
  BlockingPool pool(1);
  Result<std::unique_ptr<int>> result = Internal("unset");
  auto owned = std::make_unique<int>(5);
  RunOnStrand([&](auto) -> asio::awaitable<void> {
    // Named first: GCC 12 double-destroys owning lambdas written inside a co_await expression.
    auto task = [p = std::move(owned)]() mutable { return std::move(p); };
    result = co_await RunBlocking(pool, std::move(task));
  });
  ASSERT_TRUE(result.ok());
  EXPECT_EQ(**result, 5);
}

}  // namespace
}  // namespace cairn::net
