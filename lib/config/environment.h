// The process environment as the config loader reads it, behind a small interface so tests can
// pass a map instead of mutating the real environment.
#pragma once

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::config {

class Environment {
 public:
  using Lookup = std::function<std::optional<std::string>(std::string_view name)>;
  using Listing = std::function<std::vector<std::pair<std::string, std::string>>()>;

  // `listing` is needed only by key families with an environment prefix; without it such
  // families are not read from the environment.
  explicit Environment(Lookup lookup, Listing listing = nullptr)
      : lookup_(std::move(lookup)), listing_(std::move(listing)) {}

  // The real process environment (getenv / environ). Read at call time, not copied.
  static Environment Process();
  // A fixed set of variables (tests).
  static Environment FromMap(std::map<std::string, std::string> variables);

  std::optional<std::string> Get(std::string_view name) const { return lookup_(name); }
  // Every variable, or nothing when built without a listing.
  std::vector<std::pair<std::string, std::string>> List() const {
    return listing_ ? listing_() : std::vector<std::pair<std::string, std::string>>{};
  }

 private:
  Lookup lookup_;
  Listing listing_;
};

}  // namespace cairn::config
