#include "apps/landscape/common/service.h"

#include <spdlog/spdlog.h>

#include "apps/landscape/common/request_metrics.h"
#include "lib/metrics/process_metrics.h"
#include "lib/model/json_escape.h"

namespace cairn::landscape {

Result<std::unique_ptr<Service>> Service::Create(ServiceOptions options) {
  if (options.name.empty()) return InvalidArgument("a service needs a name");
  std::unique_ptr<Service> service(new Service(std::move(options)));
  CAIRN_RETURN_IF_ERROR(service->Init());
  return service;
}

Service::Service(ServiceOptions options)
    : options_(std::move(options)),
      local_(DetectLocalEndpoint(options_.config.service_ip)),
      route_tracing_(std::make_shared<RouteTracingTable>()) {}

Service::~Service() { Stop(); }

Status Service::Init() {
  const ServiceConfig& config = options_.config;
  TracingOptions tracing;
  tracing.service_name = options_.name;
  tracing.spans_url = config.zipkin_spans_url;
  tracing.sample_rate = config.trace_sample_rate;
  tracing.local_ipv4 = local_.ipv4;
  tracing.local_port = config.server_port;
  tracing.reporter = options_.reporter;
  Result<Tracing> made = MakeTracing(std::move(tracing));
  if (!made.ok()) return made.status();
  tracing_ = std::move(made).value();

  pool_ = std::make_unique<net::BlockingPool>(config.blocking_threads, config.blocking_queue);

  router_.Use(RequestMetricsMiddleware(registry_));
  router_.Use(ServerSpanMiddleware(*tracing_.tracer, route_tracing_));

  Get("/health", net::SyncHandler([this](net::RequestContext&) {
        const Status status = options_.health ? options_.health() : Status::Ok();
        if (status.ok()) return net::JsonResponse("{\"status\":\"UP\"}");
        std::string body = "{\"status\":";
        model::AppendJsonString(status.message(), body);
        body += '}';
        return net::JsonResponse(std::move(body), net::http::status::service_unavailable);
      }),
      RouteTracing{.traced = false});
  Get("/metrics", net::SyncHandler([this](net::RequestContext&) {
        return net::MakeResponse(net::http::status::ok, registry_.Render(),
                                 metrics::kTextContentType);
      }),
      RouteTracing{.traced = false});

  RegisterServerMetrics(registry_, [this] { return server_stats(); });
  RegisterPoolMetrics(registry_, *pool_);
  if (tracing_.async_reporter) RegisterReporterMetrics(registry_, tracing_.async_reporter);
  metrics::RegisterProcessMetrics(registry_);
  return Status::Ok();
}

void Service::NoteRoute(std::string_view pattern, RouteTracing tracing) {
  route_tracing_->insert_or_assign(std::string(pattern), std::move(tracing));
}

Service& Service::Use(net::Middleware middleware) {
  router_.Use(std::move(middleware));
  return *this;
}

Status Service::Start() {
  if (started_) return FailedPrecondition(options_.name + " was already started");
  CAIRN_RETURN_IF_ERROR(registry_.status());
  started_ = true;
  net::ServerOptions server;
  server.host = options_.config.bind_address;
  server.port = options_.config.server_port;
  server.io_threads = options_.config.io_threads;
  server.max_body_bytes = options_.config.max_body_bytes;
  server.server_header = options_.name;
  http_ = std::make_unique<net::HttpServer>(std::move(server), std::move(router_));
  return http_->Start();
}

std::uint16_t Service::port() const { return http_ ? http_->port() : 0; }

std::string Service::LocalUrl() const { return "http://127.0.0.1:" + std::to_string(port()); }

net::ServerStats Service::server_stats() const {
  return http_ ? http_->stats() : net::ServerStats{};
}

Status Service::FlushSpans(std::chrono::milliseconds timeout) {
  return tracing_.reporter ? tracing_.reporter->Flush(timeout) : Status::Ok();
}

void Service::Stop() {
  if (stopped_) return;
  stopped_ = true;
  // Requests in flight may wait on the pool, so the server drains first.
  if (http_) http_->Stop(options_.config.shutdown_timeout);
  if (pool_) pool_->Stop();
  if (tracing_.reporter) {
    Status flushed = tracing_.reporter->Flush(std::chrono::seconds(2));
    if (!flushed.ok()) spdlog::warn("spans not flushed at shutdown: {}", flushed.message());
  }
  if (tracing_.async_reporter) tracing_.async_reporter->Close();
}

}  // namespace cairn::landscape
