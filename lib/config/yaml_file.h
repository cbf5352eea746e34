// Reads the YAML settings file into raw text per key, for loader.cc (internal to lib/config).
//
// Nested maps are flattened into dotted paths; a scalar becomes its text, null the empty text, a
// list of scalars the comma-joined items. A path is accepted when it is a setting's path or lies
// under a key family's prefix; anything else is an "unknown key" error naming the file and the
// path, so typos do not pass silently.
#pragma once

#include <map>
#include <string>

#include "lib/base/status.h"
#include "lib/config/loader.h"

namespace cairn::config::internal {

// A setting's winning text and where it came from, for error messages.
struct RawValue {
  std::string text;
  std::string origin;  // "QUERY_PORT (environment)", "--query-port", "query.port (in f.yaml)"
};

struct FileValues {
  std::map<std::string, RawValue> settings;  // by path
  // Key-family keys: (family index, key after the prefix as written) -> value.
  std::map<std::pair<std::size_t, std::string>, RawValue> family_keys;
};

// `program` names the binary in the unknown-key hint.
Status ReadConfigFile(const std::string& file, const Table& table, std::string_view program,
                      FileValues& out);

}  // namespace cairn::config::internal
