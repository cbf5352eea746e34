// A program's settings table: one row per setting with its environment variable, its dotted YAML
// path (the flag is derived from it), its default as shown in --help, its help text and how its
// text is parsed into the program's config struct. One row per setting keeps the three sources
// (flags, environment, YAML file), the --help text and the docs in step; loader.h does the
// layering.
//
// A KeyFamily accepts a whole family of keys under a prefix whose names are not known in advance,
// such as `hystrix.command.<name>.<Prop>`: the loader hands every such key to the family's handler.
//
// Tables are usually `constexpr` arrays of rows with captureless lambdas or functions as `apply`:
//
//   constexpr config::Setting<MyConfig> kSettings[] = {
//       {"SERVER_PORT", "server.port", "6767", "TCP port to listen on",
//        [](std::string_view v, MyConfig& c) { return config::AssignInteger(v, c.port, 0, 65535);
//        }},
//   };
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "lib/base/status.h"
#include "lib/config/values.h"

namespace cairn::config {

template <typename Config>
struct Setting {
  // Environment variable, e.g. "QUERY_PORT". Must be unique in the table.
  std::string_view env;
  // Dotted path in the YAML file ("query.port"); the flag is the same with '-' for '.'
  // ("--query-port"). Must be unique in the table.
  std::string_view path;
  // Shown in --help. When it is another setting's environment variable, --help says
  // "same as <that>" (the program derives such defaults itself, see LoadOutcome::IsSet).
  std::string_view default_text;
  std::string_view help;
  // Parses `value` into `config`; the error says what was expected (the loader adds key, source
  // and value). Defaults live in the Config struct's initialisers, not here.
  Status (*apply)(std::string_view value, Config& config);
};

template <typename Config>
struct KeyFamily {
  // Dotted path prefix ending in '.', e.g. "hystrix.command.". In the YAML file the keys are
  // nested maps (hystrix: {command: {quotes-service: {Timeout: 1000}}}) or dotted keys; as flags
  // they are written in full: --hystrix.command.quotes-service.Timeout=1000.
  std::string_view prefix;
  // Environment variable prefix, e.g. "HYSTRIX_COMMAND_" (HYSTRIX_COMMAND_QUOTES_SERVICE_TIMEOUT);
  // empty when the family cannot be set from the environment.
  std::string_view env_prefix;
  // What follows the prefix, for --help: "<name>.<Prop>".
  std::string_view placeholder;
  std::string_view help;
  // Receives one key: the rest after the prefix as written ("quotes-service.Timeout" from the file
  // or a flag, "QUOTES_SERVICE_TIMEOUT" from the environment; compare with NormalizeKey) and its
  // value. Called once per distinct NormalizeKey(key), for the winning source only. The error
  // says what was wrong (unknown property, bad value); the loader adds key, source and value.
  Status (*apply)(std::string_view key, std::string_view value, Config& config);
};

// "--query-port" for "query.port".
std::string FlagName(std::string_view path);

// The form in which keys written differently in the file, a flag and the environment compare
// equal: upper case, with '.' and '-' turned into '_' ("quotes-service.Timeout" and
// "QUOTES_SERVICE_TIMEOUT" both give "QUOTES_SERVICE_TIMEOUT").
std::string NormalizeKey(std::string_view key);

// The row with this path, or nullptr.
template <typename Config>
const Setting<Config>* FindSetting(std::span<const Setting<Config>> settings,
                                   std::string_view path) {
  for (const Setting<Config>& setting : settings) {
    if (setting.path == path) return &setting;
  }
  return nullptr;
}

// Helpers that keep table rows short: parse, then assign.
template <typename T>
Status Assign(Result<T> parsed, T& field) {
  if (!parsed.ok()) return parsed.status();
  field = std::move(parsed).value();
  return Status::Ok();
}

// An integer in [min, max] into any integer field (int, size_t, uint16_t...); the caller keeps
// min and max within the field's range.
template <typename Int>
Status AssignInteger(std::string_view text, Int& field, std::int64_t min, std::int64_t max) {
  Result<std::int64_t> parsed = ParseInteger(text, min, max);
  if (!parsed.ok()) return parsed.status();
  field = static_cast<Int>(*parsed);
  return Status::Ok();
}

// Trimmed text that must not be empty; `what` names it in the error ("expected a directory path").
Status AssignNonEmpty(std::string_view text, std::string& field, std::string_view what);

}  // namespace cairn::config
