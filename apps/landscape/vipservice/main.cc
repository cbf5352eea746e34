// vipservice: consumes vip_queue (see vip_service.h). Wiring only.
//
// Not landscape::RunServiceMain: the AMQP consumer holds the service's tracer, so it must stop
// before the service goes, which VipService::Stop does.
#include <spdlog/spdlog.h>

#include <csignal>
#include <string>
#include <vector>

#include "apps/landscape/common/logging.h"
#include "apps/landscape/common/run_main.h"
#include "apps/landscape/vipservice/vip_service.h"

int main(int argc, char** argv) {
  namespace landscape = cairn::landscape;
  using cairn::vipservice::kServiceName;
  using cairn::vipservice::VipConfig;
  using cairn::vipservice::VipService;

  landscape::internal::BlockStopSignals();
  const std::vector<std::string> args(argv + 1, argv + argc);
  cairn::config::LoadOutcome<VipConfig> outcome =
      cairn::vipservice::VipLoader().Load(args, cairn::config::Environment::Process());
  if (outcome.action == cairn::config::Action::kExit) {
    cairn::config::PrintExitMessage(kServiceName, outcome.exit_code, outcome.message);
    return outcome.exit_code;
  }
  const VipConfig& config = outcome.config;
  landscape::SetUpLogging(kServiceName, config.log_format, config.log_level);

  auto created = VipService::Create(config);
  if (!created.ok()) {
    spdlog::critical("cannot set up {}: {}", kServiceName, created.status().message());
    return 1;
  }
  std::unique_ptr<VipService> service = std::move(created).value();
  if (cairn::Status started = service->Start(); !started.ok()) {
    spdlog::critical("cannot start {}: {}", kServiceName, started.message());
    return 1;
  }
  spdlog::info("{} listening on {}:{}; consuming {}", kServiceName, config.bind_address,
               service->port(), config.vip_queue);

  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGINT);
  sigaddset(&set, SIGTERM);
  int signal_number = 0;
  sigwait(&set, &signal_number);
  spdlog::info("received {}, stopping", signal_number == SIGTERM ? "SIGTERM" : "SIGINT");
  service->Stop();
  service.reset();
  spdlog::info("stopped");
  spdlog::default_logger()->flush();
  return 0;
}
