#include "lib/config/loader.h"

#include <CLI/CLI.hpp>
#include <cstdio>
#include <map>
#include <optional>
#include <vector>

#include "lib/config/yaml_file.h"

namespace cairn::config {
namespace internal {
namespace {

std::string GroupOf(const ProgramInfo& info, std::string_view path) {
  const std::string_view top = path.substr(0, path.find('.'));
  for (const ProgramInfo::Group& group : info.groups) {
    if (group.top == top) return std::string(group.title);
  }
  return "Other";
}

std::string Describe(const Table& table, const SettingInfo& setting) {
  std::string text(setting.help);
  text += " [env ";
  text += setting.env;
  text += ", default ";
  bool derived = false;
  for (const SettingInfo& other : table.settings) {
    derived = derived || (!setting.default_text.empty() && other.env == setting.default_text);
  }
  if (setting.default_text.empty()) {
    text += "none";
  } else if (derived) {
    text += "same as ";
    text += setting.default_text;
  } else {
    text += setting.default_text;
  }
  text += "]";
  return text;
}

std::string FamilyFooter(const Table& table) {
  if (table.families.empty()) return "";
  std::string footer = "Key families (flags in dotted form; also keys in the --config file):\n";
  for (const FamilyInfo& family : table.families) {
    std::string flag = "  --" + std::string(family.prefix) + std::string(family.placeholder);
    flag += " VALUE";
    if (flag.size() < 40) flag.resize(40, ' ');
    footer += flag + " " + std::string(family.help);
    if (!family.env_prefix.empty()) {
      footer += " [env " + std::string(family.env_prefix) + NormalizeKey(family.placeholder) + "]";
    }
    footer += "\n";
  }
  return footer;
}

std::string Quote(std::string_view value) {
  constexpr std::size_t kMaxShown = 200;
  std::string out = "\"";
  out.append(value.substr(0, kMaxShown));
  if (value.size() > kMaxShown) out += "...";
  out += "\"";
  return out;
}

struct Cli {
  CLI::App app;
  std::string config_file;
  bool version = false;
  std::vector<std::string> values;
  std::vector<CLI::Option*> options;

