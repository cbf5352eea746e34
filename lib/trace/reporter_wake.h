// Sleeping and waking the reporter's worker thread without a lock on the caller's side: a 32-bit
// atomic state word the worker parks on (a Linux futex; a short poll elsewhere). The waker changes
// the word first, so a wake that races with the worker going to sleep is never lost: the kernel
// re-checks the word before blocking.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

namespace cairn::trace::internal {

// Blocks while `word` holds `expected`, for at most `timeout`. May return early or spuriously;
// callers re-check their condition.
void ParkWhile(std::atomic<std::uint32_t>& word, std::uint32_t expected,
               std::chrono::nanoseconds timeout) noexcept;

// Wakes one thread parked on `word` (the caller has already changed the word).
void UnparkOne(std::atomic<std::uint32_t>& word) noexcept;

}  // namespace cairn::trace::internal
