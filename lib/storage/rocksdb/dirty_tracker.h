// Which traces need (re-)linking. Accept marks the lower trace ids of its batch dirty before it
// writes and records them under the batch's sequence number in the dirty queue (keys.h), so a
// crash loses nothing: on open the queue is read back. The aggregator takes traces that have been
// quiet (no write in flight, none finished within the quiet period), links them, and then deletes
// the queue below the watermark: the oldest batch that still has a dirty trace.
//
// Known links: linking normally reads the trace back from the store. When the writer of a batch
// found that a trace had nothing stored when it became dirty, it hands the trace's links (an
// encoded contribution, link_store.h) to EndWrite; if no other batch wrote the trace since, the
// links are the trace's whole contribution and TakeQuiet returns them, so linking needs no read.
//
// Every operation costs O(log n) or O(1) per trace it touches, never a scan of the dirty set:
// - the watermark is the first key of a count of dirty traces per first sequence number;
// - traces without writes in flight sit in a queue ordered by their last write (oldest first), so
//   TakeQuiet pops from its front. Entries are not removed when a trace is written again or taken:
//   a popped entry that no longer matches its trace's state is skipped.
//
// Thread-safe (one mutex; Accept takes it twice per batch).
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

namespace cairn::storage::rdb {

class DirtyTracker {
 public:
  // Batches get sequence numbers from `first_seq` on.
  explicit DirtyTracker(std::uint64_t first_seq) : next_seq_(first_seq) {}

  // Marks `trace_los` as being written by a new batch and returns the batch's sequence number.
  // With `fresh`, sets fresh[i] to whether trace_los[i] was not dirty before.
  std::uint64_t BeginWrite(std::span<const std::uint64_t> trace_los,
                           std::vector<std::uint8_t>* fresh = nullptr);
  // The batch's write finished (successfully or not) at monotonic time `now_ns`. `known_links`
  // (empty, or one per trace) holds, for fresh traces of a successful write that had nothing
  // stored before it, the encoded contribution of the batch's spans of the trace.
  void EndWrite(std::span<const std::uint64_t> trace_los, std::int64_t now_ns,
                std::span<std::optional<std::string>> known_links = {});
  // A batch read back from the dirty queue at open.
  void Recover(std::uint64_t seq, std::span<const std::uint64_t> trace_los, std::int64_t now_ns);

  struct Entry {
    std::uint64_t trace_lo = 0;
    std::uint64_t first_seq = 0;  // oldest batch with unlinked spans of the trace
    // The trace's whole contribution, when known without reading the store (see above).
    std::optional<std::string> known_links;
  };
  // Removes and returns up to `max` traces without writes in flight whose last write finished at
  // or before `quiet_before_ns`, those written longest ago first.
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
    int writes = 0;  // batches begun since the trace became dirty
    std::optional<std::string> known_links;
  };
  struct Quiet {
    std::uint64_t trace_lo;
    std::int64_t last_write_ns;
  };

  // Makes `lo` dirty from `seq` on (or from earlier, if it already is); returns its state.
  State& MarkLocked(std::uint64_t lo, std::uint64_t seq);
  void LowerFirstSeqLocked(State& state, std::uint64_t seq);
  void ForgetFirstSeqLocked(std::uint64_t seq);
  // Queues a trace that has no write in flight as quiet since `now_ns` (kept monotonic).
  void QueueQuietLocked(std::uint64_t lo, State& state, std::int64_t now_ns);

  mutable std::mutex mutex_;
  std::uint64_t next_seq_;
  std::unordered_map<std::uint64_t, State> dirty_;
  std::map<std::uint64_t, std::size_t> first_seqs_;  // first_seq -> dirty traces with it
  std::deque<Quiet> quiet_;                          // by last_write_ns, oldest first
  std::int64_t latest_quiet_ns_ = INT64_MIN;
};

}  // namespace cairn::storage::rdb
