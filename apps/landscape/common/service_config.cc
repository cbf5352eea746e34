#include "apps/landscape/common/service_config.h"

#include <boost/asio/ip/address.hpp>

#include "apps/landscape/common/tracing.h"
#include "lib/config/url.h"
#include "lib/config/values.h"

namespace cairn::landscape {

Status ApplyBindAddress(std::string_view text, ServiceConfig& config) {
  const std::string_view trimmed = config::TrimWhitespace(text);
  boost::system::error_code ec;
  if (trimmed != "localhost") {
    boost::asio::ip::make_address(std::string(trimmed), ec);
    if (ec) return InvalidArgument("expected an IP address such as 0.0.0.0 or 127.0.0.1");
  }
  config.bind_address = std::string(trimmed);
  return Status::Ok();
}

Status ApplyServerPort(std::string_view text, ServiceConfig& config) {
  return config::AssignInteger(text, config.server_port, 0, 65535);
}

Status ApplyServiceIp(std::string_view text, ServiceConfig& config) {
  const std::string_view trimmed = config::TrimWhitespace(text);
  boost::system::error_code ec;
  boost::asio::ip::make_address_v4(std::string(trimmed), ec);
  if (ec) return InvalidArgument("expected an IPv4 address such as 10.0.0.5");
  config.service_ip = std::string(trimmed);
  return Status::Ok();
}

Status ApplyZipkinServerUrl(std::string_view text, ServiceConfig& config) {
  const std::string_view trimmed = config::TrimWhitespace(text);
  if (trimmed.empty() || trimmed == "off") {
    config.zipkin_spans_url.clear();
    return Status::Ok();
  }
  Result<std::string> url = ZipkinSpansUrl(trimmed);
  if (!url.ok()) return url.status();
  config.zipkin_spans_url = std::move(url).value();
  return Status::Ok();
}

Status ApplyTraceSampleRate(std::string_view text, ServiceConfig& config) {
  return config::Assign(config::ParseNumber(text, 0, 1), config.trace_sample_rate);
}

Status ApplyIoThreads(std::string_view text, ServiceConfig& config) {
  return config::AssignInteger(text, config.io_threads, 1, 64);
}

Status ApplyBlockingThreads(std::string_view text, ServiceConfig& config) {
  return config::AssignInteger(text, config.blocking_threads, 1, 256);
}

Status ApplyBlockingQueue(std::string_view text, ServiceConfig& config) {
  return config::AssignInteger(text, config.blocking_queue, 1, 1'000'000);
}

Status ApplyMaxBodyBytes(std::string_view text, ServiceConfig& config) {
  return config::Assign(config::ParseByteSize(text, 1, std::uint64_t{1} << 32),
                        config.max_body_bytes);
}

Status ApplyShutdownTimeout(std::string_view text, ServiceConfig& config) {
  return config::Assign(config::ParseDuration(text, std::chrono::milliseconds(1)),
                        config.shutdown_timeout);
}

Status ApplyLogLevel(std::string_view text, ServiceConfig& config) {
  const std::string_view trimmed = config::TrimWhitespace(text);
  CAIRN_RETURN_IF_ERROR(ValidateLogLevel(trimmed));
  config.log_level = std::string(trimmed);
  return Status::Ok();
}

Status ApplyLogFormat(std::string_view text, ServiceConfig& config) {
  return config::Assign(ParseLogFormat(config::TrimWhitespace(text)), config.log_format);
}

Status AssignServiceUrl(std::string_view text, std::string& field) {
  Result<config::Url> url = config::ParseUrl(text, {"http"});
  if (!url.ok()) return url.status();
  field = url->text;
  return Status::Ok();
}

}  // namespace cairn::landscape
