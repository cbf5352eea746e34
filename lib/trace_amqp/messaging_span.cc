#include "lib/trace_amqp/messaging_span.h"

namespace cairn::trace_amqp {
namespace {

void SetRemote(trace::Span& span, const BrokerUrl& broker, std::string_view remote_service_name) {
  if (!remote_service_name.empty()) span.SetRemoteServiceName(remote_service_name);
  // Span ignores text that is not an IP address, so a host name adds nothing.
  span.SetRemoteIpAndPort(broker.host, broker.port);
}

}  // namespace

std::string ProducerSpanName(std::string_view exchange, std::string_view routing_key) {
  std::string name = "send";
  const std::string_view target = routing_key.empty() ? exchange : routing_key;
  if (!target.empty()) {
    name.push_back(' ');
    name.append(target);
  }
  return name;
}

void DecorateProducerSpan(trace::Span& span, const BrokerUrl& broker,
                          std::string_view remote_service_name, std::string_view exchange,
                          std::string_view routing_key) {
  if (!span.IsRecording()) return;
  SetRemote(span, broker, remote_service_name);
  const std::string_view destination = routing_key.empty() ? exchange : routing_key;
  if (!destination.empty()) span.Tag(kTagDestination, destination);
  if (!routing_key.empty()) span.Tag(kTagRoutingKey, routing_key);
  if (!exchange.empty()) span.Tag(kTagExchange, exchange);
}

void DecorateConsumerSpan(trace::Span& span, const BrokerUrl& broker,
                          std::string_view remote_service_name, std::string_view queue,
                          std::string_view exchange, std::string_view routing_key) {
  if (!span.IsRecording()) return;
  SetRemote(span, broker, remote_service_name);
  if (!queue.empty()) span.Tag(kTagDestination, queue);
  if (!routing_key.empty()) span.Tag(kTagRoutingKey, routing_key);
  if (!exchange.empty()) span.Tag(kTagExchange, exchange);
}

}  // namespace cairn::trace_amqp
