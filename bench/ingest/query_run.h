// The query phase of the load generator: after loading, measures the latency of the three query
// shapes the UI depends on, one request at a time over a keep-alive connection:
// - GET /api/v2/trace/{id} for random trace ids the server acknowledged,
// - GET /api/v2/traces?serviceName=accountservice&annotationQuery=http.path=/accounts/<id> over
//   the last hour (limit 10): a selective tag search, about 1 % of traces match,
// - GET /api/v2/dependencies over the last 7 days.
// Each answer is checked (200, JSON array, a known trace is non-empty), so a broken query cannot
// pass for a fast one.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "cairn/trace/ids.h"
#include "tools/support/latency_stats.h"

namespace cairn::bench {

struct QueryOptions {
  std::string host = "127.0.0.1";
  std::uint16_t port = 9411;
  std::size_t trace_requests = 1000;
  std::size_t search_requests = 200;
  std::size_t dependency_requests = 20;
  // Each query shape stops early once it has run this long (keeps slow stores bounded).
  std::chrono::milliseconds max_time_per_shape{30'000};
  std::uint64_t seed = 1;
};

struct QueryFigures {
  tools::LatencyRecorder latency;
  std::uint64_t failures = 0;  // non-200, malformed, or an acknowledged trace missing
  std::uint64_t results = 0;   // traces (search), spans (by id) or links (dependencies) returned
  std::string first_failure;
};

struct QueryResult {
  QueryFigures trace_by_id;
  QueryFigures search;
  QueryFigures dependencies;
};

QueryResult RunQueries(const QueryOptions& options, const std::vector<trace::TraceId>& known);

}  // namespace cairn::bench
