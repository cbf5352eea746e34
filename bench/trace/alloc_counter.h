// Heap allocation counting for bench_trace. alloc_counter.cc replaces the global operator
// new/delete (every form) with malloc/free wrappers that count calls while counting is on. Off,
// the cost is one relaxed atomic load per allocation, so timed benchmarks are not disturbed.
#pragma once

#include <cstdint>

namespace cairn::bench {

struct AllocationCounts {
  std::uint64_t this_thread = 0;  // operator new calls on the thread that started counting
  std::uint64_t all_threads = 0;  // operator new calls on every thread
};

// Starts counting from zero. Not reentrant: one counting window at a time.
void StartCountingAllocations();
// Stops counting and returns the counts since StartCountingAllocations; call it on the same thread.
AllocationCounts StopCountingAllocations();

}  // namespace cairn::bench
