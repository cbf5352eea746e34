// The table of every cairn-server setting: its environment variable, its YAML path, the flag
// derived from that path, its default as shown in --help, and how its text is parsed into
// ServerConfig. One row per setting keeps the three sources, the help text and docs/server.md in
// step; config_loader.cc does the layering.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "apps/server/server_config.h"
#include "lib/base/status.h"

namespace cairn::server {

struct Setting {
  // Zipkin's environment variable where Zipkin has the setting, else a CAIRN_ one.
  std::string_view env;
  // Dotted path in the YAML file ("query.port"); the flag is the same with '-' for '.'
  // ("--query-port").
  std::string_view path;
  std::string_view default_text;
  std::string_view help;
  // Parses `value` into `config`; the error says what was expected (the loader adds key and
  // value).
  Status (*apply)(std::string_view value, ServerConfig& config);
};

// All settings, grouped by the first path component.
std::span<const Setting> AllSettings();

// The setting with this path, or nullptr.
const Setting* FindSettingByPath(std::string_view path);

// "--query-port" for "query.port".
std::string FlagName(const Setting& setting);

}  // namespace cairn::server
