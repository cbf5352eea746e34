// AccountService: the landscape's accountservice, wired and runnable in-process (main.cc and the
// tests use the same object).
//
//   GET /accounts/{accountId}   SERVER span "getaccount"
//     reads the account from LMDB in a local span "queryaccount" on the blocking pool;
//     404 {"error":"No account found for <id>"} for an unknown id (503 when the pool is full or
//     the database fails);
//     for the VIP account only, queues {"accountId":..,"readAt":..} for vip_queue on the default
//     exchange (PRODUCER span "send vip_queue", annotation "Sent VIP message" on getaccount); a
//     message that cannot be queued is logged and counted, never an error for the request;
//     asks quotes-service and imageservice concurrently through their breakers (downstreams.h);
//     200 {"id","name","servedBy","quote":{..},"imageData":{..}} (account_json.h).
//   GET /health                    200 {"status":"UP"} / 503 {"status":"Database unaccessible"}
//                                  when the database does not answer or health was switched off
//   GET /testability/healthy/{state}  true|false switches health; 400 for anything else
//   GET /metrics                   request, breaker, downstream, VIP and process metrics
//
// Lifetime: Create opens the store (seeding it on first start) and starts the publisher's thread
// (which connects in the background); Start binds; Stop drains requests, stops the service
// (flushing spans), then closes the publisher. The destructor stops.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

#include "apps/landscape/accountservice/account_config.h"
#include "apps/landscape/accountservice/account_store.h"
#include "apps/landscape/accountservice/downstreams.h"
#include "apps/landscape/common/service.h"
#include "cairn/trace/reporter.h"
#include "lib/resilience/clock.h"
#include "lib/trace_amqp/publisher.h"

namespace cairn::accountservice {

struct AccountServiceOptions {
  // Replaces the HTTP span reporter (tests).
  std::shared_ptr<trace::Reporter> reporter;
  // The breakers' clock (tests); must outlive the service.
  const resilience::Clock* clock = nullptr;
};

class AccountService {
 public:
  // Fails when the configuration is unusable or the store cannot be opened.
  static Result<std::unique_ptr<AccountService>> Create(const AccountConfig& config,
                                                        AccountServiceOptions options = {});
  ~AccountService();
  AccountService(const AccountService&) = delete;
  AccountService& operator=(const AccountService&) = delete;

  Status Start();
  // Idempotent; not from a handler.
  void Stop();

  std::uint16_t port() const { return service_->port(); }
  std::string LocalUrl() const { return service_->LocalUrl(); }
  landscape::Service& service() { return *service_; }
  AccountStore& store() { return *store_; }
  const Downstreams& downstreams() const { return *downstreams_; }
  // Null when amqp_server_url is off.
  trace_amqp::Publisher* publisher() { return publisher_.get(); }

 private:
  struct Handlers;
  AccountService(AccountConfig config, std::unique_ptr<landscape::Service> service);
  Status Init(const AccountServiceOptions& options);
  Status CheckHealth() const;

  const AccountConfig config_;
  std::unique_ptr<landscape::Service> service_;  // first: destroyed last
  std::unique_ptr<AccountStore> store_;
  std::unique_ptr<trace_amqp::Publisher> publisher_;
  std::unique_ptr<Downstreams> downstreams_;
  std::unique_ptr<Handlers> handlers_;
  std::atomic<bool> healthy_{true};
  bool stopped_ = false;
};

}  // namespace cairn::accountservice
