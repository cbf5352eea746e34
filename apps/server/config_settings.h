// The table of every cairn-server setting (a config::Setting row each): its environment variable,
// its YAML path, the flag derived from that path, its default as shown in --help, and how its text
// is parsed into ServerConfig. One row per setting keeps the three sources, the help text and
// docs/server.md in step; lib/config does the layering.
#pragma once

#include <span>

#include "apps/server/server_config.h"
#include "lib/config/settings.h"

namespace cairn::server {

using Setting = config::Setting<ServerConfig>;

// All settings, grouped by the first path component.
std::span<const Setting> AllSettings();

}  // namespace cairn::server
