// SpanQueue: the AsyncReporter's bounded, lock-free, multi-producer single-consumer queue of
// finished spans, bounded both in spans and in (estimated) bytes.
//
// Producers reserve room with one atomic fetch_add on a packed word that holds the queued span
// count, the queued bytes and a "closed" bit, so the span limit, the byte limit and Close are
// decided by a single atomic step (a failed reservation is undone with a fetch_sub). A successful
// reservation guarantees a free cell in a Vyukov-style ring of sequence-numbered cells, so the
// push itself is a fetch_add on the tail plus a release store: no CAS loop, no lock, no allocation.
//
// The consumer pops cells in order and gives room back with Release(), typically once per batch
// of pops, which keeps the consumer off the producers' cache line.
//
// Thread-safety: TryPush, Close, usage(), pushed() from any thread; Pop and Release from the one
// consumer thread only.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>

#include "cairn/trace/span_record.h"

namespace cairn::trace::internal {

class SpanQueue {
 public:
  // Limits the packed reservation word can represent with ample headroom for transient overshoot
  // by concurrent failed reservations.
  static constexpr std::size_t kMaxSpans = std::size_t{1} << 20;
  static constexpr std::uint64_t kMaxBytes = std::uint64_t{1} << 32;

  enum class PushResult : std::uint8_t { kOk, kSpansFull, kBytesFull, kClosed };

  struct Usage {
    std::uint64_t spans = 0;  // reserved: queued plus being pushed right now
    std::uint64_t bytes = 0;
  };

  struct Popped {
    SpanRecordPtr span;
    std::uint64_t bytes = 0;
  };

  // Requires 1 <= max_spans <= kMaxSpans and 1 <= max_bytes <= kMaxBytes (the reporter's options
  // validation guarantees it).
  SpanQueue(std::size_t max_spans, std::uint64_t max_bytes);
  // Frees every span still queued. No producer may run concurrently.
  ~SpanQueue();

  SpanQueue(const SpanQueue&) = delete;
  SpanQueue& operator=(const SpanQueue&) = delete;

  // Enqueues `span` (non-null) accounted as `bytes`. On kOk the queue owns the span and `span` is
  // null; otherwise `span` is untouched. `after` (when non-null) receives the occupancy right after
  // this push on kOk. The reservation is sequentially consistent, so a caller that then loads
  // another seq_cst flag (the worker's sleep state) forms a correct Dekker pair with the consumer.
  PushResult TryPush(SpanRecordPtr& span, std::uint64_t bytes, Usage* after = nullptr) noexcept;

  // Consumer only. Takes the next span if it is published; false when the queue is empty or the
  // next reserved cell is still being written by its producer. Room is not given back until
  // Release.
  bool Pop(Popped& out) noexcept;

  // Consumer only. Gives back room for `spans` popped spans totalling `bytes`.
  void Release(std::uint64_t spans, std::uint64_t bytes) noexcept;

  // Later pushes fail with kClosed. Returns true for the call that closed the queue.
  bool Close() noexcept;
  bool closed() const noexcept;

  // Sequentially consistent snapshot of the reserved room.
  Usage usage() const noexcept;
  // Spans accepted so far (monotonic; counts pushes whose cell may still be being written).
  std::uint64_t pushed() const noexcept { return tail_.load(std::memory_order_acquire); }
  // Consumer only: spans popped so far.
  std::uint64_t popped() const noexcept { return head_; }
  std::size_t capacity() const noexcept { return capacity_; }
  std::size_t max_spans() const noexcept { return max_spans_; }
  std::uint64_t max_bytes() const noexcept { return max_bytes_; }

 private:
  static constexpr int kCountShift = 40;
  static constexpr std::uint64_t kBytesMask = (std::uint64_t{1} << kCountShift) - 1;
  static constexpr std::uint64_t kCountMask = (std::uint64_t{1} << 23) - 1;
  static constexpr std::uint64_t kClosedBit = std::uint64_t{1} << 63;

  struct Cell {
    std::atomic<std::uint64_t> sequence{0};
    SpanRecord* span = nullptr;
    std::uint64_t bytes = 0;
  };

  const std::size_t max_spans_;
  const std::uint64_t max_bytes_;
  const std::size_t capacity_;  // power of two >= max_spans_
  const std::uint64_t mask_;
  std::unique_ptr<Cell[]> cells_;

  // Producers' line: the reservation word and the tail.
  alignas(64) std::atomic<std::uint64_t> reserved_{0};
  std::atomic<std::uint64_t> tail_{0};
  // Consumer's line.
  alignas(64) std::uint64_t head_ = 0;
};

}  // namespace cairn::trace::internal
