#include <algorithm>
#include <ostream>
#include <tuple>

#include "lib/storage/testing/span_store_conformance.h"

namespace cairn::storage::testing {

// Binaries that link the suite but do not instantiate it (none should) still pass.
GTEST_ALLOW_UNINSTANTIATED_PARAMETERIZED_TEST(SpanStoreConformanceTest);

std::string StoreFactoryName(const ::testing::TestParamInfo<StoreFactory>& info) {
  return info.param.name;
}

void SpanStoreConformanceTest::SetUp() {
  Status status = harness_.Open(DefaultOptions());
  ASSERT_TRUE(status.ok()) << status.ToString();
}

StoreOptions SpanStoreConformanceTest::DefaultOptions() {
  StoreOptions options;
  options.strict_trace_id = true;
  options.search_enabled = true;
  options.autocomplete_keys = {"environment", "http.method"};
  return options;
}

void SpanStoreConformanceTest::Reopen(const StoreOptions& options) {
  Status status = harness_.Open(options);
  ASSERT_TRUE(status.ok()) << status.ToString();
}

void SpanStoreConformanceTest::Accept(const std::vector<trace::SpanRecordPtr>& spans) {
  std::vector<const trace::SpanRecord*> pointers = Pointers(spans);
  Status status = store().Accept(pointers);
  ASSERT_TRUE(status.ok()) << status.ToString();
}

void SpanStoreConformanceTest::AcceptEach(const std::vector<trace::SpanRecordPtr>& spans) {
  for (const trace::SpanRecordPtr& span : spans) {
    const trace::SpanRecord* one[] = {span.get()};
    Status status = store().Accept(one);
    ASSERT_TRUE(status.ok()) << status.ToString();
  }
}

QueryRequest SpanStoreConformanceTest::Query() {
  QueryRequest request;
  request.end_ts_ms = kTodayMs + 60000;
  request.lookback_ms = kDayMs;
  request.limit = 10;
  return request;
}

namespace {

template <typename T>
T ValueOrFail(Result<T> result, std::string_view call) {
  EXPECT_TRUE(result.ok()) << call << ": " << result.status().ToString();
  if (!result.ok()) return T{};
  return std::move(result).value();
}

}  // namespace

Trace SpanStoreConformanceTest::GetTrace(std::string_view trace_id_hex) {
  return ValueOrFail(store().GetTrace(TraceIdOf(trace_id_hex)), "GetTrace");
}

std::vector<Trace> SpanStoreConformanceTest::GetTraces(const QueryRequest& request) {
  return ValueOrFail(store().GetTraces(request), "GetTraces(query)");
}

std::vector<Trace> SpanStoreConformanceTest::GetTraceMany(
    const std::vector<std::string_view>& trace_id_hexes) {
  std::vector<trace::TraceId> ids;
  for (std::string_view hex : trace_id_hexes) ids.push_back(TraceIdOf(hex));
  return ValueOrFail(store().GetTraces(std::span<const trace::TraceId>(ids)), "GetTraces(ids)");
}

std::vector<std::string> SpanStoreConformanceTest::ServiceNames() {
  return ValueOrFail(store().GetServiceNames(), "GetServiceNames");
}

std::vector<std::string> SpanStoreConformanceTest::SpanNames(std::string_view service) {
  return ValueOrFail(store().GetSpanNames(service), "GetSpanNames");
}

std::vector<std::string> SpanStoreConformanceTest::RemoteServiceNames(std::string_view service) {
  return ValueOrFail(store().GetRemoteServiceNames(service), "GetRemoteServiceNames");
}

std::vector<std::string> SpanStoreConformanceTest::AutocompleteValues(std::string_view key) {
  return ValueOrFail(store().GetAutocompleteValues(key), "GetAutocompleteValues");
}

std::vector<DependencyLink> SpanStoreConformanceTest::Dependencies(std::int64_t end_ts_ms,
                                                                   std::int64_t lookback_ms) {
  return ValueOrFail(store().GetDependencies(end_ts_ms, lookback_ms), "GetDependencies");
}

std::vector<Trace> SortedTraces(std::vector<Trace> traces) {
  std::sort(traces.begin(), traces.end());
  return traces;
}

std::vector<DependencyLink> SortedLinks(std::vector<DependencyLink> links) {
  std::sort(links.begin(), links.end(), [](const DependencyLink& a, const DependencyLink& b) {
    return std::tie(a.parent, a.child) < std::tie(b.parent, b.child);
  });
  return links;
}

}  // namespace cairn::storage::testing
