#include "tools/support/latency_stats.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cairn::tools {

void LatencyRecorder::Record(std::chrono::nanoseconds latency) {
  auto micros = std::chrono::duration_cast<std::chrono::microseconds>(latency).count();
  micros = std::clamp<std::int64_t>(micros, 0, std::numeric_limits<std::uint32_t>::max());
  samples_.push_back(static_cast<std::uint32_t>(micros));
  sorted_ = false;
}

void LatencyRecorder::Merge(const LatencyRecorder& other) {
  samples_.insert(samples_.end(), other.samples_.begin(), other.samples_.end());
  sorted_ = false;
}

double LatencyRecorder::QuantileMs(double q) {
  if (samples_.empty()) return 0;
  if (!sorted_) {
    std::sort(samples_.begin(), samples_.end());
    sorted_ = true;
  }
  q = std::clamp(q, 0.0, 1.0);
  // Nearest rank: the smallest sample with at least q of the samples at or below it.
  auto rank = static_cast<std::size_t>(std::ceil(q * static_cast<double>(samples_.size())));
  std::size_t index = rank == 0 ? 0 : rank - 1;
  return samples_[index] / 1000.0;
}

double LatencyRecorder::MaxMs() { return QuantileMs(1.0); }

double LatencyRecorder::MeanMs() const {
  if (samples_.empty()) return 0;
  double sum = 0;
  for (std::uint32_t s : samples_) sum += s;
  return sum / static_cast<double>(samples_.size()) / 1000.0;
}

}  // namespace cairn::tools
