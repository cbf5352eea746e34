// The accountservice's configuration: the landscape's common rows (server_port 6767,
// zipkin_server_url, ...) plus its own keys, and the hystrix.command.<name>.<Prop> family for its
// two circuit breakers, "quotes-service" and "imageservice".
//
//   amqp_server_url     broker of the VIP messages (amqp://guest:guest@127.0.0.1:5672/; "off":
//   none) quotes_service_url  http://127.0.0.1:8080      imageservice_url  http://127.0.0.1:7777
//   data_dir            LMDB directory of the accounts (created and seeded on first start)
//   vip_account_id      10000                       vip_queue         vip_queue
//   quote_strength      4 (BCrypt cost asked of quotes-service)
//   retries / retry_backoff   3 retries 100 ms apart inside each breaker
//
// Keys follow the original's flat viper keys, so the YAML file is flat (plus the nested hystrix
// map), the environment variable is the key upper-cased and the flag is --<key>. A bad value stops
// start-up with a message naming the key, its source and the value.
#pragma once

#include <chrono>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>

#include "apps/landscape/common/service_config.h"
#include "lib/config/loader.h"
#include "lib/resilience/breaker_settings.h"

namespace cairn::accountservice {

inline constexpr std::string_view kServiceName = "accountservice";

struct AccountConfig : landscape::ServiceConfig {
  AccountConfig() { server_port = 6767; }
  // Empty: VIP messages are not published (no broker).
  std::string amqp_server_url = "amqp://guest:guest@127.0.0.1:5672/";
  std::string quotes_service_url = "http://127.0.0.1:8080";
  std::string imageservice_url = "http://127.0.0.1:7777";
  std::string data_dir = "data/accountservice";
  std::uint64_t lmdb_map_size = 64ull * 1024 * 1024;
  std::string vip_account_id = "10000";
  std::string vip_queue = "vip_queue";
  int quote_strength = 4;
  int retries = 3;
  std::chrono::milliseconds retry_backoff{100};
  resilience::BreakerConfig breakers;
};

std::span<const config::Setting<AccountConfig>> AccountSettings();
std::span<const config::KeyFamily<AccountConfig>> AccountKeyFamilies();
const config::Loader<AccountConfig>& AccountLoader();

}  // namespace cairn::accountservice
