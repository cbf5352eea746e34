// The Zipkin v2 query API (zipkin-reference §1.3), mounted under /api/v2 and, for the UI, under
// /zipkin/api/v2: services, spans, remoteServices, traces, trace/{traceId}, traceMany,
// dependencies, autocompleteKeys and autocompleteValues.
//
// Parameters are validated with Zipkin's messages (query_params.h) and answered 400 text/plain.
// Storage reads run on the query pool under QUERY_TIMEOUT (query_runner.h): a timeout or a store
// error is 500 with the message (Zipkin's ITZipkinServerTimeout), a saturated pool 503 with
// Retry-After. Success is 200 application/json; traces are the stored span bytes concatenated,
// never re-encoded.
//
// Caching as Zipkin's ZipkinQueryApiV2: services, spans and remoteServices get
// "Cache-Control: max-age=<names max age>, must-revalidate" once the last /services answer held
// more than 3 names; autocompleteValues when it returns more than 3 values; autocompleteKeys
// always. Name lists are sorted in Java String order and JSON-escaped.
//
// Thread-safe: handlers may run concurrently on any I/O thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "lib/net/blocking_pool.h"
#include "lib/net/router.h"
#include "lib/storage/span_store.h"

namespace cairn::server {

struct QueryApiOptions {
  std::int64_t default_lookback_ms = 86'400'000;  // QUERY_LOOKBACK
  std::chrono::milliseconds timeout{11'000};      // QUERY_TIMEOUT, 0: none
  int names_max_age_seconds = 300;                // QUERY_NAMES_MAX_AGE
  std::vector<std::string> autocomplete_keys;     // AUTOCOMPLETE_KEYS
  // Epoch milliseconds, the default endTs of /api/v2/traces. Defaults to the system clock.
  std::function<std::int64_t()> now_ms;
};

class QueryApi {
 public:
  // `store` and `pool` must outlive the QueryApi; the QueryApi must outlive the router.
  QueryApi(QueryApiOptions options, storage::SpanStore& store, net::BlockingPool& pool);

  void AddRoutes(net::Router& router);

 private:
  using Awaitable = net::asio::awaitable<net::Response>;

  Awaitable Services(net::RequestContext& ctx);
  Awaitable SpanNames(net::RequestContext& ctx);
  Awaitable RemoteServices(net::RequestContext& ctx);
  Awaitable Traces(net::RequestContext& ctx);
  Awaitable TraceById(net::RequestContext& ctx);
  Awaitable TraceMany(net::RequestContext& ctx);
  Awaitable Dependencies(net::RequestContext& ctx);
  net::Response AutocompleteKeys(net::RequestContext& ctx);
  Awaitable AutocompleteValues(net::RequestContext& ctx);

  // A JSON array of `names` (sorted here), with Cache-Control when `cache` is set.
  net::Response NamesResponse(std::vector<std::string> names, bool cache) const;

  const QueryApiOptions options_;
  storage::SpanStore& store_;
  net::BlockingPool& pool_;
  // Names of the last /services answer: the threshold for caching name lists.
  std::atomic<std::size_t> service_count_{0};
};

// A query-path error as Zipkin answers it: 400 for kInvalidArgument, 404 for kNotFound, 503 with
// Retry-After for kResourceExhausted and kUnavailable, else (timeouts, store failures) 500.
net::Response QueryErrorResponse(const Status& status);

}  // namespace cairn::server
