// Validation of the query API's parameters with Zipkin's exact messages (zipkin-reference §1.3):
// QueryRequest.Builder.build() for /api/v2/traces, the id rules of Span.normalizeTraceId for
// /api/v2/trace/{traceId} and /api/v2/traceMany, and the numeric parameters of
// /api/v2/dependencies. Every error is kInvalidArgument and its message is the 400 body.
//
// Parameters come through a ParamLookup (nullopt: absent), so the functions are pure and tested
// without HTTP. Thread-safe.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/trace/ids.h"
#include "lib/base/status.h"
#include "lib/storage/span_store.h"

namespace cairn::server {

using ParamLookup = std::function<std::optional<std::string>(std::string_view name)>;

// "Mandatory parameter/header is missing: <name>" (Armeria's text, which Zipkin clients see).
Status MissingParameter(std::string_view name);

// A Java long/int parameter: optional sign and decimal digits within the type's range, else
// "<name> must be an integer, not \"<value>\"". Absent or empty: nullopt.
Result<std::optional<std::int64_t>> ParseLongParam(const ParamLookup& params,
                                                   std::string_view name);
Result<std::optional<std::int64_t>> ParseIntParam(const ParamLookup& params, std::string_view name);

// Service, span and remote service names as Zipkin looks them up: lower-cased (Locale.ROOT).
std::string NormalizeName(std::string_view name);

// GET /api/v2/traces: serviceName, remoteServiceName, spanName (lower-cased; empty or
// spanName=all mean absent), annotationQuery, minDuration, maxDuration, endTs (default
// `now_ms`), lookback (default `default_lookback_ms`), limit (default 10). Errors, in Zipkin's
// order: "endTs <= 0", "limit <= 0", "lookback <= 0", "minDuration <= 0",
// "maxDuration < minDuration", "maxDuration is only valid with minDuration".
Result<storage::QueryRequest> ParseTracesQuery(const ParamLookup& params, std::int64_t now_ms,
                                               std::int64_t default_lookback_ms);

struct DependenciesQuery {
  std::int64_t end_ts_ms = 0;
  std::int64_t lookback_ms = 0;
};

// GET /api/v2/dependencies: endTs required, lookback defaults to `default_lookback_ms`.
// Errors: missing endTs, "endTs <= 0", "lookback <= 0".
Result<DependenciesQuery> ParseDependenciesQuery(const ParamLookup& params,
                                                 std::int64_t default_lookback_ms);

// The {traceId} of GET /api/v2/trace/{traceId}: surrounding whitespace trimmed (Java's trim),
// then normalised; codec::ParseTraceId's errors.
Result<trace::TraceId> ParseTraceIdParam(std::string_view text);

// The traceIds of GET /api/v2/traceMany, split on ',' into at most 1000 pieces (Java's
// split(",", 1000): trailing empty pieces kept). Errors: "traceIds parameter is empty",
// an id error, "redundant traceId: <id as sent>",
// "Use /api/v2/trace/{traceId} endpoint to retrieve a single trace".
Result<std::vector<trace::TraceId>> ParseTraceIdsParam(std::string_view text);

}  // namespace cairn::server
