// VipService: the landscape's vipservice, wired and runnable in-process (main.cc and the tests
// use the same object).
//
// It consumes vip_queue (declared non-durable, as the original did) on the AMQP consumer's own
// thread: each message runs in a CONSUMER span "vipservice#onmessage", a child of the publisher's
// PRODUCER span found in the message headers; the body is decoded (vip_message.h), the work is
// simulated (`work_duration`, 10 ms by default, as the original's sleep), and the result is logged
// (with the span's ids) and counted. A malformed message is logged, counted and rejected without
// requeueing. When the broker goes away the consumer reconnects with backoff and subscribes again.
//
//   GET /health   200 {"status":"UP"} while subscribed to the queue, else
//                 503 {"status":"not connected to the message broker"}
//   GET /metrics  vip_messages_total{result=processed|invalid}, amqp_consumer_* and process
//                 metrics
//
// Configuration keys: the landscape's common rows (server_port 6868, zipkin_server_url, ...) plus
// amqp_server_url, vip_queue, work_duration, prefetch.
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

#include "apps/landscape/common/service.h"
#include "apps/landscape/common/service_config.h"
#include "cairn/trace/reporter.h"
#include "lib/config/loader.h"
#include "lib/trace_amqp/consumer.h"

namespace cairn::vipservice {

inline constexpr std::string_view kServiceName = "vipservice";
inline constexpr std::string_view kSpanName = "vipservice#onmessage";

struct VipConfig : landscape::ServiceConfig {
  VipConfig() { server_port = 6868; }
  std::string amqp_server_url = "amqp://guest:guest@127.0.0.1:5672/";
  std::string vip_queue = "vip_queue";
  std::chrono::milliseconds work_duration{10};
  std::uint16_t prefetch = 16;
};

std::span<const config::Setting<VipConfig>> VipSettings();
const config::Loader<VipConfig>& VipLoader();

struct VipServiceOptions {
  // Replaces the HTTP span reporter (tests).
  std::shared_ptr<trace::Reporter> reporter;
};

class VipService {
 public:
  // Fails for an unusable configuration; an unreachable broker is not an error (the consumer
  // keeps trying, and /health says so).
  static Result<std::unique_ptr<VipService>> Create(const VipConfig& config,
                                                    VipServiceOptions options = {});
  ~VipService();
  VipService(const VipService&) = delete;
  VipService& operator=(const VipService&) = delete;

  Status Start();
  // Stops consuming (finishing the message in hand), then stops the HTTP server and flushes
  // spans. Idempotent.
  void Stop();

  std::uint16_t port() const { return service_->port(); }
  std::string LocalUrl() const { return service_->LocalUrl(); }
  landscape::Service& service() { return *service_; }
  const trace_amqp::Consumer& consumer() const { return *consumer_; }
  // Messages handled successfully so far.
  std::uint64_t processed() const;

 private:
  struct State;
  VipService(VipConfig config, std::unique_ptr<landscape::Service> service);
  Status Init();

  const VipConfig config_;
  std::unique_ptr<landscape::Service> service_;  // first: destroyed last
  std::shared_ptr<State> state_;
  std::unique_ptr<trace_amqp::Consumer> consumer_;
  bool stopped_ = false;
};

}  // namespace cairn::vipservice
