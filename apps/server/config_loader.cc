#include "apps/server/config_loader.h"

#include <yaml-cpp/yaml.h>

#include <CLI/CLI.hpp>
#include <cstdlib>
#include <map>
#include <vector>

#include "apps/server/config_settings.h"
#include "apps/server/version.h"

namespace cairn::server {
namespace {

// A setting's winning text and where it came from, for error messages.
struct RawValue {
  std::string text;
  std::string origin;  // "QUERY_PORT (environment)", "--query-port", "query.port (in f.yaml)"
};

std::string GroupOf(const Setting& setting) {
  const std::string_view top = setting.path.substr(0, setting.path.find('.'));
  if (top == "server") return "Server";
  if (top == "query") return "Query API";
  if (top == "storage") return "Storage";
  if (top == "collector") return "Collector";
  if (top == "ui") return "UI (/zipkin/config.json)";
  return "Other";
}

std::string Describe(const Setting& setting) {
  std::string text(setting.help);
  text += " [env ";
  text += setting.env;
  text += ", default ";
  if (setting.default_text.empty()) {
    text += "none";
  } else if (setting.default_text == "QUERY_ENABLED" || setting.default_text == "SEARCH_ENABLED") {
    text += "same as ";
    text += setting.default_text;
  } else {
    text += setting.default_text;
  }
  text += "]";
  return text;
}

std::string Quote(std::string_view value) {
  constexpr std::size_t kMaxShown = 200;
  std::string out = "\"";
  out.append(value.substr(0, kMaxShown));
  if (value.size() > kMaxShown) out += "...";
  out += "\"";
  return out;
}

// Flattens the YAML document into path -> text, rejecting keys that are not settings.
Status Flatten(const YAML::Node& node, const std::string& prefix, const std::string& file,
               std::map<std::string, RawValue>& out) {
  for (const auto& entry : node) {
    if (!entry.first.IsScalar()) {
      return InvalidArgument("config file " + file + ": keys must be plain names");
    }
    const std::string key = entry.first.Scalar();
    const std::string path = prefix.empty() ? key : prefix + "." + key;
    const YAML::Node& value = entry.second;
    const Setting* setting = FindSettingByPath(path);
    if (value.IsMap() && setting == nullptr) {
      CAIRN_RETURN_IF_ERROR(Flatten(value, path, file, out));
      continue;
    }
    if (setting == nullptr) {
      return InvalidArgument("config file " + file + ": unknown key '" + path +
                             "' (see cairn-server --help for the settings)");
    }
    RawValue raw;
    raw.origin = path + " (in " + file + ")";
    if (value.IsNull()) {
      raw.text.clear();
    } else if (value.IsScalar()) {
      raw.text = value.Scalar();
    } else if (value.IsSequence()) {
      for (const auto& item : value) {
        if (!item.IsScalar()) {
          return InvalidArgument("config file " + file + ": '" + path +
                                 "' must be a value or a list of values");
        }
        if (!raw.text.empty()) raw.text += ",";
        raw.text += item.Scalar();
      }
    } else {
      return InvalidArgument("config file " + file + ": '" + path +
                             "' must be a value or a list of values, not a map");
    }
    out[path] = std::move(raw);
  }
  return Status::Ok();
}

Status ReadConfigFile(const std::string& file, std::map<std::string, RawValue>& out) {
  YAML::Node root;
  try {
    root = YAML::LoadFile(file);
  } catch (const YAML::BadFile&) {
    return InvalidArgument("cannot read config file " + file);
  } catch (const YAML::Exception& e) {
    return InvalidArgument("config file " + file + " is not valid YAML: " + e.what());
  }
  if (root.IsNull()) return Status::Ok();  // empty file
  if (!root.IsMap()) return InvalidArgument("config file " + file + ": expected a map of settings");
  try {
    return Flatten(root, "", file, out);
  } catch (const YAML::Exception& e) {
    return InvalidArgument("config file " + file + ": " + e.what());
  }
}

struct Cli {
  CLI::App app{
      "cairn-server: a Zipkin-compatible trace collector and query server.\n"
      "Every setting can be given as a flag, an environment variable or a key in the\n"
      "YAML file named by --config; flags win over the environment, the environment\n"
      "over the file.",
      "cairn-server"};
  std::string config_file;
  bool version = false;
  std::vector<std::string> values;
  std::vector<CLI::Option*> options;

