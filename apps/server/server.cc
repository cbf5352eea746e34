#include "apps/server/server.h"

#include <algorithm>

#include "apps/server/ops.h"
#include "apps/server/response_gzip.h"
#include "apps/server/store_factory.h"
#include "apps/server/ui_routes.h"
#include "lib/net/cors.h"

namespace cairn::server {
namespace {

// Queries waiting for a query thread, per thread, before new ones are answered 503.
constexpr std::size_t kQueryBacklogPerThread = 64;

}  // namespace

Result<std::unique_ptr<Server>> Server::Create(ServerConfig config,
                                               std::unique_ptr<storage::SpanStore> store) {
  if (!store) {
    Result<std::unique_ptr<storage::SpanStore>> opened = OpenStore(config);
    if (!opened.ok()) return opened.status();
    store = std::move(opened).value();
  }
  return std::unique_ptr<Server>(new Server(std::move(config), std::move(store)));
}

Server::Server(ServerConfig config, std::unique_ptr<storage::SpanStore> store)
    : config_(std::move(config)), store_(std::move(store)) {
  query_pool_ = std::make_unique<net::BlockingPool>(config_.query_threads,
                                                    config_.query_threads * kQueryBacklogPerThread);

  WriteQueueOptions queue;
  queue.max_queued_spans = config_.write_queue_spans;
  queue.writer_threads = config_.writer_threads;
  write_queue_ = std::make_unique<WriteQueue>(*store_, queue);

  CollectorOptions collector;
  collector.sample_rate = config_.sample_rate;
  collector.max_decompressed_bytes = config_.max_body_bytes;
  collector.max_spans_per_message = config_.max_spans_per_message;
  collector_ = std::make_unique<HttpCollector>(collector, *write_queue_, http_collector_metrics_);

  QueryApiOptions query;
  query.default_lookback_ms = config_.query_lookback_ms;
  query.timeout = config_.query_timeout;
  query.names_max_age_seconds = config_.names_max_age_seconds;
  query.autocomplete_keys = config_.autocomplete_keys;
  query_api_ = std::make_unique<QueryApi>(std::move(query), *store_, *query_pool_);
}

Server::~Server() { Stop(); }

net::Router Server::BuildRouter() {
  net::Router router;
  router.Use(RequestMetricsMiddleware(request_metrics_));
  net::CorsOptions cors;
  cors.allowed_origins = config_.allowed_origins;
  cors.allowed_methods = {"GET", "POST"};
  cors.allowed_headers = {"content-type", "X-GRPC-WEB"};
  router.Use(net::CorsMiddleware(std::move(cors)));
  router.Use(ResponseGzipMiddleware());

  if (config_.collector_http_enabled) collector_->AddRoutes(router);
  if (config_.query_enabled) {
    query_api_->AddRoutes(router);
  } else if (config_.collector_http_enabled) {
    // GET /api/v2/spans shares its path with the collector's POST; without this the router would
    // answer 405 where Zipkin with QUERY_ENABLED=false answers 404.
    router.Get("/api/v2/spans", net::SyncHandler([](net::RequestContext&) {
                 return net::MakeResponse(net::http::status::not_found,
                                          "the query API is disabled");
               }));
  }

  OpsSources ops;
  ops.store = store_.get();
  ops.pool = query_pool_.get();
  ops.health_timeout =
      config_.query_timeout.count() > 0 ? config_.query_timeout : std::chrono::milliseconds(11'000);
  ops.collectors = {&http_collector_metrics_};
  ops.requests = &request_metrics_;
  ops.write_queue_capacity = config_.write_queue_spans;
  ops.write_queue = [queue = write_queue_.get()] { return queue->stats(); };
  ops.http_server = [this] { return http_ ? http_->stats() : net::ServerStats{}; };
  AddOpsRoutes(router, std::move(ops));

  AddUiRoutes(router, config_.ui);
  return router;
}

Status Server::Start() {
  if (http_) return FailedPrecondition("the server was already started");
  net::ServerOptions options;
  options.host = config_.bind_address;
  options.port = config_.port;
  options.io_threads = config_.io_threads;
  options.max_body_bytes = config_.max_body_bytes;
  http_ = std::make_unique<net::HttpServer>(options, BuildRouter());
  return http_->Start();
}

std::uint16_t Server::port() const { return http_ ? http_->port() : 0; }

void Server::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // In-flight requests need the writers and the query pool to finish, so those stop after.
  if (http_) http_->Stop(config_.shutdown_timeout);
  write_queue_->Stop();
  query_pool_->Stop();
}

}  // namespace cairn::server
