// accountservice: GET /accounts/{id} and friends (see account_service.h). Wiring only.
//
// RunAppMain rather than RunServiceMain: the VIP publisher holds the service's tracer, so it must
// be closed after the server drains and before the tracer goes, which AccountService::Stop does.
#include <string>

#include "apps/landscape/accountservice/account_service.h"
#include "apps/landscape/common/run_main.h"

int main(int argc, char** argv) {
  using cairn::accountservice::AccountConfig;
  using cairn::accountservice::AccountService;
  return cairn::landscape::RunAppMain<AccountService, AccountConfig>(
      argc, argv, cairn::accountservice::AccountLoader(), AccountConfig(),
      cairn::accountservice::kServiceName,
      [](const AccountConfig& config, AccountService& service) {
        return fmt::format("{} listening on {}:{} as {}; quotes {}, images {}, VIP messages to {}",
                           cairn::accountservice::kServiceName, config.bind_address, service.port(),
                           service.service().local().ipv4, config.quotes_service_url,
                           config.imageservice_url,
                           config.amqp_server_url.empty() ? "nowhere" : config.vip_queue);
      });
}
