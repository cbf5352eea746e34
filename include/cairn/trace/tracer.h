// Tracer: creates spans, decides sampling and (with its Propagator) reads and writes context.
//
// Built once from TracerOptions, validated by Create (bad options give an InvalidArgument naming
// the field). Thread-safe: one tracer serves every thread of a process. No global singleton is
// needed; SetDefaultTracer/DefaultTracer offer a process-wide one for code that prefers it.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cairn/trace/clock.h"
#include "cairn/trace/context.h"
#include "cairn/trace/propagation.h"
#include "cairn/trace/reporter.h"
#include "cairn/trace/sampler.h"
#include "cairn/trace/span.h"
#include "cairn/trace/status.h"

namespace cairn::trace {

struct TracerOptions {
  std::string service_name;      // required; lower-cased in reported spans as Zipkin does
  std::string local_ipv4;        // optional local endpoint address
  std::string local_ipv6;
  std::uint16_t local_port = 0;
  std::shared_ptr<Sampler> sampler;    // default: AlwaysSample()
  std::shared_ptr<Reporter> reporter;  // default: NoopReporter()
  PropagationOptions propagation;
  bool trace_id_128bit = true;
  // A SERVER span continuing a client's context reuses the client's span id (shared: true), as
  // Brave's supportsJoin and zipkin-go's sharedSpans. When false the server span is a child.
  bool supports_join = true;
  Clock* clock = nullptr;              // default: SystemClock(); must outlive the tracer
  IdGenerator* id_generator = nullptr; // default: DefaultIdGenerator(); must outlive the tracer
};

struct SpanOptions {
  SpanKind kind = SpanKind::kUnspecified;
  // Explicit parent. When null, the current span (CurrentContext()) is the parent unless
  // `new_root` is true.
  const TraceContext* parent = nullptr;
  bool new_root = false;
  // Explicit epoch-microsecond start time; 0 means now.
  std::int64_t start_timestamp_us = 0;
};

class Tracer {
 public:
  static Result<std::unique_ptr<Tracer>> Create(TracerOptions options);
  ~Tracer();

  // A new span: child of options.parent, else of the current span, else a new trace.
  Span StartSpan(std::string_view name, const SpanOptions& options = {});

  // Continues an incoming request or message: extracted context -> SERVER span joining the
  // client's span id (when supports_join and kind is SERVER) or a child span; flags-only or
  // malformed/absent headers -> a new trace honouring any sampling flags.
  Span StartSpanFromExtracted(std::string_view name, SpanKind kind, const Extracted& extracted,
                              std::int64_t start_timestamp_us = 0);

  Extracted Extract(const HeaderReader& headers) const { return propagator_.Extract(headers); }
  // Writes `context` for a call of the given kind (PRODUCER/CONSUMER use the messaging form).
  void Inject(const TraceContext& context, SpanKind kind, HeaderWriter& headers) const;

  const TracerOptions& options() const { return options_; }
  const Propagator& propagator() const { return propagator_; }
  Reporter& reporter() { return *options_.reporter; }
  Clock& clock() { return *options_.clock; }

 private:
  friend class Span;
  explicit Tracer(TracerOptions options);
  Span NewSpan(std::string_view name, SpanKind kind, const TraceContext& context,
               std::int64_t start_timestamp_us);
  TraceContext NewRootContext(SamplingDecision sampled, bool debug);
  void Report(SpanRecordPtr record);

  TracerOptions options_;
  Propagator propagator_;
  std::string service_name_lower_;
};

// Process-wide default: nullptr until set. Setting it is thread-safe; the tracer must stay alive
// while in use (the shared_ptr keeps it so).
void SetDefaultTracer(std::shared_ptr<Tracer> tracer);
std::shared_ptr<Tracer> DefaultTracer();

}  // namespace cairn::trace
