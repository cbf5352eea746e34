// Carrying the current span across Asio handlers and C++20 coroutines.
//
// The tracer's current span lives in a trace::ContextSlot, one per thread by default. That breaks
// down under Asio: one thread interleaves many tasks, and a coroutine that suspends on one thread
// resumes on another. The fix is one slot per logical task, installed (trace::SlotGuard) on
// whatever thread runs the task's next piece of work:
//
// - ContextExecutor<Inner> wraps a standard Asio executor and owns a shared ContextSlot. Every
//   function it executes runs under a SlotGuard for that slot. A coroutine spawned on it resumes
//   through it after every co_await, so Scopes opened by the coroutine stay current across
//   suspensions and threads, and never leak into other tasks.
// - co_spawn_with_context(executor, awaitable, token) spawns a coroutine on a ContextExecutor with
//   a fresh slot whose base context is the span current at the call (so the coroutine's first
//   spans are children of the spawner's).
// - bind_context(context, handler) runs one completion handler (asio::post, async_* callbacks)
//   with `context` as its current span; associated executor, allocator and cancellation slot of
//   the wrapped handler are preserved.
//
//   asio::co_spawn(...)                      // no: all coroutines share each thread's slot
//   cairn::trace_asio::co_spawn_with_context(io.get_executor(), Session(std::move(socket)),
//                                            asio::detached);
//
//   asio::awaitable<void> Session(tcp::socket socket) {
//     trace::Span span = tracer.StartSpanFromExtracted(...);
//     trace::Scope scope(span.context());      // current until the coroutine leaves this block,
//     co_await timer.async_wait(asio::use_awaitable);  // ... on whichever thread it resumes
//     trace::Span child = tracer.StartSpan("db");      // child of `span`
//   }
//
// Function names are lower-case like the Asio functions they wrap. Threading: a ContextExecutor
// and its copies share one slot, so they must serve one task at a time: a coroutine, or a chain of
// handlers (wrap a strand's executor to serialise handlers that could run concurrently). Coroutines
// spawned from inside a task must use co_spawn_with_context again (asio::co_spawn with
// `co_await this_coro::executor` would share the parent's slot).
// See docs/context-propagation.md.
#pragma once

#include <boost/asio/associator.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/execution.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/query.hpp>
#include <boost/asio/require.hpp>
#include <memory>
#include <type_traits>
#include <utility>

#include "cairn/trace/context.h"
#include "cairn/trace/current_span.h"

namespace cairn::trace_asio {

namespace asio = boost::asio;

template <typename Inner>
class ContextExecutor {
 public:
  // `slot` must not be null.
  ContextExecutor(Inner inner, std::shared_ptr<trace::ContextSlot> slot) noexcept
      : inner_(std::move(inner)), slot_(std::move(slot)) {}

  const Inner& inner_executor() const noexcept { return inner_; }
  const std::shared_ptr<trace::ContextSlot>& slot() const noexcept { return slot_; }

  // Runs `f` through the inner executor with this task's slot installed.
  template <typename F>
  void execute(F&& f) const {
    inner_.execute(Bound<std::decay_t<F>>{slot_, std::forward<F>(f)});
  }

  // Properties are the inner executor's; require/prefer keep the slot.
  template <typename Property>
  requires asio::can_query<const Inner&, Property>::value
      typename asio::query_result<const Inner&, Property>::type
      query(const Property& p) const
      noexcept(asio::is_nothrow_query<const Inner&, Property>::value) {
    return asio::query(inner_, p);
  }

  template <typename Property>
  requires asio::can_require<const Inner&, Property>::value
      ContextExecutor<std::decay_t<typename asio::require_result<const Inner&, Property>::type>>
      require(const Property& p)
  const noexcept(asio::is_nothrow_require<const Inner&, Property>::value) {
    return {asio::require(inner_, p), slot_};
  }

  template <typename Property>
  requires asio::can_prefer<const Inner&, Property>::value
      ContextExecutor<std::decay_t<typename asio::prefer_result<const Inner&, Property>::type>>
      prefer(const Property& p)
  const noexcept(asio::is_nothrow_prefer<const Inner&, Property>::value) {
    return {asio::prefer(inner_, p), slot_};
  }

  friend bool operator==(const ContextExecutor& a, const ContextExecutor& b) noexcept {
    return a.slot_ == b.slot_ && a.inner_ == b.inner_;
  }
  friend bool operator!=(const ContextExecutor& a, const ContextExecutor& b) noexcept {
    return !(a == b);
  }

