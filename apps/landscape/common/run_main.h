// The main() of a landscape process, so each service's main.cc is only wiring:
//
//   int main(int argc, char** argv) {
//     return landscape::RunServiceMain<QuotesConfig>(argc, argv, QuotesLoader(), QuotesDefaults(),
//         [](const QuotesConfig& config, landscape::Service& service) {
//           return quotes::InstallRoutes(config, service);
//         });
//   }
//
// It blocks SIGINT/SIGTERM (so no thread is interrupted and sigwait can take them), loads the
// configuration (flags > environment > YAML file > defaults; --help and --version exit 0, a bad
// value exits 2 with a message naming the key), sets up logging, creates the Service, lets
// `install` add routes (an error exits 1), starts it (a bind failure exits 1), waits for SIGINT or
// SIGTERM, stops gracefully (drain, flush spans) and returns 0.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "apps/landscape/common/service.h"
#include "lib/config/loader.h"

namespace cairn::landscape {

namespace internal {

// Blocks SIGINT and SIGTERM in the calling thread (and every thread started later); ignores
// SIGPIPE.
void BlockStopSignals();
// Runs a service with a loaded configuration until SIGINT/SIGTERM; the exit code.
int RunLoaded(std::string_view name, const ServiceConfig& config,
              const std::function<Status(Service&)>& install);

}  // namespace internal

// "quotes-service 0.1.0 (abc1234)" for --version.
std::string VersionLine(std::string_view program);

template <typename C>
int RunServiceMain(int argc, char** argv, const config::Loader<C>& loader, C defaults,
                   std::string_view name,
                   const std::function<Status(const C&, Service&)>& install) {
  internal::BlockStopSignals();
  const std::vector<std::string> args(argv + 1, argv + argc);
  config::LoadOutcome<C> outcome =
      loader.Load(args, config::Environment::Process(), std::move(defaults));
  if (outcome.action == config::Action::kExit) {
    config::PrintExitMessage(name, outcome.exit_code, outcome.message);
    return outcome.exit_code;
  }
  const C& config = outcome.config;
  return internal::RunLoaded(name, config,
                             [&](Service& service) { return install(config, service); });
}

}  // namespace cairn::landscape
