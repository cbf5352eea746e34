#include "lib/config/yaml_file.h"

#include <yaml-cpp/yaml.h>

namespace cairn::config::internal {
namespace {

bool IsSettingPath(const Table& table, std::string_view path) {
  for (const SettingInfo& setting : table.settings) {
    if (setting.path == path) return true;
  }
  return false;
}

// The family whose prefix `path` lies strictly under, or -1.
int FamilyOf(const Table& table, std::string_view path) {
  for (std::size_t i = 0; i < table.families.size(); ++i) {
    const std::string_view prefix = table.families[i].prefix;
    if (path.size() > prefix.size() && path.starts_with(prefix)) return static_cast<int>(i);
  }
  return -1;
}

struct Flattener {
  const std::string& file;
  const Table& table;
  std::string_view program;
  FileValues& out;

  Status Flatten(const YAML::Node& node, const std::string& prefix) {
    for (const auto& entry : node) {
      if (!entry.first.IsScalar()) {
        return InvalidArgument("config file " + file + ": keys must be plain names");
      }
      const std::string key = entry.first.Scalar();
      const std::string path = prefix.empty() ? key : prefix + "." + key;
      const YAML::Node& value = entry.second;
      const bool is_setting = IsSettingPath(table, path);
      if (value.IsMap() && !is_setting) {
        CAIRN_RETURN_IF_ERROR(Flatten(value, path));
        continue;
      }
      const int family = is_setting ? -1 : FamilyOf(table, path);
      if (!is_setting && family < 0) {
        return InvalidArgument("config file " + file + ": unknown key '" + path + "' (see " +
                               std::string(program) + " --help for the settings)");
      }
      RawValue raw;
      raw.origin = path + " (in " + file + ")";
      CAIRN_RETURN_IF_ERROR(Text(value, path, raw.text));
      if (is_setting) {
        out.settings[path] = std::move(raw);
      } else {
        const std::size_t index = static_cast<std::size_t>(family);
        std::string rest = path.substr(table.families[index].prefix.size());
        out.family_keys[{index, std::move(rest)}] = std::move(raw);
      }
    }
    return Status::Ok();
  }

  Status Text(const YAML::Node& value, const std::string& path, std::string& text) {
    if (value.IsNull()) {
      text.clear();
    } else if (value.IsScalar()) {
      text = value.Scalar();
    } else if (value.IsSequence()) {
      for (const auto& item : value) {
        if (!item.IsScalar()) {
          return InvalidArgument("config file " + file + ": '" + path +
                                 "' must be a value or a list of values");
        }
        if (!text.empty()) text += ",";
        text += item.Scalar();
      }
    } else {
      return InvalidArgument("config file " + file + ": '" + path +
                             "' must be a value or a list of values, not a map");
    }
    return Status::Ok();
  }
};

}  // namespace

Status ReadConfigFile(const std::string& file, const Table& table, std::string_view program,
                      FileValues& out) {
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
    return Flattener{file, table, program, out}.Flatten(root, "");
  } catch (const YAML::Exception& e) {
    return InvalidArgument("config file " + file + ": " + e.what());
  }
}

}  // namespace cairn::config::internal
