#include "apps/server/query_api.h"

#include <algorithm>
#include <optional>
#include <span>

#include "apps/server/query_params.h"
#include "apps/server/query_runner.h"
#include "lib/codec/text.h"
#include "lib/model/json_escape.h"
#include "lib/net/request_context.h"

namespace cairn::server {
namespace {

namespace http = net::http;

constexpr std::size_t kCacheThreshold = 3;

ParamLookup ParamsOf(const net::RequestContext& ctx) {
  return [&ctx](std::string_view name) { return ctx.QueryParam(name); };
}

void AppendTrace(const storage::Trace& trace, std::string& out) {
  out.push_back('[');
  for (std::size_t i = 0; i < trace.size(); ++i) {
    if (i > 0) out.push_back(',');
    out += trace[i];
  }
  out.push_back(']');
}

std::string TracesJson(const std::vector<storage::Trace>& traces) {
  std::size_t size = 2 + traces.size();
  for (const auto& trace : traces) {
    for (const auto& span : trace) size += span.size() + 1;
  }
  std::string out;
  out.reserve(size);
  out.push_back('[');
  for (std::size_t i = 0; i < traces.size(); ++i) {
    if (i > 0) out.push_back(',');
    AppendTrace(traces[i], out);
  }
  out.push_back(']');
  return out;
}

std::string DependenciesJson(const std::vector<storage::DependencyLink>& links) {
  std::string out = "[";
  for (std::size_t i = 0; i < links.size(); ++i) {
    const storage::DependencyLink& link = links[i];
    if (i > 0) out.push_back(',');
    out += "{\"parent\":";
    model::AppendJsonString(link.parent, out);
    out += ",\"child\":";
    model::AppendJsonString(link.child, out);
    out += ",\"callCount\":";
    out += std::to_string(link.call_count);
    // DependencyLinkBytesEncoder writes errorCount only when non-zero.
    if (link.error_count > 0) {
      out += ",\"errorCount\":";
      out += std::to_string(link.error_count);
    }
    out.push_back('}');
  }
  out.push_back(']');
  return out;
}

std::int64_t SystemNowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

}  // namespace

net::Response QueryErrorResponse(const Status& status) {
  http::status code = http::status::internal_server_error;
  switch (status.code()) {
    case StatusCode::kInvalidArgument:
      code = http::status::bad_request;
      break;
    case StatusCode::kNotFound:
      code = http::status::not_found;
      break;
    case StatusCode::kResourceExhausted:
    case StatusCode::kUnavailable:
      code = http::status::service_unavailable;
      break;
    default:
      break;
  }
  net::Response res = net::MakeResponse(code, status.message());
  if (code == http::status::service_unavailable) res.set(http::field::retry_after, "1");
  return res;
}

QueryApi::QueryApi(QueryApiOptions options, storage::SpanStore& store, net::BlockingPool& pool)
    : options_(std::move(options)), store_(store), pool_(pool) {}

void QueryApi::AddRoutes(net::Router& router) {
  for (std::string_view prefix : {"/api/v2", "/zipkin/api/v2"}) {
    const std::string p(prefix);
    router.Get(p + "/services", [this](net::RequestContext& ctx) { return Services(ctx); });
    router.Get(p + "/spans", [this](net::RequestContext& ctx) { return SpanNames(ctx); });
    router.Get(p + "/remoteServices",
               [this](net::RequestContext& ctx) { return RemoteServices(ctx); });
    router.Get(p + "/traces", [this](net::RequestContext& ctx) { return Traces(ctx); });
    router.Get(p + "/trace/{traceId}", [this](net::RequestContext& ctx) { return TraceById(ctx); });
    router.Get(p + "/traceMany", [this](net::RequestContext& ctx) { return TraceMany(ctx); });
    router.Get(p + "/dependencies", [this](net::RequestContext& ctx) { return Dependencies(ctx); });
    router.Get(p + "/autocompleteKeys", net::SyncHandler([this](net::RequestContext& ctx) {
                 return AutocompleteKeys(ctx);
               }));
    router.Get(p + "/autocompleteValues",
               [this](net::RequestContext& ctx) { return AutocompleteValues(ctx); });
  }
}

net::Response QueryApi::NamesResponse(std::vector<std::string> names, bool cache) const {
  // Collections.sort: Java String order.
  std::sort(names.begin(), names.end(), [](const std::string& a, const std::string& b) {
    return codec::CompareUtf16(a, b) < 0;
  });
  std::string body = "[";
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (i > 0) body.push_back(',');
    model::AppendJsonString(names[i], body);
  }
  body.push_back(']');
  net::Response res = net::JsonResponse(std::move(body));
  if (cache) {
    res.set(http::field::cache_control,
            "max-age=" + std::to_string(options_.names_max_age_seconds) + ", must-revalidate");
  }
  return res;
}

QueryApi::Awaitable QueryApi::Services(net::RequestContext&) {
  auto task = [store = &store_] { return store->GetServiceNames(); };
  auto names = co_await RunQuery(pool_, options_.timeout, std::move(task));
  if (!names.ok()) co_return QueryErrorResponse(names.status());
  const std::size_t count = names->size();
  service_count_.store(count, std::memory_order_relaxed);
  co_return NamesResponse(std::move(names).value(), count > kCacheThreshold);
}

