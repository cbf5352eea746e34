// The current span. Two thread_locals, both constant-initialised (no TLS guard, no destructor):
// the thread's own slot and a pointer to the slot a SlotGuard installed.
#include "cairn/trace/current_span.h"

#include <cassert>

namespace cairn::trace {
namespace {

thread_local ContextSlot t_thread_slot;
thread_local ContextSlot* t_installed_slot = nullptr;

}  // namespace

const TraceContext* ContextSlot::Current() const {
  const TraceContext& context = top_ != nullptr ? top_->context_ : base_;
  return context.IsValid() ? &context : nullptr;
}

ContextSlot& CurrentSlot() {
  ContextSlot* installed = t_installed_slot;
  return installed != nullptr ? *installed : t_thread_slot;
}

Scope::Scope(const TraceContext& context)
    : context_(context), slot_(&CurrentSlot()), previous_(slot_->top_) {
  slot_->top_ = this;
}

Scope::~Scope() {
  assert(slot_->top_ == this && "Scope destroyed out of order or on another task");
  slot_->top_ = previous_;
}

SlotGuard::SlotGuard(ContextSlot& slot) : previous_(t_installed_slot) { t_installed_slot = &slot; }

SlotGuard::~SlotGuard() { t_installed_slot = previous_; }

}  // namespace cairn::trace
