// vipservice: consumes vip_queue (see vip_service.h). Wiring only.
//
// RunAppMain rather than RunServiceMain: the AMQP consumer holds the service's tracer, so it must
// stop before the service goes, which VipService::Stop does.
#include <string>

#include "apps/landscape/common/run_main.h"
#include "apps/landscape/vipservice/vip_service.h"

int main(int argc, char** argv) {
  using cairn::vipservice::VipConfig;
  using cairn::vipservice::VipService;
  return cairn::landscape::RunAppMain<VipService, VipConfig>(
      argc, argv, cairn::vipservice::VipLoader(), VipConfig(), cairn::vipservice::kServiceName,
      [](const VipConfig& config, VipService& service) {
        return fmt::format("{} listening on {}:{}; consuming {}", cairn::vipservice::kServiceName,
                           config.bind_address, service.port(), config.vip_queue);
      });
}
