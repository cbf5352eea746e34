// BlockingPool and RunBlocking: run blocking work (storage writes, BCrypt, file I/O) on dedicated
// threads and co_await its result from an I/O coroutine, so I/O threads never block.
//
//   Result<Trace> trace = co_await RunBlocking(pool, [&] { return store.GetTrace(id); });
//
// The pool is bounded: at most `max_pending` tasks are queued or running. RunBlocking on a full or
// stopped pool does not run `fn` and reports kResourceExhausted (full) or kUnavailable (stopped)
// right away, which a handler typically answers with 503. The caller's coroutine resumes on its own
// executor (the connection's strand), never on a pool thread.
//
// What RunBlocking returns depends on what `fn` returns:
//   void -> Status,  Status -> Status,  Result<T> -> Result<T>,  any other T -> Result<T>.
// A task that throws is reported as kInternal (exceptions do not cross the pool).
//
// `fn` is moved to the pool thread; anything it references must outlive the co_await (references to
// the caller's coroutine locals are fine, since the caller is suspended until `fn` returns).
// GCC 12 bug: a lambda with owning captures (e.g. [p = std::move(ptr)]) written inside the co_await
// expression is destroyed twice (see equeim/tremotesf2#551). Name such a lambda first:
//   auto task = [batch = std::move(batch)] { ... };  co_await RunBlocking(pool, std::move(task));
// Lambdas capturing only references or trivially destructible values are not affected.
// Lifetime: tasks finish before Stop() returns; stop the pool (or destroy it) before destroying the
// io_context (HttpServer) whose coroutines wait on it. All members are thread-safe.
#pragma once

#include <atomic>
#include <boost/asio/async_result.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <cstddef>
#include <cstdint>
#include <exception>
#include <type_traits>
#include <utility>

#include "lib/base/status.h"
#include "lib/net/http.h"

namespace cairn::net {

class BlockingPool {
 public:
  // `threads` >= 1 worker threads; `max_pending` >= 1 tasks queued or running at once.
  explicit BlockingPool(std::size_t threads, std::size_t max_pending = 1024);
  ~BlockingPool();  // Stop()
  BlockingPool(const BlockingPool&) = delete;
  BlockingPool& operator=(const BlockingPool&) = delete;

  // Refuses new tasks, waits for queued and running ones to finish, joins the threads. Idempotent.
  void Stop();

  std::size_t pending() const { return pending_.load(std::memory_order_relaxed); }
  // Tasks refused because the pool was full or stopped.
  std::uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }

  // Reserves a slot for one task; kOk, kResourceExhausted or kUnavailable. Used by RunBlocking.
  Status Acquire();
  void Release() { pending_.fetch_sub(1, std::memory_order_acq_rel); }
  asio::thread_pool::executor_type executor() { return pool_.get_executor(); }

 private:
  asio::thread_pool pool_;
  const std::size_t max_pending_;
  std::atomic<std::size_t> pending_{0};
  std::atomic<std::uint64_t> rejected_{0};
  std::atomic<bool> stopped_{false};
};

namespace internal {

template <typename T>
struct BlockingResult {
  using type = Result<T>;
};
template <>
struct BlockingResult<void> {
  using type = Status;
};
template <>
struct BlockingResult<Status> {
  using type = Status;
};
template <typename T>
struct BlockingResult<Result<T>> {
  using type = Result<T>;
};

template <typename R, typename F>
R InvokeCatching(F& fn) noexcept {
  try {
    if constexpr (std::is_void_v<std::invoke_result_t<F&>>) {
      fn();
      return Status();
    } else {
      return R(fn());
    }
  } catch (const std::exception& e) {
    return R(Internal(std::string("blocking task threw: ") + e.what()));
  } catch (...) {
    return R(Internal("blocking task threw a non-standard exception"));
  }
}

}  // namespace internal

template <typename F>
using BlockingResultT = typename internal::BlockingResult<std::invoke_result_t<F&>>::type;

template <typename F>
asio::awaitable<BlockingResultT<F>> RunBlocking(BlockingPool& pool, F fn) {
  using R = BlockingResultT<F>;
  if (Status slot = pool.Acquire(); !slot.ok()) co_return R(std::move(slot));
  co_return co_await asio::async_initiate<const asio::use_awaitable_t<>&, void(R)>(
      [&pool](auto handler, F task) {
        // Keep the caller's executor alive (and its io_context running) until we resume it.
        auto caller = asio::prefer(asio::get_associated_executor(handler),
                                   asio::execution::outstanding_work.tracked);
        asio::post(pool.executor(), [&pool, caller, task = std::move(task),
                                     handler = std::move(handler)]() mutable {
          R result = internal::InvokeCatching<R>(task);
          pool.Release();
          asio::post(caller, [handler = std::move(handler), result = std::move(result)]() mutable {
            std::move(handler)(std::move(result));
          });
        });
      },
      asio::use_awaitable, std::move(fn));
}

}  // namespace cairn::net
