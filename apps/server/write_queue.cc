#include "apps/server/write_queue.h"

#include <malloc.h>

#include <algorithm>

namespace cairn::server {

WriteQueue::WriteQueue(storage::SpanStore& store, WriteQueueOptions options)
    : store_(store), options_(options) {
  const std::size_t threads = std::max<std::size_t>(1, options_.writer_threads);
  writers_.reserve(threads);
  for (std::size_t i = 0; i < threads; ++i) writers_.emplace_back([this] { RunWriter(); });
}

WriteQueue::~WriteQueue() { Stop(); }

void WriteQueue::Submit(codec::SpanList spans, std::function<void(Status)> done) {
  const std::size_t count = spans.size();
  Status refused;
  {
    std::lock_guard lock(mu_);
    if (stopped_) {
      refused = Unavailable("the server is shutting down");
    } else if (queued_spans_ > 0 && queued_spans_ + count > options_.max_queued_spans) {
      ++stats_.rejected_batches;
      refused = ResourceExhausted("write queue full: " + std::to_string(queued_spans_) +
                                  " spans are waiting for storage");
    } else {
      queued_spans_ += count;
      peak_since_trim_ = std::max(peak_since_trim_, queued_spans_);
      queue_.push_back(Batch{std::move(spans), std::move(done)});
    }
  }
  if (!refused.ok()) {
    done(std::move(refused));
    return;
  }
  cv_.notify_one();
}

void WriteQueue::Stop() {
  {
    std::lock_guard lock(mu_);
    if (stopped_ && writers_.empty()) return;
    stopped_ = true;
  }
  cv_.notify_all();
  for (std::thread& writer : writers_) {
    if (writer.joinable()) writer.join();
  }
  std::lock_guard lock(mu_);
  writers_.clear();
}

WriteQueueStats WriteQueue::stats() const {
  std::lock_guard lock(mu_);
  WriteQueueStats stats = stats_;
  stats.queued_spans = queued_spans_;
  stats.queued_batches = queue_.size();
  return stats;
}

void WriteQueue::RunWriter() {
  std::vector<Batch> group;
  while (true) {
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stopped_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopped and drained
      std::size_t spans = 0;
      while (!queue_.empty() &&
             (group.empty() || spans + queue_.front().spans.size() <= options_.max_group_spans)) {
        spans += queue_.front().spans.size();
        group.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      queued_spans_ -= spans;
    }
    // Others may find work we left behind (a group is capped).
    cv_.notify_one();
    Commit(group);
    group.clear();
    MaybeTrim();
  }
}

void WriteQueue::MaybeTrim() {
  if (options_.trim_after_spans == 0) return;
  const auto now = std::chrono::steady_clock::now();
  {
    std::lock_guard lock(mu_);
    if (trimming_ || !queue_.empty() || peak_since_trim_ <= options_.trim_after_spans ||
        now - last_trim_ < options_.trim_interval) {
      return;
    }
    trimming_ = true;
    peak_since_trim_ = queued_spans_;
    last_trim_ = now;
  }
  malloc_trim(0);  // every arena: request bodies were freed on the I/O threads
  std::lock_guard lock(mu_);
  trimming_ = false;
}

void WriteQueue::Commit(std::vector<Batch>& group) {
  std::vector<const trace::SpanRecord*> records;
  for (const Batch& batch : group) {
    for (const auto& span : batch.spans) records.push_back(span.get());
  }
  Status status = store_.Accept(records);
  if (status.ok() || group.size() == 1) {
    {
      std::lock_guard lock(mu_);
      if (status.ok()) {
        ++stats_.commits;
        stats_.committed_batches += group.size();
        stats_.committed_spans += records.size();
      } else {
        ++stats_.failed_batches;
      }
    }
    for (Batch& batch : group) batch.done(status);
    return;
  }
  // Find out which batch failed: each alone.
  for (Batch& batch : group) {
    records.clear();
    for (const auto& span : batch.spans) records.push_back(span.get());
    Status alone = store_.Accept(records);
    {
      std::lock_guard lock(mu_);
      if (alone.ok()) {
        ++stats_.commits;
        ++stats_.committed_batches;
        stats_.committed_spans += records.size();
      } else {
        ++stats_.failed_batches;
      }
    }
    batch.done(std::move(alone));
  }
}

}  // namespace cairn::server
