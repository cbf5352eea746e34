#include "apps/server/config_loader.h"

#include "apps/server/config_settings.h"
#include "apps/server/ui_assets.h"
#include "apps/server/version.h"

namespace cairn::server {
namespace {

constexpr config::ProgramInfo::Group kGroups[] = {
    {"server", "Server"},
    {"query", "Query API"},
    {"storage", "Storage"},
    {"collector", "Collector"},
    {"ui", "UI (/zipkin/config.json)"},
};

const config::Loader<ServerConfig>& ServerLoader() {
  static const config::Loader<ServerConfig> loader(
      config::ProgramInfo{
          .name = "cairn-server",
          .description =
              "cairn-server: a Zipkin-compatible trace collector and query server.\n"
              "Every setting can be given as a flag, an environment variable or a key in the\n"
              "YAML file named by --config; flags win over the environment, the environment\n"
              "over the file.",
          .version = "cairn-server " + std::string(kVersion) + " (" + std::string(kCommit) + ")",
          .config_env = "CAIRN_CONFIG",
          .groups = kGroups},
      AllSettings());
  return loader;
}

}  // namespace

std::string HelpText() { return ServerLoader().Help(); }

LoadOutcome LoadConfig(std::span<const std::string> args, const config::Environment& env) {
  LoadOutcome outcome = ServerLoader().Load(args, env);
  if (outcome.action != config::Action::kRun) return outcome;
  // Zipkin's derived defaults: the UI follows QUERY_ENABLED, its search screen SEARCH_ENABLED.
  ServerConfig& config = outcome.config;
  if (!outcome.IsSet("ui.enabled")) config.ui.enabled = config.query_enabled;
  if (!outcome.IsSet("ui.search-enabled")) config.ui.search_enabled = config.search_enabled;
  // The built UI next to the binary (installed or in the build tree), unless configured.
  if (!outcome.IsSet("ui.assets-dir")) config.ui.assets_dir = FindUiAssetsDir();
  return outcome;
}

}  // namespace cairn::server
