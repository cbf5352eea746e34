// Registry: the metrics of one process, rendered in the Prometheus text format for /metrics.
//
//   metrics::Registry registry;
//   auto& requests = registry.AddCounterFamily("http_requests_total", "Requests served",
//                                              {"method", "status"});
//   requests.With({"GET", "200"}).Increment();           // lock-free after the first lookup
//   metrics::Counter& drops = registry.AddCounter("queue_drops_total", "Items dropped");
//   registry.AddCallback("queue_length", "Items queued", MetricType::kGauge,
//                        [&] { return double(queue.size()); });
//   std::string body = registry.Render();
//
// A Family is a metric name with a fixed list of label names; each combination of label values is
// one series (a Counter, Gauge or Histogram) created on first use and never deleted, so references
// returned by With/Add* stay valid for the registry's lifetime and may be cached. With() takes a
// shared lock and a map lookup (no allocation when the series exists); hot paths with fixed labels
// should cache the series.
//
// Registration (Add*) may happen at any time from any thread. Adding a name again with the same
// type, label names (and buckets) returns the existing family; anything else is an error. Errors
// (invalid metric or label name, conflicting re-registration, invalid buckets) are programming
// errors: the call still returns a usable family that is not exported, and status() reports the
// first one, so a service can refuse to start on it.
//
// Cardinality is bounded: a family holds at most `max_series_per_family` series; values beyond
// that (and calls with the wrong number of label values) land in one unexported overflow series and
// are counted in Family::dropped(). Label values from untrusted input must still be normalised by
// the caller (e.g. unknown HTTP methods mapped to "OTHER").
//
// Render() writes families, callbacks and collectors in registration order, series sorted by label
// values. Everything here is thread-safe.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <initializer_list>
#include <map>
#include <memory>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/status.h"
#include "lib/metrics/metric.h"
#include "lib/metrics/text_format.h"

namespace cairn::metrics {

class Registry;

namespace internal {

// What the registry keeps per registered name.
class Entry {
 public:
  virtual ~Entry() = default;
  virtual void Render(TextWriter& writer) const = 0;
};

// Orders label-value lists; heterogeneous so lookups need no allocation.
struct LabelValuesLess {
  using is_transparent = void;
  bool operator()(const std::vector<std::string>& a, const std::vector<std::string>& b) const;
  bool operator()(const std::vector<std::string>& a, std::span<const std::string_view> b) const;
  bool operator()(std::span<const std::string_view> a, const std::vector<std::string>& b) const;
};

}  // namespace internal

// M is Counter, Gauge or Histogram.
template <typename M>
class Family final : public internal::Entry {
 public:
  // The series for `label_values`, one per label name in order; created on first use.
  M& With(std::span<const std::string_view> label_values);
  M& With(std::initializer_list<std::string_view> label_values) {
    return With(std::span<const std::string_view>(label_values.begin(), label_values.size()));
  }

  const std::string& name() const { return name_; }
  const std::vector<std::string>& label_names() const { return label_names_; }
  // Calls that landed in the overflow series (wrong label count or series limit reached).
  std::uint64_t dropped() const { return dropped_.load(std::memory_order_relaxed); }

  void Render(TextWriter& writer) const override;

 private:
  friend class Registry;
  Family(std::string name, std::string help, MetricType type, std::vector<std::string> label_names,
         std::shared_ptr<const std::vector<double>> buckets, std::size_t max_series);
  std::unique_ptr<M> Make() const;

  const std::string name_;
  const std::string help_;
  const MetricType type_;
  const std::vector<std::string> label_names_;
  const std::shared_ptr<const std::vector<double>> buckets_;  // histograms only
  const std::size_t max_series_;

  mutable std::shared_mutex mu_;
  std::map<std::vector<std::string>, std::unique_ptr<M>, internal::LabelValuesLess> series_;
  std::unique_ptr<M> overflow_;
  std::atomic<std::uint64_t> dropped_{0};
};

extern template class Family<Counter>;
extern template class Family<Gauge>;
extern template class Family<Histogram>;

struct RegistryOptions {
  std::size_t max_series_per_family = 10'000;
};

class Registry {
 public:
  explicit Registry(RegistryOptions options = {});
  ~Registry();
  Registry(const Registry&) = delete;
  Registry& operator=(const Registry&) = delete;

  Family<Counter>& AddCounterFamily(std::string_view name, std::string_view help,
                                    std::vector<std::string> label_names);
  Family<Gauge>& AddGaugeFamily(std::string_view name, std::string_view help,
                                std::vector<std::string> label_names);
  // `buckets`: finite, strictly increasing upper bounds (a trailing +Inf is accepted and dropped).
  // "le" is not a valid label name here.
  Family<Histogram>& AddHistogramFamily(std::string_view name, std::string_view help,
                                        std::vector<double> buckets,
                                        std::vector<std::string> label_names);

  // Unlabelled single series.
  Counter& AddCounter(std::string_view name, std::string_view help);
  Gauge& AddGauge(std::string_view name, std::string_view help);
  Histogram& AddHistogram(std::string_view name, std::string_view help,
                          std::vector<double> buckets);

  // One unlabelled counter or gauge whose value `read` computes at every Render (e.g. from a
  // component's own atomics). `read` runs on the rendering thread and must be thread-safe.
  void AddCallback(std::string_view name, std::string_view help, MetricType type,
                   std::function<double()> read);

  // Free-form families written by `collect` at every Render (for metrics with dynamic labels kept
  // elsewhere). The registry does not check what it writes.
  void AddCollector(std::function<void(TextWriter&)> collect);

  // The whole exposition (text format 0.0.4).
  std::string Render() const;

  // OK, or the first registration error.
  Status status() const;

 private:
  template <typename M>
  Family<M>& AddFamily(std::string_view name, std::string_view help, MetricType type,
                       std::vector<std::string> label_names, std::vector<double>* buckets);
  Status CheckNewName(std::string_view name) const;  // caller holds mu_
  void Fail(Status status);                          // caller holds mu_

  const RegistryOptions options_;
  mutable std::mutex mu_;
  std::vector<std::unique_ptr<internal::Entry>> entries_;  // rendered, in order
  std::map<std::string, internal::Entry*, std::less<>> by_name_;
  std::vector<std::unique_ptr<internal::Entry>> rejected_;  // returned but not rendered
  Status status_;
};

}  // namespace cairn::metrics
