// The broker to talk to: BrokerUrl (where it is and how to log in, parsed from an `amqp://` URL)
// and ConnectionSettings (timeouts and heartbeat of each connection to it).
//
// Accepts amqp://[user[:password]@]host[:port][/vhost] as RabbitMQ's URI spec describes it
// (https://www.rabbitmq.com/uri-spec.html): user, password and vhost are percent-decoded; the port
// defaults to 5672 and the credentials to guest/guest. One liberty: an empty vhost ("amqp://h/")
// means the default vhost "/" rather than the empty name, and so does "//" (the original Go
// services' configuration appends "/" to a URL that already ends with one). amqps:// (TLS) is
// refused with a clear message: the transport here is plain TCP.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/trace/status.h"

namespace cairn::trace_amqp {

struct BrokerUrl {
  std::string host;  // name or address (IPv6 without brackets)
  std::uint16_t port = 5672;
  std::string user = "guest";
  std::string password = "guest";
  std::string vhost = "/";

  // amqp://user@host:port/vhost, without the password (for logs and error messages).
  std::string Redacted() const;
};

// InvalidArgument naming the problem (and quoting the URL with its password masked) for anything
// that is not a usable amqp:// URL: bad syntax, another scheme, a missing host, a port outside
// 1-65535, a query or fragment.
Result<BrokerUrl> ParseBrokerUrl(std::string_view url);

struct ConnectionSettings {
  // TCP connect plus the AMQP handshake and login.
  std::chrono::milliseconds connect_timeout{2000};
  // Each synchronous AMQP method (queue.declare, basic.qos, basic.consume, confirm.select).
  std::chrono::milliseconds rpc_timeout{5000};
  // AMQP heartbeat proposed to the broker (which may lower it); 0 disables heartbeats. A peer that
  // stays silent for two intervals is considered gone.
  std::chrono::seconds heartbeat{30};
  // Client-provided connection name (rabbitmqctl list_connections client_properties).
  std::string connection_name;

  // InvalidArgument naming the field: timeouts must be positive (at most 10 min), the heartbeat
  // 0..3600 s.
  Status Validate() const;
};

}  // namespace cairn::trace_amqp
