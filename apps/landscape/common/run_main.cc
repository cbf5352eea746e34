#include "apps/landscape/common/run_main.h"

#include <cairn_build_info.h>
#include <pthread.h>
#include <spdlog/spdlog.h>

#include <csignal>

namespace cairn::landscape {

std::string VersionLine(std::string_view program) {
  return std::string(program) + " " + CAIRN_VERSION + " (" + CAIRN_COMMIT + ")";
}

namespace internal {
namespace {

sigset_t StopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  return set;
}

}  // namespace

void BlockStopSignals() {
  const sigset_t set = StopSignals();
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  std::signal(SIGPIPE, SIG_IGN);
}

int RunLoaded(std::string_view name, const ServiceConfig& config,
              const std::function<Status(Service&)>& install) {
  SetUpLogging(name, config.log_format, config.log_level);
  Result<std::unique_ptr<Service>> created =
      Service::Create({.name = std::string(name), .config = config});
  if (!created.ok()) {
    spdlog::critical("cannot create {}: {}", name, created.status().message());
    return 1;
  }
  std::unique_ptr<Service> service = std::move(created).value();
  if (Status installed = install(*service); !installed.ok()) {
    spdlog::critical("cannot set up {}: {}", name, installed.message());
    return 1;
  }
  if (Status started = service->Start(); !started.ok()) {
    spdlog::critical("cannot start {}: {}", name, started.message());
    return 1;
  }
  spdlog::info("{} listening on {}:{} as {}/{}; spans to {}", name, config.bind_address,
               service->port(), service->local().hostname, service->local().ipv4,
               config.zipkin_spans_url.empty() ? "nowhere" : config.zipkin_spans_url);

  WaitForStopSignal(config);
  service->Stop();
  service.reset();
  LogStopped();
  return 0;
}

void WaitForStopSignal(const ServiceConfig& config) {
  const sigset_t set = StopSignals();
  int signal_number = 0;
  sigwait(&set, &signal_number);
  spdlog::info("received {}, stopping (draining for up to {} ms)",
               signal_number == SIGTERM ? "SIGTERM" : "SIGINT", config.shutdown_timeout.count());
}

void LogStopped() {
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
}

}  // namespace internal
}  // namespace cairn::landscape
