// imageservice: account image links and sepia JPEGs (see imageservice.h). Wiring only.
#include "apps/landscape/common/run_main.h"
#include "apps/landscape/imageservice/imageservice.h"

int main(int argc, char** argv) {
  using cairn::imageservice::ImageConfig;
  return cairn::landscape::RunServiceMain<ImageConfig>(
      argc, argv, cairn::imageservice::ImageLoader(), ImageConfig(),
      cairn::imageservice::kServiceName, &cairn::imageservice::InstallImageRoutes);
}
