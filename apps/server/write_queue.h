// WriteQueue: the collector's path into storage. Request coroutines hand it decoded batches and
// co_await the storage result; writer threads take the queued batches, commit several at once in
// one SpanStore::Accept call (group commit: one WAL write for many requests) and resume each
// waiting coroutine with the outcome. So a 202 is sent only once the spans are stored, and I/O
// threads never block on storage.
//
// Bounded: a batch that would push the spans waiting in the queue past `max_queued_spans` is
// refused at once with kResourceExhausted (the collector answers 503 + Retry-After) instead of
// growing memory. A batch larger than the whole limit is still taken when the queue is empty, so
// every batch the decoder accepts can be stored.
//
// Group commit and errors: up to `max_group_spans` spans from consecutive batches go into one
// Accept. If a group's Accept fails, each batch of the group is retried alone, so one batch's
// failure is never reported for another's spans; Accept is atomic per call, so a failed batch
// leaves nothing stored.
//
// Memory after a burst: decoded spans and request bodies are freed into glibc's arenas, which keep
// the pages. Once the queue drains after having held more than `trim_after_spans` spans, a writer
// calls malloc_trim (at most once per `trim_interval`), so RSS returns close to its steady state
// after an overload instead of staying at its peak.
//
// Lifetime: Stop() refuses new batches (kUnavailable), writes every batch already queued, and
// joins the writers. The SpanStore must outlive the queue. Completions are posted to the
// executor of the waiting coroutine, which must still exist when the batch completes: stop the
// queue before destroying the HttpServer whose coroutines wait on it. Thread-safe.
#pragma once

#include <boost/asio/any_io_executor.hpp>
#include <boost/asio/async_result.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/execution/outstanding_work.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/prefer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "lib/base/status.h"
#include "lib/codec/decode_options.h"
#include "lib/storage/span_store.h"

namespace cairn::server {

namespace asio = boost::asio;

struct WriteQueueOptions {
  std::size_t max_queued_spans = 100'000;
  std::size_t writer_threads = 2;
  std::size_t max_group_spans = 10'000;
  std::size_t trim_after_spans = 20'000;  // 0: never trim
  std::chrono::milliseconds trim_interval{1000};
};

struct WriteQueueStats {
  std::size_t queued_spans = 0;
  std::size_t queued_batches = 0;
  std::uint64_t rejected_batches = 0;  // refused because the queue was full
  std::uint64_t commits = 0;           // Accept calls that succeeded
  std::uint64_t committed_batches = 0;
  std::uint64_t committed_spans = 0;
  std::uint64_t failed_batches = 0;  // batches whose Accept failed
};

class WriteQueue {
 public:
  WriteQueue(storage::SpanStore& store, WriteQueueOptions options);
  ~WriteQueue();  // Stop()
  WriteQueue(const WriteQueue&) = delete;
  WriteQueue& operator=(const WriteQueue&) = delete;

  // Queues `spans` (non-empty) and resumes the caller, on its executor, with the Accept status:
  // OK once stored; kResourceExhausted when the queue is full, kUnavailable after Stop (both
  // right away, nothing stored); or the store's error.
  asio::awaitable<Status> Write(codec::SpanList spans);

  // Callback form of Write: `done` runs on a writer thread (or inline when refused).
  void Submit(codec::SpanList spans, std::function<void(Status)> done);

  void Stop();

  WriteQueueStats stats() const;

 private:
  struct Batch {
    codec::SpanList spans;
    std::function<void(Status)> done;
  };

  void RunWriter();
  void Commit(std::vector<Batch>& group);
  // After a commit: returns memory to the system when a burst has just drained.
  void MaybeTrim();

  storage::SpanStore& store_;
  const WriteQueueOptions options_;

  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<Batch> queue_;
  std::size_t queued_spans_ = 0;
  bool stopped_ = false;
  std::size_t peak_since_trim_ = 0;  // most spans queued since the last trim
  bool trimming_ = false;
  std::chrono::steady_clock::time_point last_trim_{};
  WriteQueueStats stats_;
  std::vector<std::thread> writers_;
};

inline asio::awaitable<Status> WriteQueue::Write(codec::SpanList spans) {
  return asio::async_initiate<const asio::use_awaitable_t<>&, void(Status)>(
      [this](auto handler, codec::SpanList batch) {
        // Tracked: the caller's io_context keeps running (has work) until we resume it.
        auto executor = asio::prefer(asio::get_associated_executor(handler),
                                     asio::execution::outstanding_work.tracked);
        // std::function needs a copyable callable; the handler is move-only.
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        Submit(std::move(batch), [executor, shared](Status status) {
          asio::post(executor, [shared, status = std::move(status)]() mutable {
            std::move (*shared)(std::move(status));
          });
        });
      },
      asio::use_awaitable, std::move(spans));
}

}  // namespace cairn::server
