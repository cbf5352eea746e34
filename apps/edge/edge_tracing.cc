#include "apps/edge/edge_tracing.h"

#include <chrono>

#include "cairn/trace/sampler.h"
#include "lib/trace_http/http_sender.h"

namespace cairn::edge {

Result<EdgeTracer> MakeEdgeTracer(const TracingConfig& config) {
  EdgeTracer out;
  trace::TracerOptions options;
  options.service_name = config.service_name;
  options.supports_join = false;
  Result<std::shared_ptr<trace::Sampler>> sampler = trace::ProbabilitySampler(config.sample_rate);
  if (!sampler.ok()) return sampler.status();
  options.sampler = std::move(sampler).value();
  if (!config.zipkin_url.empty()) {
    // A request's spans must be queryable within 1 s of the response (landscape.md), and the
    // edge's SERVER span is the last of a trace to finish: send at least every 200 ms rather than
    // the reporter's 1 s default.
    trace::AsyncReporterOptions reporter_options;
    reporter_options.message_timeout = std::chrono::milliseconds(200);
    auto reporter = trace_http::MakeHttpReporter(config.zipkin_url, reporter_options);
    if (!reporter.ok()) {
      return InvalidArgument("tracing.zipkin-url: " + reporter.status().message());
    }
    out.reporter = std::move(reporter).value();
    options.reporter = out.reporter;
  }
  Result<std::unique_ptr<trace::Tracer>> tracer = trace::Tracer::Create(std::move(options));
  if (!tracer.ok()) return tracer.status();
  out.tracer = std::move(tracer).value();
  return out;
}

std::size_t HeadReader::Get(std::string_view name, std::string_view* values,
                            std::size_t max) const {
  std::size_t count = 0;
  for (const net::MessageHead::Field& f : head_.fields()) {
    if (net::EqualsIgnoreCase(head_.name(f), name)) {
      if (count < max) values[count] = head_.value(f);
      ++count;
    }
  }
  return count;
}

bool IsPropagationHeader(std::string_view name) {
  if (name.size() >= 5 && net::EqualsIgnoreCase(name.substr(0, 5), "x-b3-")) return true;
  return net::EqualsIgnoreCase(name, "b3") || net::EqualsIgnoreCase(name, "traceparent") ||
         net::EqualsIgnoreCase(name, "tracestate");
}

}  // namespace cairn::edge
