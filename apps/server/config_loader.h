// Loads ServerConfig from command-line flags, environment variables and a YAML file.
//
// Precedence, per setting: flag > environment > file > default. The file is named by --config
// (or the CAIRN_CONFIG environment variable) and holds the settings as nested maps following each
// setting's path, e.g.
//
//   query:
//     port: 9411
//   storage:
//     type: rocksdb
//     autocomplete-keys: [http.method, error]   # lists may also be "a,b"
//
// An unknown key in the file, a malformed file, an unknown flag or a value that does not parse
// stops loading with a message naming the key, where it came from and the bad value, e.g.
//   QUERY_PORT (environment) = "abc": expected an integer from 0 to 65535
// which main() prints before exiting with status 2.
#pragma once

#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "apps/server/server_config.h"

namespace cairn::server {

using EnvLookup = std::function<std::optional<std::string>(std::string_view name)>;

// Reads the process environment (getenv).
EnvLookup ProcessEnvironment();

struct LoadOutcome {
  enum class Action { kRun, kExit };
  Action action = Action::kRun;
  // For kExit: 0 after --help or --version, 2 for a configuration error.
  int exit_code = 0;
  // For kExit: the help text, the version line or the error message.
  std::string message;
  // For kRun: the configuration to run with.
  ServerConfig config;
};

// `args` are the command-line arguments without the program name.
LoadOutcome LoadConfig(std::span<const std::string> args, const EnvLookup& env);

// The --help text.
std::string HelpText();

}  // namespace cairn::server
