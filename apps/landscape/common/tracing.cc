#include "apps/landscape/common/tracing.h"

#include <chrono>

#include "cairn/trace/sampler.h"
#include "lib/config/url.h"
#include "lib/trace_http/http_sender.h"

namespace cairn::landscape {

Result<std::string> ZipkinSpansUrl(std::string_view zipkin_server_url) {
  Result<config::Url> url = config::ParseUrl(zipkin_server_url, {"http", "https"});
  if (!url.ok()) return url.status();
  if (url->scheme != "http") {
    return InvalidArgument(
        "expected an http URL such as http://127.0.0.1:9411 (the span reporter has no TLS)");
  }
  std::string out = "http://" + url->HostPort();
  out += url->target == "/" ? "/api/v2/spans" : url->target;
  return out;
}

Result<Tracing> MakeTracing(TracingOptions options) {
  Tracing tracing;
  if (options.reporter) {
    tracing.reporter = options.reporter;
  } else if (!options.spans_url.empty()) {
    // Spans must be queryable within 1 s of the response (landscape.md): send at least every
    // 200 ms instead of the reporter's 1 s default; batches stay small at the landscape's rates.
    trace::AsyncReporterOptions reporter_options;
    reporter_options.message_timeout = std::chrono::milliseconds(200);
    auto reporter = trace_http::MakeHttpReporter(options.spans_url, reporter_options);
    if (!reporter.ok()) return reporter.status();
    tracing.async_reporter = *reporter;
    tracing.reporter = tracing.async_reporter;
  } else {
    tracing.reporter = trace::NoopReporter();
  }

  trace::TracerOptions tracer;
  tracer.service_name = options.service_name;
  tracer.local_ipv4 = options.local_ipv4;
  tracer.local_port = options.local_port;
  tracer.reporter = tracing.reporter;
  tracer.supports_join = false;
  if (options.sample_rate < 1.0) {
    auto sampler = trace::ProbabilitySampler(options.sample_rate);
    if (!sampler.ok()) return sampler.status();
    tracer.sampler = *sampler;
  }
  auto created = trace::Tracer::Create(std::move(tracer));
  if (!created.ok()) return created.status();
  tracing.tracer = std::shared_ptr<trace::Tracer>(std::move(created).value());
  return tracing;
}

void RegisterReporterMetrics(metrics::Registry& registry,
                             std::shared_ptr<trace::AsyncReporter> reporter) {
  using metrics::MetricType;
  registry.AddCollector([reporter = std::move(reporter)](metrics::TextWriter& w) {
    const trace::ReporterMetrics& m = reporter->metrics();  // refreshes the queue gauges
    auto get = [](const std::atomic<std::uint64_t>& value) {
      return value.load(std::memory_order_relaxed);
    };
    w.Single("cairn_reporter_spans_total", MetricType::kCounter,
             "Spans accepted into the reporter's queue", get(m.spans));
    w.Single("cairn_reporter_messages_total", MetricType::kCounter,
             "Span messages sent to the trace server", get(m.messages));
    w.Single("cairn_reporter_messages_dropped_total", MetricType::kCounter,
             "Span messages given up on", get(m.messages_dropped));
    w.Family("cairn_reporter_spans_dropped_total", MetricType::kCounter, "Spans dropped, by cause");
    w.Sample("cairn_reporter_spans_dropped_total", {{"cause", "queue_full"}},
             get(m.spans_dropped_queue_full));
    w.Sample("cairn_reporter_spans_dropped_total", {{"cause", "bytes_full"}},
             get(m.spans_dropped_bytes_full));
    w.Sample("cairn_reporter_spans_dropped_total", {{"cause", "send_failed"}},
             get(m.spans_dropped_send_failed));
    w.Sample("cairn_reporter_spans_dropped_total", {{"cause", "too_large"}},
             get(m.spans_dropped_too_large));
    w.Sample("cairn_reporter_spans_dropped_total", {{"cause", "closed"}},
             get(m.spans_dropped_closed));
    w.Single("cairn_reporter_queued_spans", MetricType::kGauge, "Spans waiting to be sent",
             get(m.queued_spans));
  });
}

}  // namespace cairn::landscape