QueryApi::Awaitable QueryApi::SpanNames(net::RequestContext& ctx) {
  std::optional<std::string> service = ctx.QueryParam("serviceName");
  if (!service) co_return QueryErrorResponse(MissingParameter("serviceName"));
  auto task = [store = &store_, name = NormalizeName(*service)] {
    return store->GetSpanNames(name);
  };
  auto names = co_await RunQuery(pool_, options_.timeout, std::move(task));
  if (!names.ok()) co_return QueryErrorResponse(names.status());
  co_return NamesResponse(std::move(names).value(),
                          service_count_.load(std::memory_order_relaxed) > kCacheThreshold);
}

QueryApi::Awaitable QueryApi::RemoteServices(net::RequestContext& ctx) {
  std::optional<std::string> service = ctx.QueryParam("serviceName");
  if (!service) co_return QueryErrorResponse(MissingParameter("serviceName"));
  auto task = [store = &store_, name = NormalizeName(*service)] {
    return store->GetRemoteServiceNames(name);
  };
  auto names = co_await RunQuery(pool_, options_.timeout, std::move(task));
  if (!names.ok()) co_return QueryErrorResponse(names.status());
  co_return NamesResponse(std::move(names).value(),
                          service_count_.load(std::memory_order_relaxed) > kCacheThreshold);
}

QueryApi::Awaitable QueryApi::Traces(net::RequestContext& ctx) {
  const std::int64_t now = options_.now_ms ? options_.now_ms() : SystemNowMs();
  Result<storage::QueryRequest> request =
      ParseTracesQuery(ParamsOf(ctx), now, options_.default_lookback_ms);
  if (!request.ok()) co_return QueryErrorResponse(request.status());
  auto task = [store = &store_, request = std::move(request).value()] {
    return store->GetTraces(request);
  };
  auto traces = co_await RunQuery(pool_, options_.timeout, std::move(task));
  if (!traces.ok()) co_return QueryErrorResponse(traces.status());
  co_return net::JsonResponse(TracesJson(*traces));
}

QueryApi::Awaitable QueryApi::TraceById(net::RequestContext& ctx) {
  Result<trace::TraceId> id = ParseTraceIdParam(ctx.PathParam("traceId").value_or(""));
  if (!id.ok()) co_return QueryErrorResponse(id.status());
  auto task = [store = &store_, id = *id] { return store->GetTrace(id); };
  auto trace = co_await RunQuery(pool_, options_.timeout, std::move(task));
  if (!trace.ok()) co_return QueryErrorResponse(trace.status());
  if (trace->empty()) co_return QueryErrorResponse(NotFound(id->ToHex() + " not found"));
  std::string body;
  AppendTrace(*trace, body);
  co_return net::JsonResponse(std::move(body));
}

QueryApi::Awaitable QueryApi::TraceMany(net::RequestContext& ctx) {
  std::optional<std::string> text = ctx.QueryParam("traceIds");
  if (!text) co_return QueryErrorResponse(MissingParameter("traceIds"));
  Result<std::vector<trace::TraceId>> ids = ParseTraceIdsParam(*text);
  if (!ids.ok()) co_return QueryErrorResponse(ids.status());
  auto task = [store = &store_, ids = std::move(ids).value()] {
    return store->GetTraces(std::span<const trace::TraceId>(ids));
  };
  auto traces = co_await RunQuery(pool_, options_.timeout, std::move(task));
  if (!traces.ok()) co_return QueryErrorResponse(traces.status());
  co_return net::JsonResponse(TracesJson(*traces));
}

QueryApi::Awaitable QueryApi::Dependencies(net::RequestContext& ctx) {
  Result<DependenciesQuery> query =
      ParseDependenciesQuery(ParamsOf(ctx), options_.default_lookback_ms);
  if (!query.ok()) co_return QueryErrorResponse(query.status());
  auto task = [store = &store_, query = *query] {
    return store->GetDependencies(query.end_ts_ms, query.lookback_ms);
  };
  auto links = co_await RunQuery(pool_, options_.timeout, std::move(task));
  if (!links.ok()) co_return QueryErrorResponse(links.status());
  co_return net::JsonResponse(DependenciesJson(*links));
}

net::Response QueryApi::AutocompleteKeys(net::RequestContext&) {
  return NamesResponse(options_.autocomplete_keys, /*cache=*/true);
}

QueryApi::Awaitable QueryApi::AutocompleteValues(net::RequestContext& ctx) {
  std::optional<std::string> key = ctx.QueryParam("key");
  if (!key) co_return QueryErrorResponse(MissingParameter("key"));
  if (key->empty()) co_return QueryErrorResponse(InvalidArgument("key was empty"));
  auto task = [store = &store_, key = *key] { return store->GetAutocompleteValues(key); };
  auto values = co_await RunQuery(pool_, options_.timeout, std::move(task));
  if (!values.ok()) co_return QueryErrorResponse(values.status());
  const bool cache = values->size() > kCacheThreshold;
  co_return NamesResponse(std::move(values).value(), cache);
}

}  // namespace cairn::server
