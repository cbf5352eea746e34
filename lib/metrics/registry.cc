#include "lib/metrics/registry.h"

#include <algorithm>
#include <cmath>
#include <limits>

namespace cairn::metrics {
namespace internal {
namespace {

template <typename A, typename B>
bool Less(const A& a, const B& b) {
  return std::lexicographical_compare(a.begin(), a.end(), b.begin(), b.end(),
                                      [](std::string_view x, std::string_view y) { return x < y; });
}

// An unlabelled counter or gauge computed at render time.
class CallbackEntry final : public Entry {
 public:
  CallbackEntry(std::string name, std::string help, MetricType type, std::function<double()> read)
      : name_(std::move(name)), help_(std::move(help)), type_(type), read_(std::move(read)) {}

  void Render(TextWriter& writer) const override { writer.Single(name_, type_, help_, read_()); }

 private:
  const std::string name_;
  const std::string help_;
  const MetricType type_;
  const std::function<double()> read_;
};

class CollectorEntry final : public Entry {
 public:
  explicit CollectorEntry(std::function<void(TextWriter&)> collect)
      : collect_(std::move(collect)) {}
  void Render(TextWriter& writer) const override { collect_(writer); }

 private:
  const std::function<void(TextWriter&)> collect_;
};

}  // namespace

bool LabelValuesLess::operator()(const std::vector<std::string>& a,
                                 const std::vector<std::string>& b) const {
  return Less(a, b);
}
bool LabelValuesLess::operator()(const std::vector<std::string>& a,
                                 std::span<const std::string_view> b) const {
  return Less(a, b);
}
bool LabelValuesLess::operator()(std::span<const std::string_view> a,
                                 const std::vector<std::string>& b) const {
  return Less(a, b);
}

}  // namespace internal

// ---- Family ----------------------------------------------------------------------------------

template <typename M>
Family<M>::Family(std::string name, std::string help, MetricType type,
                  std::vector<std::string> label_names,
                  std::shared_ptr<const std::vector<double>> buckets, std::size_t max_series)
    : name_(std::move(name)),
      help_(std::move(help)),
      type_(type),
      label_names_(std::move(label_names)),
      buckets_(std::move(buckets)),
      max_series_(max_series),
      overflow_(Make()) {}

template <typename M>
std::unique_ptr<M> Family<M>::Make() const {
  if constexpr (std::is_same_v<M, Histogram>) {
    return std::make_unique<Histogram>(buckets_);
  } else {
    return std::make_unique<M>();
  }
}

template <typename M>
M& Family<M>::With(std::span<const std::string_view> label_values) {
  if (label_values.size() != label_names_.size()) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return *overflow_;
  }
  {
    std::shared_lock lock(mu_);
    auto it = series_.find(label_values);
    if (it != series_.end()) return *it->second;
  }
  std::unique_lock lock(mu_);
  auto it = series_.find(label_values);
  if (it != series_.end()) return *it->second;
  if (series_.size() >= max_series_) {
    dropped_.fetch_add(1, std::memory_order_relaxed);
    return *overflow_;
  }
  std::vector<std::string> key(label_values.begin(), label_values.end());
  return *series_.emplace(std::move(key), Make()).first->second;
}

template <typename M>
void Family<M>::Render(TextWriter& writer) const {
  writer.Family(name_, type_, help_);
  std::vector<Label> labels(label_names_.size());
  for (std::size_t i = 0; i < labels.size(); ++i) labels[i].name = label_names_[i];

  std::shared_lock lock(mu_);
  for (const auto& [values, series] : series_) {
    for (std::size_t i = 0; i < labels.size(); ++i) labels[i].value = values[i];
    if constexpr (std::is_same_v<M, Counter>) {
      writer.Sample(name_, labels, series->value());
    } else if constexpr (std::is_same_v<M, Gauge>) {
      writer.Sample(name_, labels, series->value());
    } else {
      const Histogram::Snapshot s = series->Read();
      const std::string bucket = name_ + "_bucket";
      for (std::size_t i = 0; i < buckets_->size(); ++i) {
        const std::string le = FormatValue((*buckets_)[i]);
        writer.Sample(bucket, labels, s.cumulative[i], Label{"le", le});
      }
      writer.Sample(bucket, labels, s.count, Label{"le", "+Inf"});
      writer.Sample(name_ + "_sum", labels, s.sum);
      writer.Sample(name_ + "_count", labels, s.count);
    }
  }
}

template class Family<Counter>;
template class Family<Gauge>;
template class Family<Histogram>;

// ---- Registry --------------------------------------------------------------------------------

namespace {

Status ValidateLabels(std::string_view metric, const std::vector<std::string>& names,
                      bool histogram) {
  for (std::size_t i = 0; i < names.size(); ++i) {
    const std::string& label = names[i];
    if (!IsValidLabelName(label)) {
      return InvalidArgument("metric " + std::string(metric) + ": invalid label name \"" + label +
                             "\"");
    }
    if (histogram && label == "le") {
      return InvalidArgument("metric " + std::string(metric) +
                             ": \"le\" is reserved in histograms");
    }
    if (std::find(names.begin(), names.begin() + static_cast<std::ptrdiff_t>(i), label) !=
        names.begin() + static_cast<std::ptrdiff_t>(i)) {
      return InvalidArgument("metric " + std::string(metric) + ": duplicate label name \"" + label +
                             "\"");
    }
  }
  return Status::Ok();
}

Status ValidateBuckets(std::string_view metric, std::vector<double>& buckets) {
  if (!buckets.empty() && buckets.back() == std::numeric_limits<double>::infinity()) {
    buckets.pop_back();
  }
  for (std::size_t i = 0; i < buckets.size(); ++i) {
    if (!std::isfinite(buckets[i])) {
      return InvalidArgument("metric " + std::string(metric) +
                             ": bucket bounds must be finite (+Inf is implied)");
    }
    if (i > 0 && !(buckets[i] > buckets[i - 1])) {
      return InvalidArgument("metric " + std::string(metric) +
                             ": bucket bounds must be strictly increasing");
    }
  }
  return Status::Ok();
}

}  // namespace

