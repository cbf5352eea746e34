// Server: cairn-server assembled from a ServerConfig: the SpanStore, the write queue and its
// writer threads, the query pool, the HTTP collector, the query API, the ops and UI routes and the
// HttpServer that serves them all on one port. main.cc only loads the configuration, runs a
// Server and waits for a signal; tests run the same Server on 127.0.0.1:0.
//
//   CAIRN_ASSIGN_OR_RETURN(auto server, Server::Create(config));
//   CAIRN_RETURN_IF_ERROR(server->Start());  // listening when this returns
//   ... server->port() ...
//   server->Stop();                          // graceful
//
// Stop() stops accepting, lets in-flight requests finish (their spans are stored before they are
// answered) within config.shutdown_timeout, writes whatever is still queued, stops the pools and
// closes the store when the Server is destroyed. Start/Stop are not thread-safe against each other.
#pragma once

#include <cstdint>
#include <memory>

#include "apps/server/collector.h"
#include "apps/server/metrics.h"
#include "apps/server/query_api.h"
#include "apps/server/server_config.h"
#include "apps/server/write_queue.h"
#include "lib/net/blocking_pool.h"
#include "lib/net/http_server.h"
#include "lib/storage/span_store.h"

namespace cairn::server {

class Server {
 public:
  // Opens the store the configuration names, unless `store` is given (tests inject one).
  static Result<std::unique_ptr<Server>> Create(ServerConfig config,
                                                std::unique_ptr<storage::SpanStore> store = {});
  ~Server();  // Stop()
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and starts serving. kUnavailable when the address cannot be bound.
  Status Start();
  // The bound port (useful with port 0).
  std::uint16_t port() const;
  void Stop();

  const ServerConfig& config() const { return config_; }
  storage::SpanStore& store() { return *store_; }
  const CollectorMetrics& http_collector_metrics() const { return http_collector_metrics_; }
  WriteQueueStats write_queue_stats() const { return write_queue_->stats(); }

 private:
  Server(ServerConfig config, std::unique_ptr<storage::SpanStore> store);
  net::Router BuildRouter();

  const ServerConfig config_;
  std::unique_ptr<storage::SpanStore> store_;
  CollectorMetrics http_collector_metrics_{"http"};
  HttpRequestMetrics request_metrics_;
  std::unique_ptr<net::BlockingPool> query_pool_;
  std::unique_ptr<WriteQueue> write_queue_;
  std::unique_ptr<HttpCollector> collector_;
  std::unique_ptr<QueryApi> query_api_;
  // Declared last: destroyed first, while everything its handlers use still exists.
  std::unique_ptr<net::HttpServer> http_;
  bool stopped_ = false;
};

}  // namespace cairn::server
