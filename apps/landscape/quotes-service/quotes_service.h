// The quotes-service's configuration and routes (main.cc only wires these to RunServiceMain).
//
//   GET /api/quote?strength=N&language=en|sv   (span "getquote")
//     200 {"quote":"...","ipAddress":"<host>/<ip>:<port>","language":"en"} after a BCrypt hash of
//         cost N (default 12) of the quote, computed on the blocking pool (child span "bcrypt");
//     400 {"error":"..."} for a strength outside 4..14 or not an integer, or another language;
//     503 {"error":"..."} when the blocking pool is full.
//   GET /health, GET /metrics (from landscape::Service)
#pragma once

#include <span>
#include <string>

#include "apps/landscape/common/service.h"
#include "apps/landscape/common/service_config.h"
#include "lib/config/loader.h"

namespace cairn::quotes {

inline constexpr std::string_view kServiceName = "quotes-service";

struct QuotesConfig : landscape::ServiceConfig {
  QuotesConfig() { server_port = 8080; }
  int default_strength = 12;
  std::string default_language = "en";
};

// The settings table: the common rows plus default_strength and default_language.
std::span<const config::Setting<QuotesConfig>> QuotesSettings();
const config::Loader<QuotesConfig>& QuotesLoader();

// Adds GET /api/quote to `service`. `service` must outlive its server (it does: it owns it).
Status InstallQuotesRoutes(const QuotesConfig& config, landscape::Service& service);

}  // namespace cairn::quotes
