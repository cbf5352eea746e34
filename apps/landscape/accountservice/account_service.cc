#include "apps/landscape/accountservice/account_service.h"

#include <spdlog/spdlog.h>

#include <boost/asio/co_spawn.hpp>
#include <boost/asio/deferred.hpp>
#include <boost/asio/experimental/parallel_group.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <utility>

#include "apps/landscape/accountservice/account_json.h"
#include "apps/landscape/common/json_error.h"
#include "lib/net/blocking_pool.h"
#include "lib/net/request_context.h"
#include "lib/trace_asio/asio_context.h"
#include "lib/trace_http/server_tracing.h"

namespace cairn::accountservice {
namespace {

namespace asio = boost::asio;
namespace http = net::http;

// rabbitmq-c runs on the publisher's own thread; its log lines go to the service's log.
void LogAmqpLine(std::string_view line) {
  if (line.find(" warning: ") != std::string_view::npos) {
    spdlog::warn("{}", line);
  } else {
    spdlog::info("{}", line);
  }
}

}  // namespace

// What the routes need; owned by the AccountService, which stops the server before it goes.
struct AccountService::Handlers {
  AccountService& self;
  trace::Tracer& tracer;
  metrics::Family<metrics::Counter>& vip_messages;

  // GET /accounts/{accountId}. The handler makes its own SERVER span (rather than the service's
  // span middleware) so that it can annotate it.
  asio::awaitable<net::Response> GetAccount(net::RequestContext& ctx) {
    trace_http::ServerTracingOptions options;
    options.route = ctx.route();
    options.remote = &ctx.remote_endpoint();
    options.scope = false;  // the handler's own slot below carries it
    options.http.tag_all_status_codes = true;
    trace_http::ServerSpanGuard guard(tracer, ctx.request(), options);
    guard.span().SetName("getaccount");
    auto executor = co_await asio::this_coro::executor;
    net::Response res =
        co_await asio::co_spawn(trace_asio::make_context_executor(executor, guard.context()),
                                Serve(ctx, guard.span()), asio::use_awaitable);
    guard.Finish(res);
    co_return res;
  }

  asio::awaitable<net::Response> Serve(net::RequestContext& ctx, trace::Span& server_span) {
    const std::string id(ctx.PathParam("accountId").value_or(""));
    Result<Account> account = co_await QueryAccount(id);
    if (!account.ok()) {
      if (account.status().code() == StatusCode::kNotFound) {
        co_return landscape::JsonError(http::status::not_found, account.status().message());
      }
      spdlog::error("account {} not read: {}", id, account.status().message());
      co_return landscape::JsonError(net::HttpStatusFor(account.status().code()),
                                     account.status().message());
    }
    if (account->id == self.config_.vip_account_id) NotifyVip(*account, server_span);

    // Quote and image concurrently, each coroutine with its own context slot (based on the
    // server span) so neither sees the other's scopes.
    auto executor = co_await asio::this_coro::executor;
    const Downstreams& downstreams = *self.downstreams_;
    auto [order, quote_error, quote, image_error, image] =
        co_await asio::experimental::make_parallel_group(
            asio::co_spawn(trace_asio::make_context_executor(executor), downstreams.GetQuote(),
                           asio::deferred),
            asio::co_spawn(trace_asio::make_context_executor(executor),
                           downstreams.GetImageData(account->id), asio::deferred))
            .async_wait(asio::experimental::wait_for_all(), asio::use_awaitable);
    (void)order;
    if (quote_error) quote = FallbackQuote();  // only on bad_alloc: the calls do not throw
    if (image_error) image = FallbackImageData();
    co_return net::JsonResponse(
        EncodeAccountResponse(*account, self.service_->local().ipv4, quote, image));
  }

  // The LMDB read, on the blocking pool, in a local span.
  asio::awaitable<Result<Account>> QueryAccount(const std::string& id) {
    trace::Span span = tracer.StartSpan("queryaccount");
    span.Tag("db.system", "lmdb");
    const AccountStore& store = *self.store_;
    Result<Account> account = co_await net::RunBlocking(self.service_->blocking_pool(),
                                                        [&store, &id] { return store.Get(id); });
    if (!account.ok() && account.status().code() != StatusCode::kNotFound) {
      span.SetError(account.status().message());
    }
    span.Finish();
    co_return account;
  }

  // Queues the VIP message; never blocks and never fails the request.
  void NotifyVip(const Account& account, trace::Span& server_span) {
    trace_amqp::Publisher* publisher = self.publisher_.get();
    if (publisher == nullptr) {
      vip_messages.With({"disabled"}).Increment();
      return;
    }
    Status queued =
        publisher->Publish("", self.config_.vip_queue,
                           EncodeVipNotification(account.id, std::chrono::system_clock::now()),
                           "application/json", &server_span.context());
    if (queued.ok()) {
      vip_messages.With({"queued"}).Increment();
      server_span.Annotate("Sent VIP message");
    } else {
      vip_messages.With({"not_queued"}).Increment();
      server_span.Annotate("VIP message not sent");
      spdlog::warn("VIP message for account {} not queued: {}", account.id, queued.message());
    }
  }

