// The tracer of a landscape process: service name, local endpoint, sampler, and a reporter that
// POSTs JSON v2 spans to the trace server (`zipkin_server_url`) in the background.
//
// Landscape tracers do not join span ids: the server side of a call is a child of the client span
// (landscape.md: "client and server sides of one call have distinct span ids by default").
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cairn/trace/reporter.h"
#include "cairn/trace/tracer.h"
#include "lib/base/status.h"
#include "lib/metrics/registry.h"

namespace cairn::landscape {

// The collector URL to POST spans to for a `zipkin_server_url`: a base URL without a path
// ("http://zipkin:9411", as the original configured it) gets "/api/v2/spans"; a URL with a path is
// used as is. Only http:// is supported (the reporter has no TLS); InvalidArgument otherwise.
Result<std::string> ZipkinSpansUrl(std::string_view zipkin_server_url);

struct TracingOptions {
  std::string service_name;  // required
  // From ZipkinSpansUrl; empty: spans are not reported anywhere (tracing still propagates).
  std::string spans_url;
  double sample_rate = 1.0;  // 0..1 of new traces; callers' decisions are honoured
  std::string local_ipv4;
  std::uint16_t local_port = 0;
  // Replaces the HTTP reporter (tests); spans_url is then ignored.
  std::shared_ptr<trace::Reporter> reporter;
};

struct Tracing {
  std::shared_ptr<trace::Tracer> tracer;
  std::shared_ptr<trace::Reporter> reporter;
  // Set when spans go over HTTP: for metrics and Close at shutdown.
  std::shared_ptr<trace::AsyncReporter> async_reporter;
};

// InvalidArgument for a bad URL, sample rate or service name.
Result<Tracing> MakeTracing(TracingOptions options);

// cairn_reporter_* counters and gauges read from the reporter's metrics at each scrape.
// `reporter` must outlive the registry's use of it (keep the shared_ptr alive).
void RegisterReporterMetrics(metrics::Registry& registry,
                             std::shared_ptr<trace::AsyncReporter> reporter);

}  // namespace cairn::landscape
