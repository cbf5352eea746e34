#include "lib/config/environment.h"

#include <cstdlib>
#include <cstring>
#include <memory>

extern char** environ;  // POSIX

namespace cairn::config {

Environment Environment::Process() {
  return Environment(
      [](std::string_view name) -> std::optional<std::string> {
        const char* value = std::getenv(std::string(name).c_str());
        if (value == nullptr) return std::nullopt;
        return std::string(value);
      },
      [] {
        std::vector<std::pair<std::string, std::string>> all;
        for (char** entry = environ; entry != nullptr && *entry != nullptr; ++entry) {
          const char* equals = std::strchr(*entry, '=');
          if (equals == nullptr) continue;
          all.emplace_back(std::string(*entry, static_cast<std::size_t>(equals - *entry)),
                           std::string(equals + 1));
        }
        return all;
      });
}

Environment Environment::FromMap(std::map<std::string, std::string> variables) {
  auto shared = std::make_shared<const std::map<std::string, std::string>>(std::move(variables));
  return Environment(
      [shared](std::string_view name) -> std::optional<std::string> {
        auto it = shared->find(std::string(name));
        if (it == shared->end()) return std::nullopt;
        return it->second;
      },
      [shared] {
        return std::vector<std::pair<std::string, std::string>>(shared->begin(), shared->end());
      });
}

}  // namespace cairn::config
