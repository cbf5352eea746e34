#include "lib/trace/span_queue.h"

#include <bit>
#include <cassert>
#include <thread>

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace cairn::trace::internal {
namespace {

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield");
#endif
}

}  // namespace

SpanQueue::SpanQueue(std::size_t max_spans, std::uint64_t max_bytes)
    : max_spans_(max_spans),
      max_bytes_(max_bytes),
      capacity_(std::bit_ceil(max_spans)),
      mask_(capacity_ - 1),
      cells_(new Cell[capacity_]) {
  assert(max_spans >= 1 && max_spans <= kMaxSpans);
  assert(max_bytes >= 1 && max_bytes <= kMaxBytes);
  for (std::size_t i = 0; i < capacity_; ++i) {
    cells_[i].sequence.store(i, std::memory_order_relaxed);
  }
}

SpanQueue::~SpanQueue() {
  Popped popped;
  while (Pop(popped)) popped.span.reset();
}

SpanQueue::PushResult SpanQueue::TryPush(SpanRecordPtr& span, std::uint64_t bytes,
                                         Usage* after) noexcept {
  // A span bigger than the whole byte budget can never fit; rejecting it before touching the
  // shared word also keeps every delta below 2^32, so concurrent overshoot cannot reach the count.
  if (bytes > max_bytes_) return PushResult::kBytesFull;
  const std::uint64_t delta = (std::uint64_t{1} << kCountShift) + bytes;
  const std::uint64_t old = reserved_.fetch_add(delta, std::memory_order_seq_cst);
  PushResult refused = PushResult::kOk;
  if (old & kClosedBit) {
    refused = PushResult::kClosed;
  } else if (((old >> kCountShift) & kCountMask) >= max_spans_) {
    refused = PushResult::kSpansFull;
  } else if ((old & kBytesMask) + bytes > max_bytes_) {
    refused = PushResult::kBytesFull;
  }
  if (refused != PushResult::kOk) {
    // Exact inverse of the fetch_add whatever happened to the word in between.
    reserved_.fetch_sub(delta, std::memory_order_relaxed);
    return refused;
  }
  if (after != nullptr) {
    after->spans = ((old >> kCountShift) & kCountMask) + 1;
    after->bytes = (old & kBytesMask) + bytes;
  }

  // The reservation guarantees that fewer than capacity_ spans are queued, so the cell is free or
  // is being released by the consumer right now; the wait below is a safety net, not a lock.
  const std::uint64_t pos = tail_.fetch_add(1, std::memory_order_relaxed);
  Cell& cell = cells_[pos & mask_];
  for (int spins = 0; cell.sequence.load(std::memory_order_acquire) != pos; ++spins) {
    if (spins < 64) {
      CpuRelax();
    } else {
      std::this_thread::yield();
    }
  }
  cell.span = span.release();
  cell.bytes = bytes;
  cell.sequence.store(pos + 1, std::memory_order_release);
  return PushResult::kOk;
}

bool SpanQueue::Pop(Popped& out) noexcept {
  Cell& cell = cells_[head_ & mask_];
  if (cell.sequence.load(std::memory_order_acquire) != head_ + 1) return false;
  out.span.reset(cell.span);
  out.bytes = cell.bytes;
  cell.span = nullptr;
  cell.sequence.store(head_ + capacity_, std::memory_order_release);
  ++head_;
  return true;
}

void SpanQueue::Release(std::uint64_t spans, std::uint64_t bytes) noexcept {
  if (spans == 0 && bytes == 0) return;
  reserved_.fetch_sub((spans << kCountShift) + bytes, std::memory_order_seq_cst);
}

bool SpanQueue::Close() noexcept {
  return (reserved_.fetch_or(kClosedBit, std::memory_order_seq_cst) & kClosedBit) == 0;
}

bool SpanQueue::closed() const noexcept {
  return (reserved_.load(std::memory_order_acquire) & kClosedBit) != 0;
}

SpanQueue::Usage SpanQueue::usage() const noexcept {
  const std::uint64_t word = reserved_.load(std::memory_order_seq_cst);
  return Usage{(word >> kCountShift) & kCountMask, word & kBytesMask};
}

}  // namespace cairn::trace::internal
