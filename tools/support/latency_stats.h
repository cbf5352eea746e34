// LatencyRecorder: collects request latencies (microseconds) and reports percentiles. Samples are
// kept exactly (4 bytes each), so percentiles are exact; a benchmark of a few million requests
// costs a few MB. Not thread-safe: one recorder per thread, merged at the end.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <vector>

namespace cairn::tools {

class LatencyRecorder {
 public:
  void Record(std::chrono::nanoseconds latency);
  void RecordMicros(std::uint32_t micros) { samples_.push_back(micros); }
  void Merge(const LatencyRecorder& other);

  std::size_t count() const { return samples_.size(); }
  // The q-quantile (0 <= q <= 1) in milliseconds, nearest-rank; 0 when empty. Sorts lazily.
  double QuantileMs(double q);
  double MaxMs();
  double MeanMs() const;

 private:
  std::vector<std::uint32_t> samples_;
  bool sorted_ = true;
};

}  // namespace cairn::tools
