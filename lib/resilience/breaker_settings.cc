#include "lib/resilience/breaker_settings.h"

#include <array>

#include "lib/config/values.h"

namespace cairn::resilience {
namespace {

using std::chrono::milliseconds;

enum class Prop {
  kTimeout,
  kMaxConcurrentRequests,
  kRequestVolumeThreshold,
  kErrorPercent,
  kSleep
};

struct PropName {
  Prop prop;
  std::string_view name;
  std::string_view normalized;  // config::NormalizeKey(name)
};

constexpr std::array<PropName, 5> kProps = {{
    {Prop::kTimeout, "Timeout", "TIMEOUT"},
    {Prop::kMaxConcurrentRequests, "MaxConcurrentRequests", "MAXCONCURRENTREQUESTS"},
    {Prop::kRequestVolumeThreshold, "RequestVolumeThreshold", "REQUESTVOLUMETHRESHOLD"},
    {Prop::kErrorPercent, "ErrorPercentThreshold", "ERRORPERCENTTHRESHOLD"},
    {Prop::kSleep, "SleepWindow", "SLEEPWINDOW"},
}};

constexpr std::string_view kExpectedProps =
    "expected Timeout, MaxConcurrentRequests, RequestVolumeThreshold, ErrorPercentThreshold or "
    "SleepWindow";

Result<milliseconds> ParseWindow(std::string_view value) {
  Result<milliseconds> parsed = config::ParseDuration(value, milliseconds(1));
  if (!parsed.ok() || *parsed < milliseconds(1) || *parsed > std::chrono::minutes(10)) {
    return InvalidArgument("expected milliseconds from 1 to 600000 (or a duration such as 2s)");
  }
  return parsed;
}

Result<int> ParseInt(std::string_view value, int min, int max) {
  Result<std::int64_t> parsed = config::ParseInteger(value, min, max);
  if (!parsed.ok()) return parsed.status();
  return static_cast<int>(*parsed);
}

// Prefixes a value error with the property name.
template <typename T>
Status Store(std::string_view prop, Result<T> parsed, std::optional<T>& field) {
  if (!parsed.ok()) return InvalidArgument(std::string(prop) + ": " + parsed.status().message());
  field = *parsed;
  return Status::Ok();
}

}  // namespace

Status BreakerConfig::Add(std::string_view key, std::string_view value) {
  // Split "<name>.<Prop>" at the last '.', or "<NAME>_<PROP>" by its known property suffix.
  std::string name;
  const PropName* prop = nullptr;
  if (const std::size_t dot = key.rfind('.'); dot != std::string_view::npos) {
    const std::string normalized = config::NormalizeKey(key.substr(dot + 1));
    for (const PropName& candidate : kProps) {
      if (candidate.normalized == normalized) prop = &candidate;
    }
    if (prop == nullptr) {
      return InvalidArgument("unknown property '" + std::string(key.substr(dot + 1)) + "' (" +
                             std::string(kExpectedProps) + ")");
    }
    name = config::NormalizeKey(key.substr(0, dot));
  } else {
    const std::string normalized = config::NormalizeKey(key);
    for (const PropName& candidate : kProps) {
      const std::string suffix = "_" + std::string(candidate.normalized);
      if (normalized.size() > suffix.size() && normalized.ends_with(suffix)) {
        prop = &candidate;
        name = normalized.substr(0, normalized.size() - suffix.size());
      }
    }
    if (prop == nullptr) {
      return InvalidArgument(
          "expected <name>.<Prop> (<NAME>_<PROP> in the environment) where Prop is " +
          std::string(kExpectedProps).substr(9));
    }
  }
  if (name.empty()) return InvalidArgument("expected a breaker name before the property");

  // Parsed into a copy so a bad value leaves nothing behind.
  auto it = by_name_.find(name);
  Overrides overrides = it == by_name_.end() ? Overrides{} : it->second;
  Status stored = Internal("unhandled breaker property");
  switch (prop->prop) {
    case Prop::kTimeout:
      stored = Store(prop->name, ParseWindow(value), overrides.timeout);
      break;
    case Prop::kMaxConcurrentRequests:
      stored = Store(prop->name, ParseInt(value, 1, 10'000), overrides.max_concurrent_requests);
      break;
    case Prop::kRequestVolumeThreshold:
      stored = Store(prop->name, ParseInt(value, 0, 1'000'000), overrides.request_volume_threshold);
      break;
    case Prop::kErrorPercent:
      stored = Store(prop->name, ParseInt(value, 1, 100), overrides.error_percent_threshold);
      break;
    case Prop::kSleep:
      stored = Store(prop->name, ParseWindow(value), overrides.sleep_window);
      break;
  }
  if (stored.ok()) by_name_[name] = overrides;
  return stored;
}

BreakerSettings BreakerConfig::SettingsFor(std::string_view name) const {
  BreakerSettings settings;
  auto it = by_name_.find(config::NormalizeKey(name));
  if (it == by_name_.end()) return settings;
  const Overrides& o = it->second;
  settings.timeout = o.timeout.value_or(settings.timeout);
  settings.max_concurrent_requests =
      o.max_concurrent_requests.value_or(settings.max_concurrent_requests);
  settings.request_volume_threshold =
      o.request_volume_threshold.value_or(settings.request_volume_threshold);
  settings.error_percent_threshold =
      o.error_percent_threshold.value_or(settings.error_percent_threshold);
  settings.sleep_window = o.sleep_window.value_or(settings.sleep_window);
  return settings;
}

std::vector<std::string> BreakerConfig::Names() const {
  std::vector<std::string> names;
  for (const auto& [name, overrides] : by_name_) names.push_back(name);
  return names;
}

}  // namespace cairn::resilience
