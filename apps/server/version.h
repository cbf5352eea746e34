// cairn-server's version (the project's) and the commit it was built from, as /info reports them.
// Both come from CMake (apps/server/CMakeLists.txt); "unknown" when built outside a git checkout.
#pragma once

#include <string_view>

#ifndef CAIRN_SERVER_VERSION
#define CAIRN_SERVER_VERSION "0.0.0"
#endif
#ifndef CAIRN_SERVER_COMMIT
#define CAIRN_SERVER_COMMIT "unknown"
#endif

namespace cairn::server {

inline constexpr std::string_view kVersion = CAIRN_SERVER_VERSION;
inline constexpr std::string_view kCommit = CAIRN_SERVER_COMMIT;

}  // namespace cairn::server
