// cairn-server's entry point: load the configuration, run a Server until SIGTERM or SIGINT, stop
// it gracefully. Exit status: 0 after a clean stop (or --help/--version), 2 for a configuration
// error, 1 when the server cannot start (store cannot be opened, port in use).
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <csignal>
#include <string>
#include <vector>

#include "apps/server/config_loader.h"
#include "apps/server/server.h"
#include "apps/server/version.h"

namespace {

const char* StorageName(cairn::server::StorageType type) {
  return type == cairn::server::StorageType::kMem ? "mem" : "rocksdb";
}

}  // namespace

int main(int argc, char** argv) {
  using cairn::server::LoadOutcome;

  // Signals are taken synchronously by sigwait below; block them before any thread starts so
  // every thread inherits the mask and none is interrupted.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  std::signal(SIGPIPE, SIG_IGN);

  const std::vector<std::string> args(argv + 1, argv + argc);
  LoadOutcome outcome = cairn::server::LoadConfig(args, cairn::config::Environment::Process());
  if (outcome.action == LoadOutcome::Action::kExit) {
    cairn::config::PrintExitMessage("cairn-server", outcome.exit_code, outcome.message);
    return outcome.exit_code;
  }
  const cairn::server::ServerConfig& config = outcome.config;
  spdlog::set_level(spdlog::level::from_str(config.log_level));

  auto created = cairn::server::Server::Create(config);
  if (!created.ok()) {
    spdlog::critical("cannot open {} storage: {}", StorageName(config.storage_type),
                     created.status().message());
    return 1;
  }
  std::unique_ptr<cairn::server::Server> server = std::move(created).value();
  if (cairn::Status started = server->Start(); !started.ok()) {
    spdlog::critical("cannot start: {}", started.message());
    return 1;
  }
  spdlog::info("cairn-server {} listening on {}:{} (storage {}{}{})", cairn::server::kVersion,
               config.bind_address, server->port(), StorageName(config.storage_type),
               config.storage_type == cairn::server::StorageType::kRocksDb ? " in " : "",
               config.storage_type == cairn::server::StorageType::kRocksDb ? config.data_dir : "");

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  spdlog::info("received {}, stopping (draining for up to {} ms)",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT", config.shutdown_timeout.count());
  server->Stop();
  server.reset();  // closes the store
  spdlog::info("stopped");
  return 0;
}
