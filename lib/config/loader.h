// Layered configuration: loads a program's config struct from command-line flags, environment
// variables, a YAML file and the struct's defaults, driven by a settings table (settings.h).
//
// Precedence, per setting: flag > environment > file > default. The file is named by --config
// FILE (or the environment variable ProgramInfo::config_env) and holds the settings as nested maps
// following each setting's dotted path, e.g.
//
//   query:
//     port: 9411
//   storage:
//     autocomplete-keys: [http.method, error]   # lists may also be "a,b"
//   hystrix:
//     command:
//       quotes-service:
//         Timeout: 1000                          # a KeyFamily key
//
// An unknown key in the file, a malformed file, an unknown flag or a value that does not parse
// stops loading with a message naming the key, where it came from and the bad value, e.g.
//   QUERY_PORT (environment) = "abc": expected an integer from 0 to 65535
// and exit code 2; main() prints it (PrintExitMessage) and exits. --help and --version also end
// with kExit, code 0. An empty environment variable counts as unset. Only the winning value of a
// setting is parsed, so a bad file value overridden by a flag is not an error.
//
// Thread-safety: a Loader is immutable after construction; Load may run concurrently.
#pragma once

#include <cstddef>
#include <functional>
#include <set>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "lib/base/status.h"
#include "lib/config/environment.h"
#include "lib/config/settings.h"

namespace cairn::config {

struct ProgramInfo {
  // --help section title for the settings whose path starts with `top` ("query").
  struct Group {
    std::string_view top;
    std::string_view title;
  };
  std::string_view name;         // "cairn-server": usage line and error hints
  std::string_view description;  // first paragraph of --help
  std::string version;           // the whole --version line, "cairn-server 0.1.0 (abc123)"
  std::string_view config_env = "CAIRN_CONFIG";  // variable naming the YAML file
  std::span<const Group> groups;                 // unlisted tops go to "Other"; must outlive Loader
};

enum class Action { kRun, kExit };

template <typename Config>
struct LoadOutcome {
  using Action = config::Action;
  Action action = Action::kRun;
  // For kExit: 0 after --help or --version, 2 for a configuration error.
  int exit_code = 0;
  // For kExit: the help text, the version line or the error message.
  std::string message;
  // For kRun: the configuration to run with.
  Config config;
  // Paths of the settings some source gave (for derived defaults such as "ui.enabled follows
  // query.enabled unless set"); key-family keys appear as prefix + key as written.
  std::set<std::string, std::less<>> set_paths;

  bool IsSet(std::string_view path) const { return set_paths.contains(path); }
};

// Prints `message` for a kExit outcome: to stdout for code 0, else to stderr prefixed with
// "<program>: ".
void PrintExitMessage(std::string_view program, int exit_code, const std::string& message);

namespace internal {

// The table without the Config type, so the layering code is compiled once.
struct SettingInfo {
  std::string_view env, path, default_text, help;
};
struct FamilyInfo {
  std::string_view prefix, env_prefix, placeholder, help;
};
struct Table {
  std::vector<SettingInfo> settings;
  std::vector<FamilyInfo> families;
};
struct Appliers {
  std::function<Status(std::size_t index, std::string_view value)> setting;
  std::function<Status(std::size_t index, std::string_view key, std::string_view value)> family;
};
struct CoreOutcome {
  Action action = Action::kRun;
  int exit_code = 0;
  std::string message;
  std::set<std::string, std::less<>> set_paths;
};

CoreOutcome Load(const ProgramInfo& info, const Table& table, const Appliers& appliers,
                 std::span<const std::string> args, const Environment& env);
std::string Help(const ProgramInfo& info, const Table& table);

}  // namespace internal

template <typename Config>
class Loader {
 public:
  // `settings`, `families` and `info.groups` must outlive the Loader (static tables do).
  Loader(ProgramInfo info, std::span<const Setting<Config>> settings,
         std::span<const KeyFamily<Config>> families = {})
      : info_(std::move(info)), settings_(settings), families_(families) {
    for (const Setting<Config>& s : settings_) {
      table_.settings.push_back({s.env, s.path, s.default_text, s.help});
    }
    for (const KeyFamily<Config>& f : families_) {
      table_.families.push_back({f.prefix, f.env_prefix, f.placeholder, f.help});
    }
  }

  // `args` are the command-line arguments without the program name. `defaults` is the config
  // the sources are layered onto (a program with per-instance defaults passes its own).
  LoadOutcome<Config> Load(std::span<const std::string> args, const Environment& env,
                           Config defaults = Config()) const {
    LoadOutcome<Config> outcome;
    outcome.config = std::move(defaults);
    internal::Appliers appliers{[&](std::size_t i, std::string_view value) {
                                  return settings_[i].apply(value, outcome.config);
                                },
                                [&](std::size_t i, std::string_view key, std::string_view value) {
                                  return families_[i].apply(key, value, outcome.config);
                                }};
    internal::CoreOutcome core = internal::Load(info_, table_, appliers, args, env);
    outcome.action = core.action;
    outcome.exit_code = core.exit_code;
    outcome.message = std::move(core.message);
    outcome.set_paths = std::move(core.set_paths);
    return outcome;
  }

  // The --help text.
  std::string Help() const { return internal::Help(info_, table_); }

  std::span<const Setting<Config>> settings() const { return settings_; }
  std::span<const KeyFamily<Config>> families() const { return families_; }

 private:
  ProgramInfo info_;
  std::span<const Setting<Config>> settings_;
  std::span<const KeyFamily<Config>> families_;
  internal::Table table_;
};

}  // namespace cairn::config
