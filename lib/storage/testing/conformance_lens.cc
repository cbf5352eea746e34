// Conformance: real traces published with Zipkin's UI (../shared/testdata/zipkin-lens), when
// that directory exists: exact bytes back, span order, search by the root's service, and the
// same links as DependencyLinker computes from the spans directly.
#include <gmock/gmock.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <tuple>

#include "lib/codec/json_v2_reader.h"
#include "lib/storage/dependency_linker.h"
#include "lib/storage/query_match.h"
#include "lib/storage/stored_span.h"
#include "lib/storage/testing/span_store_conformance.h"

namespace cairn::storage::testing {
namespace {

struct LensTrace {
  std::string file;
  codec::SpanList spans;
};

std::vector<LensTrace> ReadLensTraces(const std::string& dir) {
  std::vector<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.path().extension() == ".json") files.push_back(entry.path().string());
  }
  std::sort(files.begin(), files.end());
  std::vector<LensTrace> traces;
  for (const std::string& file : files) {
    std::ifstream in(file, std::ios::binary);
    std::stringstream body;
    body << in.rdbuf();
    Result<codec::SpanList> spans = codec::ReadJsonV2List(body.str());
    EXPECT_TRUE(spans.ok()) << file << ": " << spans.status().ToString();
    if (spans.ok() && !spans->empty()) traces.push_back({file, std::move(spans).value()});
  }
  return traces;
}

TEST_P(SpanStoreConformanceTest, ZipkinLensTracesRoundTrip) {
  std::string testdata = SharedTestdataDir();
  if (testdata.empty()) GTEST_SKIP() << "../shared/testdata is absent";
  std::vector<LensTrace> traces = ReadLensTraces(testdata + "/zipkin-lens");
  ASSERT_GE(traces.size(), 5u);
  for (const LensTrace& lens : traces) {
    std::vector<const trace::SpanRecord*> pointers = SpanPointers(lens.spans);
    ASSERT_TRUE(store().Accept(pointers).ok()) << lens.file;
  }

  for (const LensTrace& lens : traces) {
    SCOPED_TRACE(lens.file);
    std::vector<const trace::SpanRecord*> spans = SpanPointers(lens.spans);
    const trace::TraceId id = spans[0]->trace_id;
    Result<Trace> stored = store().GetTrace(id);
    ASSERT_TRUE(stored.ok()) << stored.status().ToString();

    // The same bytes, as a multiset...
    std::vector<std::string> expected;
    for (const trace::SpanRecord* span : spans) expected.push_back(Json(*span));
    std::vector<std::string> actual = *stored;
    std::sort(expected.begin(), expected.end());
    std::sort(actual.begin(), actual.end());
    EXPECT_EQ(actual, expected);

    // ...in (timestamp, id) order.
    Result<codec::SpanList> decoded = DecodeStoredSpans(*stored);
    ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
    for (std::size_t i = 1; i < decoded->size(); ++i) {
      const trace::SpanRecord& before = *(*decoded)[i - 1];
      const trace::SpanRecord& after = *(*decoded)[i];
      EXPECT_LE(std::tie(before.timestamp_us, before.id), std::tie(after.timestamp_us, after.id))
          << "span " << i;
    }

    // Found by its root's service in a one-second window around it.
    const std::int64_t timestamp_us = TraceTimestampOf(spans);
    QueryRequest request;
    request.end_ts_ms = timestamp_us / 1000 + 1;
    request.lookback_ms = 1000;
    request.limit = 10;
    for (const trace::SpanRecord* span : spans) {
      if (span->parent_id == 0) request.service_name = span->local_endpoint.service_name;
    }
    Result<std::vector<Trace>> found = store().GetTraces(request);
    ASSERT_TRUE(found.ok()) << found.status().ToString();
    ASSERT_EQ(found->size(), 1u) << request.service_name;
    EXPECT_EQ(found->front().size(), spans.size());

    // The same links as the linker finds in the spans themselves.
    std::vector<DependencyLink> links = DependencyLinker().PutTrace(spans).Link();
    Result<std::vector<DependencyLink>> stored_links =
        store().GetDependencies(request.end_ts_ms, request.lookback_ms);
    ASSERT_TRUE(stored_links.ok()) << stored_links.status().ToString();
    EXPECT_EQ(SortedLinks(*stored_links), SortedLinks(links));
    if (lens.file.find("messaging") != std::string::npos) {
      EXPECT_FALSE(links.empty());
    }
  }
}

}  // namespace
}  // namespace cairn::storage::testing