  Cli(const ProgramInfo& info, const Table& table)
      : app(std::string(info.description), std::string(info.name)) {
    app.add_option("--config", config_file,
                   "YAML file with settings [env " + std::string(info.config_env) + "]")
        ->type_name("FILE");
    app.add_flag("--version", version, "print the version and exit");
    values.resize(table.settings.size());
    for (std::size_t i = 0; i < table.settings.size(); ++i) {
      const SettingInfo& setting = table.settings[i];
      options.push_back(app.add_option(FlagName(setting.path), values[i], Describe(table, setting))
                            ->type_name("VALUE")
                            ->group(GroupOf(info, setting.path)));
    }
    app.footer(FamilyFooter(table));
    app.get_formatter()->column_width(40);
  }
};

// A key-family flag (--hystrix.command.x.Timeout=1000 or ... 1000) taken out of the arguments
// before CLI11 sees them, since its names are not known in advance.
struct FamilyFlag {
  std::size_t family;
  std::string key;
  std::string flag;
  std::string value;
};

Status SplitFamilyFlags(const Table& table, std::span<const std::string> args,
                        std::vector<std::string>& rest, std::vector<FamilyFlag>& family_flags) {
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string& arg = args[i];
    std::optional<std::size_t> family;
    for (std::size_t f = 0; f < table.families.size() && arg.starts_with("--"); ++f) {
      if (std::string_view(arg).substr(2).starts_with(table.families[f].prefix)) family = f;
    }
    if (!family) {
      rest.push_back(arg);
      continue;
    }
    const std::size_t equals = arg.find('=');
    FamilyFlag flag{*family, "", arg.substr(0, equals), ""};
    flag.key = flag.flag.substr(2 + table.families[*family].prefix.size());
    if (equals != std::string::npos) {
      flag.value = arg.substr(equals + 1);
    } else if (i + 1 < args.size()) {
      flag.value = args[++i];
    } else {
      return InvalidArgument(flag.flag + " needs a value");
    }
    if (flag.key.empty()) return InvalidArgument(flag.flag + ": expected a key after the prefix");
    family_flags.push_back(std::move(flag));
  }
  return Status::Ok();
}

}  // namespace

std::string Help(const ProgramInfo& info, const Table& table) {
  Cli cli(info, table);
  return cli.app.help();
}

CoreOutcome Load(const ProgramInfo& info, const Table& table, const Appliers& appliers,
                 std::span<const std::string> args, const Environment& env) {
  CoreOutcome outcome;
  auto fail = [&outcome](std::string message) {
    outcome.action = Action::kExit;
    outcome.exit_code = 2;
    outcome.message = std::move(message);
    return outcome;
  };
  const std::string hint = "\nRun " + std::string(info.name) + " --help for the settings.";

  std::vector<std::string> cli_args;
  std::vector<FamilyFlag> family_flags;
  if (Status split = SplitFamilyFlags(table, args, cli_args, family_flags); !split.ok()) {
    return fail(split.message() + hint);
  }
  Cli cli(info, table);
  std::vector<const char*> argv;
  const std::string program(info.name);
  argv.push_back(program.c_str());
  for (const std::string& arg : cli_args) argv.push_back(arg.c_str());
  try {
    cli.app.parse(static_cast<int>(argv.size()), argv.data());
  } catch (const CLI::CallForHelp&) {
    outcome.action = Action::kExit;
    outcome.message = cli.app.help();
    return outcome;
  } catch (const CLI::ParseError& e) {
    return fail(std::string(e.what()) + hint);
  }
  if (cli.version) {
    outcome.action = Action::kExit;
    outcome.message = info.version;
    return outcome;
  }

  // Lowest precedence first: file, then environment, then flags overwrite.
  FileValues raw;
  std::string file = cli.config_file;
  if (file.empty()) {
    if (std::optional<std::string> from_env = env.Get(info.config_env);
        from_env && !from_env->empty()) {
      file = *from_env;
    }
  }
  if (!file.empty()) {
    if (Status read = ReadConfigFile(file, table, info.name, raw); !read.ok()) {
      return fail(read.message());
    }
  }
  for (std::size_t i = 0; i < table.settings.size(); ++i) {
    const SettingInfo& setting = table.settings[i];
    const std::string path(setting.path);
    // An empty environment variable counts as unset (compose files often write FOO=).
    if (std::optional<std::string> value = env.Get(setting.env); value && !value->empty()) {
      raw.settings[path] = RawValue{*value, std::string(setting.env) + " (environment)"};
    }
    if (cli.options[i]->count() > 0) {
      raw.settings[path] = RawValue{cli.values[i], FlagName(setting.path)};
    }
  }

  // Key families: the same key may be spelt differently per source, so the winner is chosen per
  // (family, NormalizeKey(key)).
  struct FamilyValue {
    std::string key;
    RawValue raw;
  };
  std::map<std::pair<std::size_t, std::string>, FamilyValue> family_values;
  for (auto& [index_key, value] : raw.family_keys) {
    family_values[{index_key.first, NormalizeKey(index_key.second)}] = {index_key.second, value};
  }
  bool any_env_family = false;
  for (const FamilyInfo& family : table.families) any_env_family |= !family.env_prefix.empty();
  if (any_env_family) {
    for (auto& [name, value] : env.List()) {
      for (std::size_t f = 0; f < table.families.size(); ++f) {
        const std::string_view env_prefix = table.families[f].env_prefix;
        if (env_prefix.empty() || value.empty() || name.size() <= env_prefix.size() ||
            !name.starts_with(env_prefix)) {
          continue;
        }
        const std::string key = name.substr(env_prefix.size());
        family_values[{f, NormalizeKey(key)}] = {key, RawValue{value, name + " (environment)"}};
      }
    }
  }
  for (FamilyFlag& flag : family_flags) {
    family_values[{flag.family, NormalizeKey(flag.key)}] = {flag.key,
                                                            RawValue{flag.value, flag.flag}};
  }

  for (std::size_t i = 0; i < table.settings.size(); ++i) {
    auto it = raw.settings.find(std::string(table.settings[i].path));
    if (it == raw.settings.end()) continue;
    if (Status applied = appliers.setting(i, it->second.text); !applied.ok()) {
      return fail(it->second.origin + " = " + Quote(it->second.text) + ": " + applied.message());
    }
    outcome.set_paths.insert(it->first);
  }
  for (auto& [index_key, value] : family_values) {
    const std::size_t index = index_key.first;
    if (Status applied = appliers.family(index, value.key, value.raw.text); !applied.ok()) {
      return fail(value.raw.origin + " = " + Quote(value.raw.text) + ": " + applied.message());
    }
    outcome.set_paths.insert(std::string(table.families[index].prefix) + value.key);
  }
  return outcome;
}

}  // namespace internal

void PrintExitMessage(std::string_view program, int exit_code, const std::string& message) {
  if (exit_code == 0) {
    std::fprintf(stdout, "%s\n", message.c_str());
  } else {
    std::fprintf(stderr, "%.*s: %s\n", static_cast<int>(program.size()), program.data(),
                 message.c_str());
  }
}

}  // namespace cairn::config
