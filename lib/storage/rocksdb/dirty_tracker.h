// Which traces need (re-)linking. Accept marks the lower trace ids of its batch dirty before it
// writes and records them under the batch's sequence number in the dirty queue (keys.h), so a
// crash loses nothing: on open the queue is read back. The aggregator takes traces that have been
// quiet (no write in flight, none finished within the quiet period), links them, and then deletes
// the queue below the watermark: the oldest batch that still has a dirty trace.
//
// Thread-safe (one mutex; Accept takes it twice per batch).
#pragma once

#include <cstdint>
#include <mutex>
#include <span>
#include <unordered_map>
#include <vector>

namespace cairn::storage::rdb {

class DirtyTracker {
 public:
  // Batches get sequence numbers from `first_seq` on.
  explicit DirtyTracker(std::uint64_t first_seq) : next_seq_(first_seq) {}

  // Marks `trace_los` as being written by a new batch and returns the batch's sequence number.
  std::uint64_t BeginWrite(std::span<const std::uint64_t> trace_los);
  // The batch's write finished (successfully or not) at monotonic time `now_ns`.
  void EndWrite(std::span<const std::uint64_t> trace_los, std::int64_t now_ns);
  // A batch read back from the dirty queue at open.
  void Recover(std::uint64_t seq, std::span<const std::uint64_t> trace_los, std::int64_t now_ns);

  struct Entry {
    std::uint64_t trace_lo = 0;
    std::uint64_t first_seq = 0;  // oldest batch with unlinked spans of the trace
  };
  // Removes and returns up to `max` traces without writes in flight whose last write finished at
  // or before `quiet_before_ns`.
  std::vector<Entry> TakeQuiet(std::int64_t quiet_before_ns, std::size_t max);
  // Puts back traces whose linking failed, to be retried.
  void Restore(std::span<const Entry> entries, std::int64_t now_ns);

  // Every dirty-queue key below this sequence number is fully linked.
  std::uint64_t Watermark() const;
  std::size_t size() const;

 private:
  struct State {
    std::uint64_t first_seq = 0;
    std::int64_t last_write_ns = 0;
    int writes_in_flight = 0;
  };

  mutable std::mutex mutex_;
  std::uint64_t next_seq_;
  std::unordered_map<std::uint64_t, State> dirty_;
};

}  // namespace cairn::storage::rdb
