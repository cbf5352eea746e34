// cairn-server's version (the project's) and the commit it was built from, as /info reports them.
// Both come from the generated <cairn_build_info.h> (cmake/build_info.cmake); the commit is
// "unknown" when built outside a git checkout.
#pragma once

#include <cairn_build_info.h>

#include <string_view>

namespace cairn::server {

inline constexpr std::string_view kVersion = CAIRN_VERSION;
inline constexpr std::string_view kCommit = CAIRN_COMMIT;

}  // namespace cairn::server
