// Loads ServerConfig from command-line flags, environment variables and a YAML file with
// lib/config's layered loader (precedence flag > environment > file > default; see
// lib/config/loader.h for the file format and the error messages) and cairn-server's table
// (config_settings.h), then applies Zipkin's derived defaults: the UI follows QUERY_ENABLED and
// its search screen SEARCH_ENABLED unless they are set themselves.
#pragma once

#include <span>
#include <string>

#include "apps/server/server_config.h"
#include "lib/config/environment.h"
#include "lib/config/loader.h"

namespace cairn::server {

using LoadOutcome = config::LoadOutcome<ServerConfig>;

// `args` are the command-line arguments without the program name.
LoadOutcome LoadConfig(std::span<const std::string> args, const config::Environment& env);

// The --help text.
std::string HelpText();

}  // namespace cairn::server
