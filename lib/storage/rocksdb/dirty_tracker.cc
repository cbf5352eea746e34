#include "lib/storage/rocksdb/dirty_tracker.h"

#include <algorithm>

namespace cairn::storage::rdb {

std::uint64_t DirtyTracker::BeginWrite(std::span<const std::uint64_t> trace_los) {
  std::lock_guard<std::mutex> lock(mutex_);
  const std::uint64_t seq = next_seq_++;
  for (std::uint64_t lo : trace_los) {
    auto [it, inserted] = dirty_.try_emplace(lo);
    if (inserted) it->second.first_seq = seq;
    ++it->second.writes_in_flight;
  }
  return seq;
}

void DirtyTracker::EndWrite(std::span<const std::uint64_t> trace_los, std::int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (std::uint64_t lo : trace_los) {
    auto it = dirty_.find(lo);
    if (it == dirty_.end()) continue;  // cannot happen: in-flight traces are never taken
    --it->second.writes_in_flight;
    it->second.last_write_ns = std::max(it->second.last_write_ns, now_ns);
  }
}

void DirtyTracker::Recover(std::uint64_t seq, std::span<const std::uint64_t> trace_los,
                           std::int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  next_seq_ = std::max(next_seq_, seq + 1);
  for (std::uint64_t lo : trace_los) {
    auto [it, inserted] = dirty_.try_emplace(lo);
    if (inserted || seq < it->second.first_seq) it->second.first_seq = seq;
    it->second.last_write_ns = std::max(it->second.last_write_ns, now_ns);
  }
}

std::vector<DirtyTracker::Entry> DirtyTracker::TakeQuiet(std::int64_t quiet_before_ns,
                                                         std::size_t max) {
  std::vector<Entry> taken;
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto it = dirty_.begin(); it != dirty_.end() && taken.size() < max;) {
    const State& state = it->second;
    if (state.writes_in_flight == 0 && state.last_write_ns <= quiet_before_ns) {
      taken.push_back({it->first, state.first_seq});
      it = dirty_.erase(it);
    } else {
      ++it;
    }
  }
  return taken;
}

void DirtyTracker::Restore(std::span<const Entry> entries, std::int64_t now_ns) {
  std::lock_guard<std::mutex> lock(mutex_);
  for (const Entry& entry : entries) {
    auto [it, inserted] = dirty_.try_emplace(entry.trace_lo);
    if (inserted || entry.first_seq < it->second.first_seq) {
      it->second.first_seq = entry.first_seq;
    }
    it->second.last_write_ns = std::max(it->second.last_write_ns, now_ns);
  }
}

std::uint64_t DirtyTracker::Watermark() const {
  std::lock_guard<std::mutex> lock(mutex_);
  std::uint64_t watermark = next_seq_;
  for (const auto& [lo, state] : dirty_) watermark = std::min(watermark, state.first_seq);
  return watermark;
}

std::size_t DirtyTracker::size() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return dirty_.size();
}

}  // namespace cairn::storage::rdb
