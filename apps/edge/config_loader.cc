#include "apps/edge/config_loader.h"

#include <fstream>
#include <sstream>

#include "apps/edge/config_settings.h"

namespace cairn::edge {
namespace {

constexpr std::string_view kConfigEnv = "CAIRN_EDGE_CONFIG";

constexpr config::ProgramInfo::Group kGroups[] = {
    {"https", "HTTPS listener"}, {"tls", "TLS"},         {"http", "Plain HTTP listener"},
    {"limits", "Limits"},        {"tracing", "Tracing"}, {"admin", "Admin endpoints"},
    {"upstream", "Upstreams"},
};

const config::Loader<EdgeConfig>& EdgeLoader() {
  static const config::Loader<EdgeConfig> loader(
      config::ProgramInfo{
          .name = "cairn-edge",
          .description =
              "cairn-edge: the traced TLS edge gateway. Process settings can be given as flags,\n"
              "environment variables or keys in the YAML file named by --config; routes and\n"
              "services only in that file (docs/edge.md). SIGHUP reloads routes and\n"
              "certificates; SIGTERM drains and stops.",
          .version = "cairn-edge 0.1.0",
          .config_env = kConfigEnv,
          .groups = kGroups},
      EdgeSettings(), EdgeKeyFamilies());
  return loader;
}

// The file the loader read: --config FILE / --config=FILE, else the environment variable.
std::string ConfigFile(std::span<const std::string> args, const config::Environment& env) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    if (args[i] == "--config" && i + 1 < args.size()) return args[i + 1];
    if (args[i].rfind("--config=", 0) == 0) return args[i].substr(9);
  }
  std::optional<std::string> from_env = env.Get(kConfigEnv);
  return from_env.value_or("");
}

LoadOutcome Fail(std::string message) {
  LoadOutcome outcome;
  outcome.action = config::Action::kExit;
  outcome.exit_code = 2;
  outcome.message = std::move(message);
  return outcome;
}

}  // namespace

std::string HelpText() { return EdgeLoader().Help(); }

LoadOutcome LoadConfig(std::span<const std::string> args, const config::Environment& env) {
  LoadOutcome outcome = EdgeLoader().Load(args, env);
  if (outcome.action != config::Action::kRun) return outcome;
  EdgeConfig& config = outcome.config;
  config.config_file = ConfigFile(args, env);
  if (!config.config_file.empty()) {
    std::ifstream in(config.config_file);
    if (!in) return Fail("cannot read config file " + config.config_file);
    std::stringstream text;
    text << in.rdbuf();
    if (Status s = ParseRoutesYaml(text.str(), config.config_file, config); !s.ok()) {
      return Fail(s.message());
    }
  }
  if (!config.https.enabled && !config.http.enabled) {
    return Fail("neither https.enabled nor http.enabled is true: nothing to listen on");
  }
  if (config.https.enabled && (config.cert_file.empty() || config.key_file.empty())) {
    return Fail(
        "HTTPS needs tls.cert-file and tls.key-file (scripts/make-certs creates a self-signed "
        "pair), or set https.enabled=false");
  }
  if (config.https.enabled && config.http.enabled && config.https.port == config.http.port &&
      config.https.port != 0 && config.https.address == config.http.address) {
    return Fail("https.port and http.port are the same");
  }
  if (Status s = ResolveHosts(config); !s.ok()) return Fail(s.message());
  return outcome;
}

}  // namespace cairn::edge