  Cli() {
    app.add_option("--config", config_file, "YAML file with settings [env CAIRN_CONFIG]")
        ->type_name("FILE");
    app.add_flag("--version", version, "print the version and exit");
    const auto settings = AllSettings();
    values.resize(settings.size());
    for (std::size_t i = 0; i < settings.size(); ++i) {
      options.push_back(app.add_option(FlagName(settings[i]), values[i], Describe(settings[i]))
                            ->type_name("VALUE")
                            ->group(GroupOf(settings[i])));
    }
    app.get_formatter()->column_width(40);
  }
};

}  // namespace

EnvLookup ProcessEnvironment() {
  return [](std::string_view name) -> std::optional<std::string> {
    const char* value = std::getenv(std::string(name).c_str());
    if (value == nullptr) return std::nullopt;
    return std::string(value);
  };
}

std::string HelpText() {
  Cli cli;
  return cli.app.help();
}

LoadOutcome LoadConfig(std::span<const std::string> args, const EnvLookup& env) {
  LoadOutcome outcome;
  auto fail = [&outcome](std::string message) {
    outcome.action = LoadOutcome::Action::kExit;
    outcome.exit_code = 2;
    outcome.message = std::move(message);
    return outcome;
  };

  Cli cli;
  std::vector<const char*> argv;
  argv.push_back("cairn-server");
  for (const std::string& arg : args) argv.push_back(arg.c_str());
  try {
    cli.app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    outcome.action = LoadOutcome::Action::kExit;
    outcome.message = cli.app.help();
    return outcome;
  } catch (const CLI::ParseError& e) {
    return fail(std::string(e.what()) + "\nRun cairn-server --help for the settings.");
  }
  if (cli.version) {
    outcome.action = LoadOutcome::Action::kExit;
    outcome.message =
        std::string("cairn-server ") + std::string(kVersion) + " (" + std::string(kCommit) + ")";
    return outcome;
  }

  // Lowest precedence first: file, then environment, then flags overwrite.
  std::map<std::string, RawValue> raw;
  std::string file = cli.config_file;
  if (file.empty()) {
    if (std::optional<std::string> from_env = env("CAIRN_CONFIG"); from_env && !from_env->empty()) {
      file = *from_env;
    }
  }
  if (!file.empty()) {
    if (Status read = ReadConfigFile(file, raw); !read.ok()) return fail(read.message());
  }
  const auto settings = AllSettings();
  for (std::size_t i = 0; i < settings.size(); ++i) {
    const Setting& setting = settings[i];
    const std::string path(setting.path);
    // An empty environment variable counts as unset (compose files often write FOO=).
    if (std::optional<std::string> value = env(setting.env); value && !value->empty()) {
      raw[path] = RawValue{*value, std::string(setting.env) + " (environment)"};
    }
    if (cli.options[i]->count() > 0) {
      raw[path] = RawValue{cli.values[i], FlagName(setting)};
    }
  }

  ServerConfig& config = outcome.config;
  for (const Setting& setting : settings) {
    auto it = raw.find(std::string(setting.path));
    if (it == raw.end()) continue;
    if (Status applied = setting.apply(it->second.text, config); !applied.ok()) {
      return fail(it->second.origin + " = " + Quote(it->second.text) + ": " + applied.message());
    }
  }
  // Zipkin's derived defaults: the UI follows QUERY_ENABLED, its search screen SEARCH_ENABLED.
  if (!raw.contains("ui.enabled")) config.ui.enabled = config.query_enabled;
  if (!raw.contains("ui.search-enabled")) config.ui.search_enabled = config.search_enabled;
  return outcome;
}

}  // namespace cairn::server
