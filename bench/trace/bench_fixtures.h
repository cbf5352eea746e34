// Shared pieces of the bench_trace programs: a Sender that discards what it is given, header
// carriers that do not allocate once warm, and a typical client span.
#pragma once

#include <array>
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/trace/propagation.h"
#include "cairn/trace/reporter.h"
#include "cairn/trace/span_record.h"

namespace cairn::bench {

// Counts what the AsyncReporter's thread hands over and drops it: no I/O in the measurement.
class DiscardingSender final : public trace::Sender {
 public:
  struct Counters {
    std::atomic<std::uint64_t> messages{0};
    std::atomic<std::uint64_t> bytes{0};
  };
  explicit DiscardingSender(Counters* counters) : counters_(counters) {}

  Status Send(std::string_view body, trace::Encoding) override {
    counters_->messages.fetch_add(1, std::memory_order_relaxed);
    counters_->bytes.fetch_add(body.size(), std::memory_order_relaxed);
    return Status::Ok();
  }

 private:
  Counters* counters_;
};

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

// Incoming request headers as a server that lower-cases names on receipt holds them (HTTP/2 and
// gRPC metadata names are lower case on the wire; many HTTP/1 parsers normalise them). Names are
// lower-cased once at construction, so a lookup (always in lower case, see HeaderReader) is an
// exact comparison: the benchmark measures the library, not a carrier's case folding.
class HeaderArray final : public trace::HeaderReader {
 public:
  struct Header {
    std::string_view name;
    std::string_view value;
  };
  template <std::size_t N>
  explicit HeaderArray(const std::array<Header, N>& headers) {
    static_assert(N <= kMaxHeaders);
    for (const Header& header : headers) Add(header);
  }

  std::size_t Get(std::string_view name, std::string_view* values, std::size_t max) const override;

 private:
  static constexpr std::size_t kMaxHeaders = 16;
  void Add(const Header& header);

  std::array<std::string, kMaxHeaders> names_;  // lower case
  std::array<std::string_view, kMaxHeaders> values_;
  std::size_t count_ = 0;
};

// Outgoing request headers: fixed slots whose strings keep their capacity across Clear(). Set
// replaces a header of the same name (ignoring case).
class HeaderSlots final : public trace::HeaderWriter {
 public:
  void Set(std::string_view name, std::string_view value) override;
  void Clear() { count_ = 0; }
  // The value of `name` (any case), or an empty view.
  std::string_view Find(std::string_view name) const;
  std::size_t size() const { return count_; }

 private:
  struct Slot {
    std::string name;
    std::string value;
  };
  std::array<Slot, 16> slots_;
  std::size_t count_ = 0;
};

// B3 multi headers of a sampled request with a parent (the openzipkin/b3-propagation example).
inline constexpr std::array<HeaderArray::Header, 6> kB3MultiRequest = {{
    {"Host", "quotes-service:8080"},
    {"X-B3-TraceId", "463ac35c9f6413ad48485a3953bb6124"},
    {"X-B3-SpanId", "a2fb4a1d1a96d312"},
    {"X-B3-ParentSpanId", "0020000000000001"},
    {"X-B3-Sampled", "1"},
    {"Accept", "application/json"},
}};

// A typical CLIENT span: 128-bit trace id, parent, both endpoints, 2 annotations, 3 tags.
void FillTypicalSpan(trace::SpanRecord& span);

}  // namespace cairn::bench
