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

#include <spdlog/spdlog.h>

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "apps/landscape/common/logging.h"
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

// Waits for SIGINT or SIGTERM (blocked by BlockStopSignals) and logs which came.
void WaitForStopSignal(const ServiceConfig& config);
// Logs the end of a clean stop and flushes the log.
void LogStopped();

// BlockStopSignals, then loads the configuration; for kExit prints the message (the caller
// returns outcome.exit_code).
template <typename C>
config::LoadOutcome<C> LoadServiceConfig(int argc, char** argv, const config::Loader<C>& loader,
                                         C defaults, std::string_view name) {
  BlockStopSignals();
  const std::vector<std::string> args(argv + 1, argv + argc);
  config::LoadOutcome<C> outcome =
      loader.Load(args, config::Environment::Process(), std::move(defaults));
  if (outcome.action == config::Action::kExit) {
    config::PrintExitMessage(name, outcome.exit_code, outcome.message);
  }
  return outcome;
}

}  // namespace internal

// "quotes-service 0.1.0 (abc1234)" for --version.
std::string VersionLine(std::string_view program);

template <typename C>
int RunServiceMain(int argc, char** argv, const config::Loader<C>& loader, C defaults,
                   std::string_view name,
                   const std::function<Status(const C&, Service&)>& install) {
  config::LoadOutcome<C> outcome =
      internal::LoadServiceConfig(argc, argv, loader, std::move(defaults), name);
  if (outcome.action == config::Action::kExit) return outcome.exit_code;
  const C& config = outcome.config;
  return internal::RunLoaded(name, config,
                             [&](Service& service) { return install(config, service); });
}

// The main() of a process whose object owns more than a Service, e.g. an AMQP publisher or
// consumer holding the service's tracer, which must stop after the server drains and before the
// tracer goes (App::Stop does that in order). App needs
//   static Result<std::unique_ptr<App>> Create(const C&);  Status Start();  void Stop();
// `describe` gives the line logged once it serves. Exit codes as RunServiceMain's.
template <typename App, typename C>
int RunAppMain(int argc, char** argv, const config::Loader<C>& loader, C defaults,
               std::string_view name, const std::function<std::string(const C&, App&)>& describe) {
  config::LoadOutcome<C> outcome =
      internal::LoadServiceConfig(argc, argv, loader, std::move(defaults), name);
  if (outcome.action == config::Action::kExit) return outcome.exit_code;
  const C& config = outcome.config;
  SetUpLogging(name, config.log_format, config.log_level);
  Result<std::unique_ptr<App>> created = App::Create(config);
  if (!created.ok()) {
    spdlog::critical("cannot set up {}: {}", name, created.status().message());
    return 1;
  }
  std::unique_ptr<App> app = std::move(created).value();
  if (Status started = app->Start(); !started.ok()) {
    spdlog::critical("cannot start {}: {}", name, started.message());
    return 1;
  }
  spdlog::info("{}", describe(config, *app));
  internal::WaitForStopSignal(config);
  app->Stop();
  app.reset();
  internal::LogStopped();
  return 0;
}

}  // namespace cairn::landscape