  net::Response SetHealthy(net::RequestContext& ctx) {
    const std::string_view state = ctx.PathParam("state").value_or("");
    if (state != "true" && state != "false") {
      return landscape::JsonError(
          http::status::bad_request,
          "state must be true or false, got \"" + std::string(state.substr(0, 40)) + "\"");
    }
    const bool healthy = state == "true";
    self.healthy_.store(healthy);
    spdlog::info("health switched {} by /testability", healthy ? "on" : "off");
    return net::JsonResponse(healthy ? "{\"healthy\":true}" : "{\"healthy\":false}");
  }
};

Result<std::unique_ptr<AccountService>> AccountService::Create(const AccountConfig& config,
                                                               AccountServiceOptions options) {
  CAIRN_ASSIGN_OR_RETURN(
      std::unique_ptr<landscape::Service> service,
      landscape::Service::Create(
          {.name = std::string(kServiceName), .config = config, .reporter = options.reporter}));
  std::unique_ptr<AccountService> self(new AccountService(config, std::move(service)));
  CAIRN_RETURN_IF_ERROR(self->Init(options));
  return self;
}

AccountService::AccountService(AccountConfig config, std::unique_ptr<landscape::Service> service)
    : config_(std::move(config)), service_(std::move(service)) {}

AccountService::~AccountService() { Stop(); }

Status AccountService::Init(const AccountServiceOptions& options) {
  AccountStoreOptions store_options;
  store_options.map_size_bytes = config_.lmdb_map_size;
  Result<std::unique_ptr<AccountStore>> store = AccountStore::Open(config_.data_dir, store_options);
  if (!store.ok()) return store.status();
  store_ = std::move(store).value();
  if (store_->seeded() > 0) {
    spdlog::info("Seeded {} fake accounts into {}", store_->seeded(), config_.data_dir);
  }

  metrics::Registry& registry = service_->metrics();
  if (!config_.amqp_server_url.empty()) {
    trace_amqp::PublisherOptions publisher;
    publisher.url = config_.amqp_server_url;
    publisher.tracer = &service_->tracer();
    publisher.declare_queues = {config_.vip_queue};
    publisher.connection.connection_name = std::string(kServiceName);
    publisher.log = &LogAmqpLine;
    Result<std::unique_ptr<trace_amqp::Publisher>> made =
        trace_amqp::Publisher::Create(std::move(publisher));
    if (!made.ok()) return made.status();
    publisher_ = std::move(made).value();
    const trace_amqp::PublisherMetrics& m = publisher_->metrics();
    auto counter = [&registry](std::string_view name, std::string_view help,
                               const std::atomic<std::uint64_t>& value) {
      registry.AddCallback(name, help, metrics::MetricType::kCounter,
                           [&value] { return static_cast<double>(value.load()); });
    };
    counter("amqp_publisher_published_total", "Messages the broker confirmed", m.published);
    counter("amqp_publisher_failed_total", "Messages the broker refused or that were given up",
            m.failed);
    counter("amqp_publisher_dropped_total", "Messages not queued: the queue was full", m.dropped);
    counter("amqp_publisher_abandoned_total", "Messages still unsent at shutdown", m.abandoned);
    registry.AddCallback("amqp_publisher_connected", "1 while connected to the broker",
                         metrics::MetricType::kGauge,
                         [&m] { return m.connected.load() ? 1.0 : 0.0; });
  }

  DownstreamOptions downstream;
  downstream.quotes_service_url = config_.quotes_service_url;
  downstream.imageservice_url = config_.imageservice_url;
  downstream.quote_strength = config_.quote_strength;
  downstream.retry = resilience::RetryPolicy::Fixed(config_.retries, config_.retry_backoff);
  downstream.quotes_breaker = config_.breakers.SettingsFor(kQuotesBreakerName);
  downstream.image_breaker = config_.breakers.SettingsFor(kImageBreakerName);
  downstream.clock = options.clock;
  for (const std::string& name : config_.breakers.Names()) {
    if (name != config::NormalizeKey(kQuotesBreakerName) &&
        name != config::NormalizeKey(kImageBreakerName)) {
      spdlog::warn("hystrix.command settings for unknown breaker {} are ignored (breakers: {}, {})",
                   name, kQuotesBreakerName, kImageBreakerName);
    }
  }
  downstreams_ = std::make_unique<Downstreams>(service_->tracer(), registry, downstream);

  handlers_.reset(new Handlers{
      *this, service_->tracer(),
      registry.AddCounterFamily("vip_messages_total",
                                "VIP notifications by outcome (queued for the broker or not)",
                                {"result"})});
  Handlers* h = handlers_.get();
  service_->Get("/accounts/{accountId}",
                net::Handler([h](net::RequestContext& ctx) { return h->GetAccount(ctx); }),
                landscape::RouteTracing{.traced = false});  // GetAccount makes the span itself
  service_->Get("/testability/healthy/{state}",
                net::SyncHandler([h](net::RequestContext& ctx) { return h->SetHealthy(ctx); }),
                landscape::RouteTracing{.span_name = "sethealthystate"});
  service_->SetHealthCheck([this] { return CheckHealth(); });
  return Status::Ok();
}

Status AccountService::CheckHealth() const {
  if (!healthy_.load()) return Unavailable("Database unaccessible");
  if (Status db = store_->Check(); !db.ok()) {
    spdlog::warn("health check: {}", db.message());
    return Unavailable("Database unaccessible");
  }
  return Status::Ok();
}

Status AccountService::Start() { return service_->Start(); }

void AccountService::Stop() {
  if (stopped_) return;
  stopped_ = true;
  service_->Stop();
  if (publisher_) publisher_->Close();
}

}  // namespace cairn::accountservice
