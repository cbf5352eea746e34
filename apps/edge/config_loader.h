// Loads EdgeConfig: process settings (listeners, TLS files, limits, tracing, access log) through
// lib/config's layering (flag > environment > YAML file > default), and the ordered `routes` and
// `services` maps from the same YAML file (named by --config or CAIRN_EDGE_CONFIG), then resolves
// every upstream host name.
//
//   prefix: /api
//   routes:                      # matched in file order, first match wins
//     accountservice:
//       path: /accounts/**
//       url: http://127.0.0.1:6767/accounts
//   services:                    # optional: shared upstream groups with their own settings
//     quotes:
//       instances: [http://10.0.0.1:8080, http://10.0.0.2:8080]
//       lb: least-request
//
// Every error names the key and the file; loading stops at the first one. docs/edge.md lists every
// key. LoadConfig runs at start-up and again on SIGHUP (with the same arguments and environment);
// it blocks on DNS for host names, so it must not run on an I/O thread.
#pragma once

#include <span>
#include <string>
#include <string_view>

#include "apps/edge/edge_config.h"
#include "lib/base/status.h"
#include "lib/config/environment.h"
#include "lib/config/loader.h"

namespace cairn::edge {

using LoadOutcome = config::LoadOutcome<EdgeConfig>;

// `args` are the command-line arguments without the program name.
LoadOutcome LoadConfig(std::span<const std::string> args, const config::Environment& env);

// Parses the `prefix`-independent route and service sections of a YAML document into `config`
// (whose prefix and strip_prefix are already set) and validates them; `origin` names the document
// in errors. Host names are not resolved here.
Status ParseRoutesYaml(std::string_view yaml_text, std::string_view origin, EdgeConfig& config);

// Resolves every upstream host of `config` (IP literals at once, names through the system
// resolver). Unavailable naming the service and host when a name does not resolve.
Status ResolveHosts(EdgeConfig& config);

std::string HelpText();

}  // namespace cairn::edge
