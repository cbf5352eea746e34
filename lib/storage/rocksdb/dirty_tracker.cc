#include "lib/storage/rocksdb/dirty_tracker.h"

#include <algorithm>

namespace cairn::storage::rdb {

DirtyTracker::State& DirtyTracker::MarkLocked(std::uint64_t lo, std::uint64_t seq) {
  auto [it, inserted] = dirty_.try_emplace(lo);
  if (inserted) {
    it->second.first_seq = seq;
    ++first_seqs_[seq];
  } else {
    LowerFirstSeqLocked(it->second, seq);
  }
  return it->second;
}

void DirtyTracker::LowerFirstSeqLocked(State& state, std::uint64_t seq) {
  if (seq >= state.first_seq) return;
  ForgetFirstSeqLocked(state.first_seq);
  state.first_seq = seq;
  ++first_seqs_[seq];
}

void DirtyTracker::ForgetFirstSeqLocked(std::uint64_t seq) {
  auto it = first_seqs_.find(seq);
  if (it != first_seqs_.end() && --it->second == 0) first_seqs_.erase(it);
}

void DirtyTracker::QueueQuietLocked(std::uint64_t lo, State& state, std::int64_t now_ns) {
  // Writers read the clock before taking the lock, so times may arrive slightly out of order;
  // keeping them monotonic keeps the queue sorted at the cost of nanoseconds of quiet time.
  latest_quiet_ns_ = std::max(latest_quiet_ns_, now_ns);
  state.last_write_ns = latest_quiet_ns_;
  quiet_.push_back({lo, latest_quiet_ns_});
}

std::uint64_t DirtyTracker::BeginWrite(std::span<const std::uint64_t> trace_los,
                                       std::vector<std::uint8_t>* fresh) {
  if (fresh != nullptr) fresh->assign(trace_los.size(), 0);
  std::lock_guard<std::mutex> lock(mutex_);
  const std::uint64_t seq = next_seq_++;
  for (std::size_t i = 0; i < trace_los.size(); ++i) {
    const std::size_t before = dirty_.size();
    State& state = MarkLocked(trace_los[i], seq);
    if (fresh != nullptr && dirty_.size() > before) (*fresh)[i] = 1;
    ++state.writes_in_flight;
    ++state.writes;
    state.known_links.reset();  // links known from one batch no longer cover the trace
  }
  return seq;
}

void DirtyTracker::EndWrite(std::span<const std::uint64_t> trace_los, std::int64_t now_ns,
                            std::span<std::optional<std::string>> known_links) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::size_t i = 0; i < trace_los.size(); ++i) {
    auto it = dirty_.find(trace_los[i]);
    if (it == dirty_.end()) continue;  // cannot happen: in-flight traces are never taken
    State& state = it->second;
    // Only this batch wrote the trace since it became dirty, and nothing was stored before.
    if (i < known_links.size() && known_links[i].has_value() && state.writes == 1) {
      state.known_links = std::move(known_links[i]);
    }
    if (--state.writes_in_flight == 0) QueueQuietLocked(trace_los[i], state, now_ns);
  }
}

void DirtyTracker::Recover(std::uint64_t seq, std::span<const std::uint64_t> trace_los,
                           std::int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  next_seq_ = std::max(next_seq_, seq + 1);
  for (std::uint64_t lo : trace_los) {
    State& state = MarkLocked(lo, seq);
    if (state.writes_in_flight == 0) QueueQuietLocked(lo, state, now_ns);
  }
}

std::vector<DirtyTracker::Entry> DirtyTracker::TakeQuiet(std::int64_t quiet_before_ns,
                                                         std::size_t max) {
  std::vector<Entry> taken;
  std::lock_guard<std::mutex> lock(mutex_);
  while (!quiet_.empty() && taken.size() < max && quiet_.front().last_write_ns <= quiet_before_ns) {
    const Quiet quiet = quiet_.front();
    quiet_.pop_front();
    auto it = dirty_.find(quiet.trace_lo);
    // Stale entries: the trace was taken since, is being written, or was written again later
    // (its newer entry is further back in the queue).
    if (it == dirty_.end() || it->second.writes_in_flight > 0 ||
        it->second.last_write_ns != quiet.last_write_ns) {
      continue;
    }
    taken.push_back({quiet.trace_lo, it->second.first_seq, std::move(it->second.known_links)});
    ForgetFirstSeqLocked(it->second.first_seq);
    dirty_.erase(it);
  }
  return taken;
}

void DirtyTracker::Restore(std::span<const Entry> entries, std::int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Entry& entry : entries) {
    const std::size_t before = dirty_.size();
    State& state = MarkLocked(entry.trace_lo, entry.first_seq);
    // Written again meanwhile: the known links no longer cover the trace.
    if (dirty_.size() > before) state.known_links = entry.known_links;
    // A trace being written again is queued when that write ends.
    if (state.writes_in_flight == 0) QueueQuietLocked(entry.trace_lo, state, now_ns);
  }
}

std::uint64_t DirtyTracker::Watermark() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return first_seqs_.empty() ? next_seq_ : std::min(next_seq_, first_seqs_.begin()->first);
}

std::size_t DirtyTracker::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dirty_.size();
}

}  // namespace cairn::storage::rdb
