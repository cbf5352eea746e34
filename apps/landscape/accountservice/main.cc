// accountservice: GET /accounts/{id} and friends (see account_service.h). Wiring only.
//
// Not landscape::RunServiceMain: the VIP publisher holds the service's tracer, so it must be
// closed after the server drains and before the tracer goes, which AccountService::Stop does.
#include <spdlog/spdlog.h>

#include <csignal>
#include <string>
#include <vector>

#include "apps/landscape/accountservice/account_service.h"
#include "apps/landscape/common/logging.h"
#include "apps/landscape/common/run_main.h"

int main(int argc, char** argv) {
  namespace landscape = cairn::landscape;
  using cairn::accountservice::AccountConfig;
  using cairn::accountservice::AccountService;
  using cairn::accountservice::kServiceName;

  landscape::internal::BlockStopSignals();
  const std::vector<std::string> args(argv + 1, argv + argc);
  cairn::config::LoadOutcome<AccountConfig> outcome =
      cairn::accountservice::AccountLoader().Load(args, cairn::config::Environment::Process());
  if (outcome.action == cairn::config::Action::kExit) {
    cairn::config::PrintExitMessage(kServiceName, outcome.exit_code, outcome.message);
    return outcome.exit_code;
  }
  const AccountConfig& config = outcome.config;
  landscape::SetUpLogging(kServiceName, config.log_format, config.log_level);

  auto created = AccountService::Create(config);
  if (!created.ok()) {
    spdlog::critical("cannot set up {}: {}", kServiceName, created.status().message());
    return 1;
  }
  std::unique_ptr<AccountService> service = std::move(created).value();
  if (cairn::Status started = service->Start(); !started.ok()) {
    spdlog::critical("cannot start {}: {}", kServiceName, started.message());
    return 1;
  }
  spdlog::info("{} listening on {}:{} as {}; quotes {}, images {}, VIP messages to {}",
               kServiceName, config.bind_address, service->port(), service->service().local().ipv4,
               config.quotes_service_url, config.imageservice_url,
               config.amqp_server_url.empty() ? "nowhere" : config.vip_queue);

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
