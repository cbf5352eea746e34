// Circuit breaker settings and where they come from: hystrix-go's defaults, overridden per breaker
// name by configuration keys `hystrix.command.<name>.<Prop>` (Prop: Timeout,
// MaxConcurrentRequests, RequestVolumeThreshold, ErrorPercentThreshold, SleepWindow), the keys the
// original services read through Viper.
//
// A program keeps a BreakerConfig in its config struct and lets lib/config feed it the keys:
//
//   struct MyConfig { resilience::BreakerConfig breakers; ... };
//   constexpr config::KeyFamily<MyConfig> kFamilies[] = {
//       resilience::HystrixKeyFamily<MyConfig, &MyConfig::breakers>()};
//   ...
//   BreakerSettings quotes = loaded.config.breakers.SettingsFor("quotes-service");
//
// Keys are checked as they arrive (unknown property, bad value), so a typo stops start-up with
// the key, its source and the value; property names are case-insensitive and the environment
// form HYSTRIX_COMMAND_QUOTES_SERVICE_TIMEOUT is the same key as
// hystrix.command.quotes-service.Timeout (names compare by config::NormalizeKey).
#pragma once

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "lib/base/status.h"
#include "lib/config/settings.h"

namespace cairn::resilience {

struct BreakerSettings {
  // Longest one guarded call may take, all retries and backoffs included; then it is a timeout.
  std::chrono::milliseconds timeout{1000};
  // Calls in flight at once; more are rejected.
  int max_concurrent_requests = 10;
  // Requests in the rolling window before its error percentage can open the breaker.
  int request_volume_threshold = 20;
  // Error percentage (rounded) at or above which the breaker opens.
  int error_percent_threshold = 50;
  // How long an open breaker short-circuits before letting one probe through.
  std::chrono::milliseconds sleep_window{5000};

  friend bool operator==(const BreakerSettings&, const BreakerSettings&) = default;
};

// Bounds, checked for every key: Timeout and SleepWindow 1 ms to 10 min (a bare number is
// milliseconds, as in hystrix; "2s" works too), MaxConcurrentRequests 1 to 10000,
// RequestVolumeThreshold 0 to 1000000, ErrorPercentThreshold 1 to 100.
class BreakerConfig {
 public:
  // One key after "hystrix.command.": "<name>.<Prop>" (file, flag) or "<NAME>_<PROP>"
  // (environment). The error says what was wrong, e.g. "unknown property 'Timout' (expected
  // Timeout, MaxConcurrentRequests, RequestVolumeThreshold, ErrorPercentThreshold or
  // SleepWindow)" or "Timeout: expected a duration ...". A later Add of the same key wins.
  Status Add(std::string_view key, std::string_view value);

  // hystrix-go's defaults overridden by the keys given for `name`.
  BreakerSettings SettingsFor(std::string_view name) const;

  // NormalizeKey of every breaker name some key was given for (to warn about unused ones).
  std::vector<std::string> Names() const;

 private:
  struct Overrides {
    std::optional<std::chrono::milliseconds> timeout;
    std::optional<int> max_concurrent_requests;
    std::optional<int> request_volume_threshold;
    std::optional<int> error_percent_threshold;
    std::optional<std::chrono::milliseconds> sleep_window;
  };
  std::map<std::string, Overrides> by_name_;  // by NormalizeKey(name)
};

// Feeds hystrix.command.* keys to `Member`; see the example above.
template <typename Config, BreakerConfig Config::*Member>
Status ApplyHystrixKey(std::string_view key, std::string_view value, Config& config) {
  return (config.*Member).Add(key, value);
}

template <typename Config, BreakerConfig Config::*Member>
constexpr config::KeyFamily<Config> HystrixKeyFamily() {
  return {"hystrix.command.", "HYSTRIX_COMMAND_", "<name>.<Prop>",
          "circuit breaker of downstream <name>: Prop is Timeout (ms), MaxConcurrentRequests, "
          "RequestVolumeThreshold, ErrorPercentThreshold or SleepWindow (ms)",
          &ApplyHystrixKey<Config, Member>};
}

}  // namespace cairn::resilience