 private:
  template <typename F>
  struct Bound {
    std::shared_ptr<trace::ContextSlot> slot;
    F f;

    void operator()() {
      trace::SlotGuard guard(*slot);
      std::move(f)();
    }
  };

  Inner inner_;
  std::shared_ptr<trace::ContextSlot> slot_;
};

// The executor of a new task: `executor` (unwrapped when it already is a ContextExecutor) with a
// fresh slot whose base is `base`.
template <typename Executor>
auto make_context_executor(const Executor& executor, const trace::TraceContext& base) {
  auto slot = std::make_shared<trace::ContextSlot>(base);
  return ContextExecutor<Executor>(executor, std::move(slot));
}

template <typename Inner>
ContextExecutor<Inner> make_context_executor(const ContextExecutor<Inner>& executor,
                                             const trace::TraceContext& base) {
  return make_context_executor(executor.inner_executor(), base);
}

// The same with the current span (if any) as the base.
template <typename Executor>
auto make_context_executor(const Executor& executor) {
  const trace::TraceContext* current = trace::CurrentContext();
  return make_context_executor(executor, current ? *current : trace::TraceContext{});
}

// asio::co_spawn on a new task executor: the coroutine gets its own slot for its whole life.
// `executor` is an Asio executor (not an execution context: pass io.get_executor()).
template <typename Executor, typename T, typename AwaitableExecutor, typename CompletionToken>
auto co_spawn_with_context(const Executor& executor,
                           asio::awaitable<T, AwaitableExecutor> awaitable,
                           CompletionToken&& token) {
  return asio::co_spawn(make_context_executor(executor), std::move(awaitable),
                        std::forward<CompletionToken>(token));
}

// The same for a function returning an awaitable (asio::co_spawn's other form).
template <typename Executor, typename F, typename CompletionToken>
requires std::is_invocable_v<F>
auto co_spawn_with_context(const Executor& executor, F&& function, CompletionToken&& token) {
  return asio::co_spawn(make_context_executor(executor), std::forward<F>(function),
                        std::forward<CompletionToken>(token));
}

// A completion handler that runs `handler` with `context` as the current span.
template <typename Handler>
class ContextBoundHandler {
 public:
  ContextBoundHandler(const trace::TraceContext& context, Handler handler)
      : context_(context), handler_(std::move(handler)) {}

  template <typename... Args>
  decltype(auto) operator()(Args&&... args) && {
    trace::ContextSlot slot(context_);
    trace::SlotGuard guard(slot);
    return std::move(handler_)(std::forward<Args>(args)...);
  }
  template <typename... Args>
  decltype(auto) operator()(Args&&... args) & {
    trace::ContextSlot slot(context_);
    trace::SlotGuard guard(slot);
    return handler_(std::forward<Args>(args)...);
  }

  const Handler& handler() const noexcept { return handler_; }
  const trace::TraceContext& context() const noexcept { return context_; }

 private:
  trace::TraceContext context_;
  Handler handler_;
};

template <typename Handler>
ContextBoundHandler<std::decay_t<Handler>> bind_context(const trace::TraceContext& context,
                                                        Handler&& handler) {
  return {context, std::forward<Handler>(handler)};
}

// With whatever span is current now.
template <typename Handler>
ContextBoundHandler<std::decay_t<Handler>> bind_context(Handler&& handler) {
  const trace::TraceContext* current = trace::CurrentContext();
  return {current ? *current : trace::TraceContext{}, std::forward<Handler>(handler)};
}

}  // namespace cairn::trace_asio

namespace boost::asio {

// Forwards every association (executor, allocator, cancellation slot, ...) to the wrapped handler,
// as asio::executor_binder does.
template <template <typename, typename> class Associator, typename Handler,
          typename DefaultCandidate>
struct associator<Associator, cairn::trace_asio::ContextBoundHandler<Handler>, DefaultCandidate> {
  using type = typename Associator<Handler, DefaultCandidate>::type;

  static type get(const cairn::trace_asio::ContextBoundHandler<Handler>& h) noexcept {
    return Associator<Handler, DefaultCandidate>::get(h.handler());
  }
  static auto get(const cairn::trace_asio::ContextBoundHandler<Handler>& h,
                  const DefaultCandidate& c) noexcept
      -> decltype(Associator<Handler, DefaultCandidate>::get(h.handler(), c)) {
    return Associator<Handler, DefaultCandidate>::get(h.handler(), c);
  }
};

}  // namespace boost::asio