Registry::Registry(RegistryOptions options) : options_(options) {}
Registry::~Registry() = default;

void Registry::Fail(Status status) {
  if (status_.ok()) status_ = std::move(status);
}

Status Registry::CheckNewName(std::string_view name) const {
  if (!IsValidMetricName(name)) {
    return InvalidArgument("invalid metric name \"" + std::string(name) + "\"");
  }
  return Status::Ok();
}

template <typename M>
Family<M>& Registry::AddFamily(std::string_view name, std::string_view help, MetricType type,
                               std::vector<std::string> label_names, std::vector<double>* buckets) {
  std::lock_guard lock(mu_);
  Status status = CheckNewName(name);
  if (status.ok()) status = ValidateLabels(name, label_names, type == MetricType::kHistogram);
  if (status.ok() && buckets != nullptr) status = ValidateBuckets(name, *buckets);
  std::shared_ptr<const std::vector<double>> shared_buckets;
  if (buckets != nullptr) {
    shared_buckets = std::make_shared<const std::vector<double>>(std::move(*buckets));
  }

  if (status.ok()) {
    auto existing = by_name_.find(name);
    if (existing != by_name_.end()) {
      auto* family = dynamic_cast<Family<M>*>(existing->second);
      if (family != nullptr && family->label_names_ == label_names &&
          (!shared_buckets || *family->buckets_ == *shared_buckets)) {
        return *family;
      }
      status = InvalidArgument("metric " + std::string(name) +
                               " is already registered with another type, labels or buckets");
    }
  }

  std::unique_ptr<Family<M>> family(new Family<M>(std::string(name), std::string(help), type,
                                                  std::move(label_names), std::move(shared_buckets),
                                                  options_.max_series_per_family));
  Family<M>& ref = *family;
  if (!status.ok()) {
    Fail(std::move(status));
    rejected_.push_back(std::move(family));
  } else {
    by_name_.emplace(std::string(name), family.get());
    entries_.push_back(std::move(family));
  }
  return ref;
}

Family<Counter>& Registry::AddCounterFamily(std::string_view name, std::string_view help,
                                            std::vector<std::string> label_names) {
  return AddFamily<Counter>(name, help, MetricType::kCounter, std::move(label_names), nullptr);
}

Family<Gauge>& Registry::AddGaugeFamily(std::string_view name, std::string_view help,
                                        std::vector<std::string> label_names) {
  return AddFamily<Gauge>(name, help, MetricType::kGauge, std::move(label_names), nullptr);
}

Family<Histogram>& Registry::AddHistogramFamily(std::string_view name, std::string_view help,
                                                std::vector<double> buckets,
                                                std::vector<std::string> label_names) {
  return AddFamily<Histogram>(name, help, MetricType::kHistogram, std::move(label_names), &buckets);
}

Counter& Registry::AddCounter(std::string_view name, std::string_view help) {
  return AddCounterFamily(name, help, {}).With({});
}

Gauge& Registry::AddGauge(std::string_view name, std::string_view help) {
  return AddGaugeFamily(name, help, {}).With({});
}

Histogram& Registry::AddHistogram(std::string_view name, std::string_view help,
                                  std::vector<double> buckets) {
  return AddHistogramFamily(name, help, std::move(buckets), {}).With({});
}

void Registry::AddCallback(std::string_view name, std::string_view help, MetricType type,
                           std::function<double()> read) {
  std::lock_guard lock(mu_);
  Status status = CheckNewName(name);
  if (status.ok() && type != MetricType::kCounter && type != MetricType::kGauge &&
      type != MetricType::kUntyped) {
    status = InvalidArgument("metric " + std::string(name) +
                             ": a callback metric is a counter, gauge or untyped");
  }
  if (status.ok() && !read) {
    status = InvalidArgument("metric " + std::string(name) + ": no callback");
  }
  if (status.ok() && by_name_.contains(name)) {
    status = InvalidArgument("metric " + std::string(name) + " is already registered");
  }
  if (!status.ok()) {
    Fail(std::move(status));
    return;
  }
  auto entry = std::make_unique<internal::CallbackEntry>(std::string(name), std::string(help), type,
                                                         std::move(read));
  by_name_.emplace(std::string(name), entry.get());
  entries_.push_back(std::move(entry));
}

void Registry::AddCollector(std::function<void(TextWriter&)> collect) {
  std::lock_guard lock(mu_);
  if (!collect) {
    Fail(InvalidArgument("AddCollector: no collector function"));
    return;
  }
  entries_.push_back(std::make_unique<internal::CollectorEntry>(std::move(collect)));
}

std::string Registry::Render() const {
  TextWriter writer;
  std::lock_guard lock(mu_);
  for (const auto& entry : entries_) entry->Render(writer);
  return writer.Take();
}

Status Registry::status() const {
  std::lock_guard lock(mu_);
  return status_;
}

}  // namespace cairn::metrics
