// The span model of AMQP messaging (docs/amqp.md), shared by Publisher and Consumer.
//
// PRODUCER span `send <routing key>` (`send <exchange>` when the routing key is empty), a child of
// the caller's span; CONSUMER span named by the consumer's owner, a child of the PRODUCER span
// found in the message headers. Both name the broker as the remote service (`rabbitmq` by default,
// plus its address when the broker URL's host is an IP literal) and carry:
//   messaging.destination  the routing key on send (the queue, for the default exchange), else
//                          the exchange; the queue on receive
//   amqp.routing_key       the routing key
//   amqp.exchange          the exchange, only when not the default one
// Brave's spring-rabbit instrumentation tags the same facts as rabbit.exchange/rabbit.routing_key/
// rabbit.queue; the names here follow the messaging.* convention instead.
#pragma once

#include <string>
#include <string_view>

#include "cairn/trace/span.h"
#include "lib/trace_amqp/broker.h"

namespace cairn::trace_amqp {

inline constexpr std::string_view kDefaultRemoteServiceName = "rabbitmq";
inline constexpr std::string_view kTagDestination = "messaging.destination";
inline constexpr std::string_view kTagRoutingKey = "amqp.routing_key";
inline constexpr std::string_view kTagExchange = "amqp.exchange";

std::string ProducerSpanName(std::string_view exchange, std::string_view routing_key);

// Remote endpoint (service name, and the broker's address when its host is an IP) and tags of a
// PRODUCER span. No-op on a span that is not recording.
void DecorateProducerSpan(trace::Span& span, const BrokerUrl& broker,
                          std::string_view remote_service_name, std::string_view exchange,
                          std::string_view routing_key);
// The same for a CONSUMER span of a message received from `queue`.
void DecorateConsumerSpan(trace::Span& span, const BrokerUrl& broker,
                          std::string_view remote_service_name, std::string_view queue,
                          std::string_view exchange, std::string_view routing_key);

}  // namespace cairn::trace_amqp
