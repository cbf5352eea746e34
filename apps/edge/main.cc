// cairn-edge's entry point: load the configuration, serve until SIGTERM or SIGINT (then drain and
// stop), reload routes and certificates on SIGHUP. Exit status: 0 after a clean stop (or --help /
// --version), 2 for a configuration error, 1 when the edge cannot start (port in use, bad
// certificate).
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <string>
#include <vector>

#include "apps/edge/config_loader.h"
#include "apps/edge/edge_server.h"

int main(int argc, char** argv) {
  using cairn::edge::EdgeServer;

  // Signals are taken synchronously by sigwait below; block them before any thread starts so every
  // thread inherits the mask.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  const std::vector<std::string> args(argv + 1, argv + argc);
  const cairn::config::Environment env = cairn::config::Environment::Process();
  cairn::edge::LoadOutcome outcome = cairn::edge::LoadConfig(args, env);
  if (outcome.action == cairn::config::Action::kExit) {
    cairn::config::PrintExitMessage("cairn-edge", outcome.exit_code, outcome.message);
    return outcome.exit_code;
  }
  spdlog::set_level(spdlog::level::from_str(outcome.config.log_level));
  const std::size_t routes = outcome.config.routes.size();
  auto created = EdgeServer::Create(std::move(outcome.config));
  if (!created.ok()) {
    spdlog::critical("cannot start: {}", created.status().message());
    return 1;
  }
  std::unique_ptr<EdgeServer> server = std::move(created).value();
  if (cairn::Status started = server->Start(); !started.ok()) {
    spdlog::critical("cannot start: {}", started.message());
    return 1;
  }
  const cairn::edge::EdgeConfig& config = server->snapshot()->config;
  if (config.https.enabled) {
    spdlog::info("cairn-edge listening on https://{}:{} ({})", config.https.address,
                 server->https_port(), server->snapshot()->tls->subject());
  }
  if (config.http.enabled) {
    spdlog::info("cairn-edge listening on http://{}:{}", config.http.address, server->http_port());
  }
  spdlog::info("{} routes, {} services{}", routes, config.services.size(),
               config.tracing.zipkin_url.empty() ? ", spans not reported"
                                                 : ", spans to " + config.tracing.zipkin_url);

  while (true) {
    int signal_number = 0;
    sigwait(&signals, &signal_number);
    if (signal_number != SIGHUP) {
      spdlog::info("received {}, draining for up to {} ms",
                   signal_number == SIGTERM ? "SIGTERM" : "SIGINT",
                   server->snapshot()->config.limits.drain_timeout.count());
      break;
    }
    cairn::edge::LoadOutcome reloaded = cairn::edge::LoadConfig(args, env);
    if (reloaded.action == cairn::config::Action::kExit) {
      server->metrics().CountReload(false);
      spdlog::error("reload refused, keeping the running configuration: {}", reloaded.message);
      continue;
    }
    std::string notes;
    const std::size_t new_routes = reloaded.config.routes.size();
    if (cairn::Status s = server->Reload(std::move(reloaded.config), &notes); !s.ok()) {
      spdlog::error("reload refused, keeping the running configuration: {}", s.message());
      continue;
    }
    spdlog::info("reloaded: {} routes{}{}", new_routes, notes.empty() ? "" : "; ", notes);
  }
  server->Stop();
  server.reset();
  spdlog::info("stopped");
  return 0;
}
