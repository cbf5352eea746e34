// RunQuery: runs a storage read on the query BlockingPool and co_awaits its result for at most
// QUERY_TIMEOUT, so a slow store answers 500 on time (Zipkin's ITZipkinServerTimeout) and never
// blocks an I/O thread.
//
// Unlike net::RunBlocking, the caller may stop waiting before `fn` finishes: on timeout the
// coroutine resumes with kDeadlineExceeded while `fn` keeps its pool slot until it returns and its
// result is discarded. Hence `fn` must own everything it uses (capture by value, plus pointers to
// objects that outlive the pool, such as the SpanStore). The pool must be stopped before the
// io_context of the awaiting coroutines is destroyed. A full or stopped pool gives
// kResourceExhausted / kUnavailable right away.
#pragma once

#include <boost/asio/as_tuple.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <chrono>
#include <memory>
#include <optional>
#include <string>

#include "lib/net/blocking_pool.h"

namespace cairn::server {

namespace asio = boost::asio;

// timeout <= 0: wait as long as it takes.
template <typename F>
asio::awaitable<net::BlockingResultT<F>> RunQuery(net::BlockingPool& pool,
                                                  std::chrono::milliseconds timeout, F fn) {
  using R = net::BlockingResultT<F>;
  if (Status slot = pool.Acquire(); !slot.ok()) co_return R(std::move(slot));

  struct State {
    explicit State(const asio::any_io_executor& executor) : timer(executor) {}
    asio::steady_timer timer;
    std::optional<R> result;
  };
  auto executor = co_await asio::this_coro::executor;
  auto state = std::make_shared<State>(executor);
  if (timeout.count() > 0) {
    state->timer.expires_after(timeout);
  } else {
    state->timer.expires_at(asio::steady_timer::time_point::max());
  }
  // The work guard keeps the caller's io_context from running out of work (and returning from
  // run()) while the task is in flight.
  asio::post(pool.executor(), [&pool, state, task = std::move(fn),
                               work = asio::make_work_guard(executor)]() mutable {
    R result = net::internal::InvokeCatching<R>(task);
    pool.Release();
    asio::post(work.get_executor(), [state, result = std::move(result)]() mutable {
      state->result.emplace(std::move(result));
      state->timer.cancel();
    });
  });
  co_await state->timer.async_wait(asio::as_tuple(asio::use_awaitable));
  if (state->result) co_return std::move(*state->result);
  co_return R(DeadlineExceeded("query timed out after " + std::to_string(timeout.count()) + " ms"));
}

}  // namespace cairn::server
