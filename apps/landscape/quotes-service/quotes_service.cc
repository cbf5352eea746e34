#include "apps/landscape/quotes-service/quotes_service.h"

#include <spdlog/spdlog.h>

#include <vector>

#include "apps/landscape/common/json_error.h"
#include "apps/landscape/common/run_main.h"
#include "apps/landscape/quotes-service/quotes.h"
#include "lib/net/blocking_pool.h"
#include "lib/net/request_context.h"

namespace cairn::quotes {
namespace {

namespace http = net::http;

Status ApplyDefaultStrength(std::string_view text, QuotesConfig& config) {
  return config::AssignInteger(text, config.default_strength, kMinStrength, kMaxStrength);
}

Status ApplyDefaultLanguage(std::string_view text, QuotesConfig& config) {
  const std::string_view trimmed = config::TrimWhitespace(text);
  if (QuotesFor(trimmed).empty()) return InvalidArgument("expected en or sv");
  config.default_language = std::string(trimmed);
  return Status::Ok();
}

struct QuoteHandler {
  landscape::Service& service;
  int default_strength;
  std::string default_language;

  net::asio::awaitable<net::Response> operator()(net::RequestContext& ctx) const {
    Result<int> strength = ParseStrength(ctx.QueryParam("strength"), default_strength);
    if (!strength.ok())
      co_return landscape::JsonError(http::status::bad_request, strength.status().message());
    Result<std::string> language = ParseLanguage(ctx.QueryParam("language"), default_language);
    if (!language.ok())
      co_return landscape::JsonError(http::status::bad_request, language.status().message());
    const std::string_view quote = PickQuote(*language);

    trace::Span span = service.tracer().StartSpan("bcrypt");
    span.Tag("bcrypt.cost", static_cast<std::int64_t>(*strength));
    const int cost = *strength;
    Result<std::string> hash = co_await net::RunBlocking(
        service.blocking_pool(), [quote, cost] { return BcryptHash(quote, cost); });
    if (!hash.ok()) {
      span.SetError(hash.status().message());
      span.Finish();
      spdlog::warn("quote not hashed: {}", hash.status().message());
      co_return landscape::JsonError(net::HttpStatusFor(hash.status().code()),
                                     hash.status().message());
    }
    span.Finish();

    const landscape::LocalEndpoint& local = service.local();
    const std::string ip_address =
        local.hostname + "/" + local.ipv4 + ":" + std::to_string(service.port());
    spdlog::debug("quote in {} with strength {}", *language, cost);
    co_return net::JsonResponse(QuoteJson(quote, ip_address, *language));
  }
};

}  // namespace

std::span<const config::Setting<QuotesConfig>> QuotesSettings() {
  static const std::vector<config::Setting<QuotesConfig>> settings = [] {
    auto rows = landscape::CommonSettings<QuotesConfig>({.server_port = "8080"});
    rows.push_back({"DEFAULT_STRENGTH", "default_strength", "12",
                    "BCrypt cost when a request gives no strength (4..14)", &ApplyDefaultStrength});
    rows.push_back({"DEFAULT_LANGUAGE", "default_language", "en",
                    "Language when a request gives none (en or sv)", &ApplyDefaultLanguage});
    return rows;
  }();
  return settings;
}

const config::Loader<QuotesConfig>& QuotesLoader() {
  static const config::Loader<QuotesConfig> loader(
      config::ProgramInfo{
          .name = kServiceName,
          .description = "Returns a random quote after burning CPU on a BCrypt hash of cost "
                         "`strength` (the landscape's quotes-service).",
          .version = landscape::VersionLine(kServiceName),
      },
      QuotesSettings());
  return loader;
}

Status InstallQuotesRoutes(const QuotesConfig& config, landscape::Service& service) {
  service.Get("/api/quote",
              net::Handler(QuoteHandler{service, config.default_strength, config.default_language}),
              landscape::RouteTracing{.span_name = "getquote"});
  return Status::Ok();
}

}  // namespace cairn::quotes
