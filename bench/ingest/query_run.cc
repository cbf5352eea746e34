#include "bench/ingest/query_run.h"

#include <chrono>
#include <random>
#include <string_view>

#include "tools/support/http_client.h"
#include "tools/support/landscape_spans.h"

namespace cairn::bench {

namespace {

using Clock = std::chrono::steady_clock;

std::uint64_t Count(std::string_view text, std::string_view needle) {
  std::uint64_t n = 0;
  for (std::size_t at = text.find(needle); at != std::string_view::npos;
       at = text.find(needle, at + needle.size())) {
    ++n;
  }
  return n;
}

// Times one GET and checks it answered 200 with a JSON array; returns the body.
bool Measure(tools::HttpClient& client, const std::string& target, QueryFigures& figures,
             std::string& body) {
  const Clock::time_point start = Clock::now();
  tools::HttpResponse response = client.Get(target);
  const Clock::time_point done = Clock::now();
  if (response.status != 200 || response.body.empty() || response.body.front() != '[') {
    ++figures.failures;
    if (figures.first_failure.empty()) {
      figures.first_failure = target + ": " +
                              (response.transport_ok() ? "HTTP " + std::to_string(response.status) +
                                                             " " + response.body.substr(0, 200)
                                                       : response.error);
    }
    return false;
  }
  figures.latency.Record(done - start);
  body = std::move(response.body);
  return true;
}

}  // namespace

QueryResult RunQueries(const QueryOptions& options, const std::vector<trace::TraceId>& known) {
  QueryResult result;
  tools::HttpClient client(options.host, options.port, std::chrono::seconds(30));
  std::mt19937_64 rng(options.seed);
  std::string body;
  Clock::time_point deadline;
  auto in_time = [&] { return Clock::now() < deadline; };

  deadline = Clock::now() + options.max_time_per_shape;
  if (!known.empty()) {
    for (std::size_t i = 0; i < options.trace_requests && in_time(); ++i) {
      const trace::TraceId& id = known[rng() % known.size()];
      if (!Measure(client, "/api/v2/trace/" + id.ToHex(), result.trace_by_id, body)) continue;
      std::uint64_t spans = Count(body, "\"traceId\"");
      if (spans == 0) {
        ++result.trace_by_id.failures;
        if (result.trace_by_id.first_failure.empty()) {
          result.trace_by_id.first_failure = "acknowledged trace " + id.ToHex() + " is empty";
        }
      }
      result.trace_by_id.results += spans;
    }
  }

  deadline = Clock::now() + options.max_time_per_shape;
  for (std::size_t i = 0; i < options.search_requests && in_time(); ++i) {
    const int account = tools::LandscapeSpanGenerator::kFirstAccount +
                        static_cast<int>(rng() % tools::LandscapeSpanGenerator::kAccounts);
    const std::int64_t end_ms = tools::NowMicros() / 1000;
    const std::string target = "/api/v2/traces?serviceName=accountservice&annotationQuery=" +
                               tools::UrlEncode("http.path=/accounts/" + std::to_string(account)) +
                               "&endTs=" + std::to_string(end_ms) + "&lookback=3600000&limit=10";
    if (!Measure(client, target, result.search, body)) continue;
    result.search.results += Count(body, "[{");
  }

  deadline = Clock::now() + options.max_time_per_shape;
  for (std::size_t i = 0; i < options.dependency_requests && in_time(); ++i) {
    const std::int64_t end_ms = tools::NowMicros() / 1000;
    const std::string target = "/api/v2/dependencies?endTs=" + std::to_string(end_ms) +
                               "&lookback=" + std::to_string(7LL * 24 * 3600 * 1000);
    if (!Measure(client, target, result.dependencies, body)) continue;
    result.dependencies.results += Count(body, "\"parent\"");
  }
  return result;
}

}  // namespace cairn::bench
