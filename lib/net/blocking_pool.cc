#include "lib/net/blocking_pool.h"

#include <chrono>
#include <string>
#include <thread>

namespace cairn::net {

BlockingPool::BlockingPool(std::size_t threads, std::size_t max_pending)
    : pool_(threads == 0 ? 1 : threads), max_pending_(max_pending == 0 ? 1 : max_pending) {}

BlockingPool::~BlockingPool() { Stop(); }

void BlockingPool::Stop() {
  stopped_.store(true);
  // A task that got its slot before `stopped_` was set may not be posted yet; joining before it is
  // would strand it. Acquire increments before it checks `stopped_` (both seq_cst), so once
  // pending_ reads 0 here no task can still be on its way in.
  while (pending_.load() != 0) std::this_thread::sleep_for(std::chrono::milliseconds(1));
  pool_.join();
}

Status BlockingPool::Acquire() {
  const std::size_t before = pending_.fetch_add(1);
  if (stopped_.load()) {
    pending_.fetch_sub(1);
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return Unavailable("blocking pool is stopped");
  }
  if (before >= max_pending_) {
    pending_.fetch_sub(1);
    rejected_.fetch_add(1, std::memory_order_relaxed);
    return ResourceExhausted("blocking pool is full (" + std::to_string(max_pending_) +
                             " tasks pending)");
  }
  return Status();
}

}  // namespace cairn::net
