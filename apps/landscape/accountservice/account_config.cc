#include "apps/landscape/accountservice/account_config.h"

#include <vector>

#include "apps/landscape/accountservice/account_store.h"
#include "apps/landscape/common/run_main.h"
#include "lib/config/values.h"
#include "lib/trace_amqp/broker.h"

namespace cairn::accountservice {
namespace {

Status ApplyAmqpUrl(std::string_view text, AccountConfig& config) {
  const std::string_view trimmed = config::TrimWhitespace(text);
  if (trimmed.empty() || trimmed == "off") {
    config.amqp_server_url.clear();
    return Status::Ok();
  }
  Result<trace_amqp::BrokerUrl> url = trace_amqp::ParseBrokerUrl(trimmed);
  if (!url.ok()) return url.status();
  config.amqp_server_url = std::string(trimmed);
  return Status::Ok();
}

Status ApplyQuotesUrl(std::string_view text, AccountConfig& config) {
  return landscape::AssignServiceUrl(text, config.quotes_service_url);
}

Status ApplyImageUrl(std::string_view text, AccountConfig& config) {
  return landscape::AssignServiceUrl(text, config.imageservice_url);
}

Status ApplyDataDir(std::string_view text, AccountConfig& config) {
  return config::AssignNonEmpty(text, config.data_dir, "a directory path");
}

Status ApplyMapSize(std::string_view text, AccountConfig& config) {
  return config::Assign(config::ParseByteSize(text, 1024 * 1024, std::uint64_t{1} << 40),
                        config.lmdb_map_size);
}

Status ApplyVipAccount(std::string_view text, AccountConfig& config) {
  CAIRN_RETURN_IF_ERROR(config::AssignNonEmpty(text, config.vip_account_id, "an account id"));
  if (config.vip_account_id.size() > kMaxAccountIdBytes) {
    return InvalidArgument("expected an account id of at most " +
                           std::to_string(kMaxAccountIdBytes) + " bytes");
  }
  return Status::Ok();
}

Status ApplyVipQueue(std::string_view text, AccountConfig& config) {
  CAIRN_RETURN_IF_ERROR(config::AssignNonEmpty(text, config.vip_queue, "a queue name"));
  if (config.vip_queue.size() > 255) return InvalidArgument("expected at most 255 bytes");
  return Status::Ok();
}

Status ApplyQuoteStrength(std::string_view text, AccountConfig& config) {
  return config::AssignInteger(text, config.quote_strength, 4, 14);
}

Status ApplyRetries(std::string_view text, AccountConfig& config) {
  return config::AssignInteger(text, config.retries, 0, 10);
}

Status ApplyRetryBackoff(std::string_view text, AccountConfig& config) {
  Result<std::chrono::milliseconds> parsed =
      config::ParseDuration(text, std::chrono::milliseconds(1));
  if (!parsed.ok() || *parsed > std::chrono::seconds(10)) {
    return InvalidArgument("expected a duration from 0 to 10s (a bare number is milliseconds)");
  }
  config.retry_backoff = *parsed;
  return Status::Ok();
}

constexpr config::KeyFamily<AccountConfig> kFamilies[] = {
    resilience::HystrixKeyFamily<AccountConfig, &AccountConfig::breakers>()};

}  // namespace

std::span<const config::Setting<AccountConfig>> AccountSettings() {
  static const std::vector<config::Setting<AccountConfig>> settings = [] {
    auto rows = landscape::CommonSettings<AccountConfig>({.server_port = "6767"});
    rows.push_back({"AMQP_SERVER_URL", "amqp_server_url", "amqp://guest:guest@127.0.0.1:5672/",
                    "RabbitMQ broker for VIP messages (\"off\": do not publish)", &ApplyAmqpUrl});
    rows.push_back({"QUOTES_SERVICE_URL", "quotes_service_url", "http://127.0.0.1:8080",
                    "Base URL of quotes-service", &ApplyQuotesUrl});
    rows.push_back({"IMAGESERVICE_URL", "imageservice_url", "http://127.0.0.1:7777",
                    "Base URL of imageservice", &ApplyImageUrl});
    rows.push_back({"DATA_DIR", "data_dir", "data/accountservice",
                    "LMDB directory of the accounts (created and seeded when missing)",
                    &ApplyDataDir});
    rows.push_back({"LMDB_MAP_SIZE", "lmdb_map_size", "64MB",
                    "Largest size the account database may grow to", &ApplyMapSize});
    rows.push_back({"VIP_ACCOUNT_ID", "vip_account_id", "10000",
                    "Account whose reads are announced on the VIP queue", &ApplyVipAccount});
    rows.push_back({"VIP_QUEUE", "vip_queue", "vip_queue",
                    "Queue (default exchange) of the VIP messages", &ApplyVipQueue});
    rows.push_back({"QUOTE_STRENGTH", "quote_strength", "4",
                    "BCrypt cost asked of quotes-service (4..14)", &ApplyQuoteStrength});
    rows.push_back({"RETRIES", "retries", "3",
                    "Retries of a failed downstream call inside its breaker (0..10)",
                    &ApplyRetries});
    rows.push_back(
        {"RETRY_BACKOFF", "retry_backoff", "100ms", "Wait between retries", &ApplyRetryBackoff});
    return rows;
  }();
  return settings;
}

std::span<const config::KeyFamily<AccountConfig>> AccountKeyFamilies() { return kFamilies; }

const config::Loader<AccountConfig>& AccountLoader() {
  static const config::Loader<AccountConfig> loader(
      config::ProgramInfo{
          .name = kServiceName,
          .description =
              "Serves accounts from an embedded LMDB store, enriched with a quote "
              "(quotes-service) and an image URL (imageservice) behind circuit breakers; "
              "announces reads of the VIP account on a RabbitMQ queue (the landscape's "
              "accountservice).",
          .version = landscape::VersionLine(kServiceName),
      },
      AccountSettings(), AccountKeyFamilies());
  return loader;
}

}  // namespace cairn::accountservice
