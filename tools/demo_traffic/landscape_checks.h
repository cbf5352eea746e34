// Checks, through cairn-server's query API, that the landscape traffic made by LandscapeSimulator
// arrived whole: the five services are listed, a VIP trace has all its spans with the right
// parents and kinds, trace search finds accountservice's getquote, and the dependency graph links
// edge-server -> accountservice -> quotes-service / imageservice and reaches vipservice.
// Dependency links may lag (the RocksDB store links a trace once it has been quiet for a few
// seconds), so every check is retried until `timeout`.
#pragma once

#include <chrono>
#include <ostream>
#include <string>

#include "tools/support/http_client.h"

namespace cairn::tools {

struct LandscapeCheckOptions {
  std::string vip_trace_id;      // a trace recorded for account 10000
  std::string regular_trace_id;  // a trace recorded for another account
  std::chrono::milliseconds timeout{30'000};
};

// Prints one line per check ("ok ..." or "FAIL ...: why") to `log`; true when all passed.
bool CheckLandscape(HttpClient& client, const LandscapeCheckOptions& options, std::ostream& log);

}  // namespace cairn::tools
