#include "apps/landscape/vipservice/vip_service.h"

#include <spdlog/spdlog.h>

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

#include "apps/landscape/common/run_main.h"
#include "apps/landscape/vipservice/vip_message.h"
#include "lib/config/values.h"
#include "lib/trace_amqp/broker.h"

namespace cairn::vipservice {
namespace {

Status ApplyAmqpUrl(std::string_view text, VipConfig& config) {
  const std::string_view trimmed = config::TrimWhitespace(text);
  Result<trace_amqp::BrokerUrl> url = trace_amqp::ParseBrokerUrl(trimmed);
  if (!url.ok()) return url.status();
  config.amqp_server_url = std::string(trimmed);
  return Status::Ok();
}

Status ApplyVipQueue(std::string_view text, VipConfig& config) {
  CAIRN_RETURN_IF_ERROR(config::AssignNonEmpty(text, config.vip_queue, "a queue name"));
  if (config.vip_queue.size() > 255) return InvalidArgument("expected at most 255 bytes");
  return Status::Ok();
}

Status ApplyWorkDuration(std::string_view text, VipConfig& config) {
  Result<std::chrono::milliseconds> parsed =
      config::ParseDuration(text, std::chrono::milliseconds(1));
  if (!parsed.ok() || *parsed > std::chrono::seconds(10)) {
    return InvalidArgument("expected a duration from 0 to 10s (a bare number is milliseconds)");
  }
  config.work_duration = *parsed;
  return Status::Ok();
}

Status ApplyPrefetch(std::string_view text, VipConfig& config) {
  return config::AssignInteger(text, config.prefetch, 1, 65535);
}

// rabbitmq-c runs on the consumer's own thread; its log lines go to the service's log.
void LogAmqpLine(std::string_view line) {
  if (line.find(" warning: ") != std::string_view::npos) {
    spdlog::warn("{}", line);
  } else {
    spdlog::info("{}", line);
  }
}

}  // namespace

std::span<const config::Setting<VipConfig>> VipSettings() {
  static const std::vector<config::Setting<VipConfig>> settings = [] {
    auto rows = landscape::CommonSettings<VipConfig>({.server_port = "6868"});
    rows.push_back({"AMQP_SERVER_URL", "amqp_server_url", "amqp://guest:guest@127.0.0.1:5672/",
                    "RabbitMQ broker to consume VIP messages from", &ApplyAmqpUrl});
    rows.push_back(
        {"VIP_QUEUE", "vip_queue", "vip_queue", "Queue of the VIP messages", &ApplyVipQueue});
    rows.push_back({"WORK_DURATION", "work_duration", "10ms",
                    "Simulated processing time per message", &ApplyWorkDuration});
    rows.push_back({"PREFETCH", "prefetch", "16", "Unacknowledged messages in flight (1..65535)",
                    &ApplyPrefetch});
    return rows;
  }();
  return settings;
}

const config::Loader<VipConfig>& VipLoader() {
  static const config::Loader<VipConfig> loader(
      config::ProgramInfo{
          .name = kServiceName,
          .description = "Consumes the VIP notifications accountservice publishes to vip_queue, "
                         "one traced CONSUMER span per message (the landscape's vipservice).",
          .version = landscape::VersionLine(kServiceName),
      },
      VipSettings());
  return loader;
}

// Shared with the consumer's handler and the metrics callbacks.
struct VipService::State {
  std::chrono::milliseconds work_duration;
  metrics::Counter* processed = nullptr;
  metrics::Counter* invalid = nullptr;
  std::atomic<const trace_amqp::ConsumerMetrics*> consumer{nullptr};

