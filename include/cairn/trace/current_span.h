// The current span: which TraceContext new spans use as their parent when none is given.
//
// Storage is a ContextSlot: a stack of scopes. Each thread has its own slot by default. Code that
// migrates between threads (Asio handlers, C++20 coroutines resumed on another thread) gives each
// logical task its own slot and installs it on whatever thread runs the task (SlotGuard); then the
// task's scopes follow it from thread to thread. lib/trace_asio's asio_context.h wraps an Asio
// executor so that this happens for every handler and coroutine resumption automatically; see
// docs/context-propagation.md.
//
// Rules: a Scope is destroyed on the task that created it, in reverse order of creation (RAII).
// Nothing here allocates or locks.
#pragma once

#include <utility>

#include "cairn/trace/context.h"

namespace cairn::trace {

class Scope;

class ContextSlot {
 public:
  ContextSlot() = default;
  // Starts the slot with `base` as its current context (e.g. the context captured when a task
  // was created). An invalid context means "no current span".
  explicit ContextSlot(const TraceContext& base) : base_(base) {}
  ContextSlot(const ContextSlot&) = delete;
  ContextSlot& operator=(const ContextSlot&) = delete;

  // The innermost scope's context, else the base context; nullptr when there is none.
  const TraceContext* Current() const;

 private:
  friend class Scope;
  TraceContext base_;
  Scope* top_ = nullptr;
};

// The slot in force on this thread: the one installed by the innermost SlotGuard, else the
// thread's own.
ContextSlot& CurrentSlot();

// The current context, or nullptr.
inline const TraceContext* CurrentContext() { return CurrentSlot().Current(); }

// Makes `context` current in the current slot until destroyed. A Scope of an invalid context
// hides the outer ones: CurrentContext() is nullptr inside it (new spans start new traces).
class Scope {
 public:
  explicit Scope(const TraceContext& context);
  ~Scope();
  Scope(const Scope&) = delete;
  Scope& operator=(const Scope&) = delete;

  const TraceContext& context() const { return context_; }

 private:
  friend class ContextSlot;
  TraceContext context_;
  ContextSlot* slot_;
  Scope* previous_;
};

// Installs `slot` as this thread's current slot until destroyed, then restores the previous one.
class SlotGuard {
 public:
  explicit SlotGuard(ContextSlot& slot);
  ~SlotGuard();
  SlotGuard(const SlotGuard&) = delete;
  SlotGuard& operator=(const SlotGuard&) = delete;

 private:
  ContextSlot* previous_;
};

// Wraps a callable so that it runs with `context` as the current span on whatever thread calls it
// (explicit context passing for thread pools, std::thread, callbacks).
template <typename F>
auto BindContext(const TraceContext& context, F&& f) {
  return [context, f = std::forward<F>(f)](auto&&... args) mutable -> decltype(auto) {
    ContextSlot slot(context);
    SlotGuard guard(slot);
    return f(std::forward<decltype(args)>(args)...);
  };
}

// The same with whatever is current now.
template <typename F>
auto BindCurrentContext(F&& f) {
  const TraceContext* current = CurrentContext();
  return BindContext(current ? *current : TraceContext{}, std::forward<F>(f));
}

}  // namespace cairn::trace
