// quotes-service: GET /api/quote (see quotes_service.h). Wiring only.
#include "apps/landscape/common/run_main.h"
#include "apps/landscape/quotes-service/quotes_service.h"

int main(int argc, char** argv) {
  using cairn::quotes::QuotesConfig;
  return cairn::landscape::RunServiceMain<QuotesConfig>(argc, argv, cairn::quotes::QuotesLoader(),
                                                        QuotesConfig(), cairn::quotes::kServiceName,
                                                        &cairn::quotes::InstallQuotesRoutes);
}
