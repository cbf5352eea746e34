// The settings table of cairn-edge (lib/config/settings.h): one row per process setting, plus the
// `routes.` and `services.` key families that config_routes.cc parses in file order.
#pragma once

#include <span>

#include "apps/edge/edge_config.h"
#include "lib/config/settings.h"

namespace cairn::edge {

std::span<const config::Setting<EdgeConfig>> EdgeSettings();
std::span<const config::KeyFamily<EdgeConfig>> EdgeKeyFamilies();

}  // namespace cairn::edge