  Status Handle(const trace_amqp::Delivery& delivery, trace::Span& span) const {
    Result<VipNotification> notification = DecodeVipNotification(delivery.body);
    if (!notification.ok()) {
      invalid->Increment();
      spdlog::warn("VIP message rejected: {}", notification.status().message());
      return notification.status();
    }
    span.Tag("vip.account_id", notification->account_id);
    std::this_thread::sleep_for(work_duration);  // the original's 10 ms of "work"
    processed->Increment();
    spdlog::info("VIP account {} was read at {}{}", notification->account_id, notification->read_at,
                 delivery.redelivered ? " (redelivered)" : "");
    return Status::Ok();
  }
};

Result<std::unique_ptr<VipService>> VipService::Create(const VipConfig& config,
                                                       VipServiceOptions options) {
  CAIRN_ASSIGN_OR_RETURN(
      std::unique_ptr<landscape::Service> service,
      landscape::Service::Create(
          {.name = std::string(kServiceName), .config = config, .reporter = options.reporter}));
  std::unique_ptr<VipService> self(new VipService(config, std::move(service)));
  CAIRN_RETURN_IF_ERROR(self->Init());
  return self;
}

VipService::VipService(VipConfig config, std::unique_ptr<landscape::Service> service)
    : config_(std::move(config)), service_(std::move(service)), state_(std::make_shared<State>()) {}

VipService::~VipService() { Stop(); }

Status VipService::Init() {
  metrics::Registry& registry = service_->metrics();
  auto& messages = registry.AddCounterFamily("vip_messages_total",
                                             "VIP messages consumed, by result", {"result"});
  state_->work_duration = config_.work_duration;
  state_->processed = &messages.With({"processed"});
  state_->invalid = &messages.With({"invalid"});

  // The consumer starts with Start(); until then (and after Stop) these read zero.
  auto counter = [&registry, state = state_](
                     std::string_view name, std::string_view help,
                     std::atomic<std::uint64_t> trace_amqp::ConsumerMetrics::*field) {
    registry.AddCallback(name, help, metrics::MetricType::kCounter, [state, field] {
      const trace_amqp::ConsumerMetrics* m = state->consumer.load();
      return m == nullptr ? 0.0 : static_cast<double>((m->*field).load());
    });
  };
  using M = trace_amqp::ConsumerMetrics;
  counter("amqp_consumer_received_total", "Messages received from the broker", &M::received);
  counter("amqp_consumer_acked_total", "Messages handled and acknowledged", &M::acked);
  counter("amqp_consumer_handler_errors_total", "Messages rejected by the handler",
          &M::handler_errors);
  counter("amqp_consumer_too_large_total", "Messages rejected for their size", &M::too_large);
  counter("amqp_consumer_connects_total", "Successful subscriptions to the queue", &M::connects);
  counter("amqp_consumer_connect_failures_total", "Failed connection attempts",
          &M::connect_failures);
  registry.AddCallback("amqp_consumer_consuming", "1 while subscribed to the queue",
                       metrics::MetricType::kGauge, [state = state_] {
                         const trace_amqp::ConsumerMetrics* m = state->consumer.load();
                         return m != nullptr && m->consuming.load() ? 1.0 : 0.0;
                       });
  service_->SetHealthCheck([state = state_] {
    const trace_amqp::ConsumerMetrics* m = state->consumer.load();
    if (m == nullptr || !m->consuming.load()) {
      return Unavailable("not connected to the message broker");
    }
    return Status::Ok();
  });
  return Status::Ok();
}

Status VipService::Start() {
  if (consumer_) return FailedPrecondition("vipservice was already started");
  CAIRN_RETURN_IF_ERROR(service_->Start());
  trace_amqp::ConsumerOptions options;
  options.url = config_.amqp_server_url;
  options.tracer = &service_->tracer();
  options.connection.connection_name = std::string(kServiceName);
  options.queue = config_.vip_queue;
  options.consumer_tag = std::string(kServiceName);
  options.span_name = std::string(kSpanName);
  options.prefetch = config_.prefetch;
  options.max_body_bytes = 64 * 1024;
  options.log = &LogAmqpLine;
  Result<std::unique_ptr<trace_amqp::Consumer>> consumer = trace_amqp::Consumer::Start(
      std::move(options),
      [state = state_](const trace_amqp::Delivery& delivery, trace::Span& span) {
        return state->Handle(delivery, span);
      });
  if (!consumer.ok()) return consumer.status();
  consumer_ = std::move(consumer).value();
  state_->consumer.store(&consumer_->metrics());
  return Status::Ok();
}

void VipService::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // The consumer first: its last spans are still flushed by the service's Stop.
  if (consumer_) consumer_->Stop();
  service_->Stop();
  state_->consumer.store(nullptr);
}

std::uint64_t VipService::processed() const { return state_->processed->value(); }

}  // namespace cairn::vipservice
