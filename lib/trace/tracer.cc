// Tracer: parent resolution, sampling and span creation.
//
// Hot-path budget: an unsampled span is two or three id draws, one sampler call and a TraceContext
// copy (no clock, no heap); a sampled span adds exactly one allocation (its SpanRecord) and two
// clock reads (Clock::Read at start, MonotonicNanos at finish).
//
// Root ids: the span id of a root span equals the low 64 bits of its trace id, as in Brave and
// zipkin-go (one draw fewer). With trace_id_128bit the high 64 bits are random too, not Brave's
// epoch-seconds prefix: an epoch prefix would cost a clock read on every unsampled root span, makes
// ids guessable and clusters them, and nothing downstream needs it (Zipkin treats ids as opaque;
// W3C Level 2 asks for random low bits, which both schemes provide).
#include "cairn/trace/tracer.h"

#include <mutex>

#include "cairn/trace/current_span.h"
#include "lib/trace/id_generator_internal.h"
#include "lib/trace/ip_text.h"
#include "lib/trace/sampling_internal.h"

namespace cairn::trace {
namespace {

SamplingDecision ToDecision(bool sampled) {
  return sampled ? SamplingDecision::kAccept : SamplingDecision::kDeny;
}

// The record of a new sampled span, without its start time. Out of line: unsampled spans never
// come here.
[[gnu::noinline]] SpanRecordPtr NewRecord(std::string_view name, SpanKind kind,
                                          const TraceContext& context,
                                          const EndpointView& local_endpoint) {
  // Default-initialised on purpose: value-initialisation would zero the whole inline arena.
  SpanRecordPtr record(new SpanRecord);
  record->trace_id = context.trace_id;
  record->parent_id = context.parent_id;
  record->id = context.span_id;
  record->kind = kind;
  record->debug = context.debug;
  record->shared = context.shared;
  record->SetName(name);
  record->SetLocalEndpoint(local_endpoint);
  return record;
}

std::string AsciiLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return lower;
}

// Replaces `address` by its canonical text when it is an address of `family`.
Status CanonicalizeLocalIp(std::string& address, internal::IpFamily family,
                           std::string_view field) {
  if (address.empty()) return Status::Ok();
  internal::CanonicalIp canonical = internal::CanonicalizeIp(address);
  if (canonical.family != family) {
    std::string message = std::string(field) + " is not a valid " +
                          (family == internal::IpFamily::kV4 ? "IPv4" : "IPv6") + " address: \"" +
                          address + "\"";
    if (canonical.family == internal::IpFamily::kV4) {
      message += " (an IPv4-mapped address; set local_ipv4 instead)";
    }
    return InvalidArgument(std::move(message));
  }
  address.assign(canonical.view());
  return Status::Ok();
}

std::mutex g_default_mutex;
std::shared_ptr<Tracer> g_default_tracer;

}  // namespace

Result<std::unique_ptr<Tracer>> Tracer::Create(TracerOptions options) {
  if (options.service_name.empty()) {
    return InvalidArgument("service_name must not be empty");
  }
  if (Status s = CanonicalizeLocalIp(options.local_ipv4, internal::IpFamily::kV4, "local_ipv4");
      !s.ok()) {
    return s;
  }
  if (Status s = CanonicalizeLocalIp(options.local_ipv6, internal::IpFamily::kV6, "local_ipv6");
      !s.ok()) {
    return s;
  }
  if (!options.sampler) options.sampler = AlwaysSample();
  if (!options.reporter) options.reporter = NoopReporter();
  if (options.clock == nullptr) options.clock = &SystemClock();
  if (options.id_generator == nullptr) options.id_generator = &DefaultIdGenerator();
  return std::unique_ptr<Tracer>(new Tracer(std::move(options)));
}

Tracer::Tracer(TracerOptions options)
    : options_(std::move(options)),
      propagator_(options_.propagation),
      service_name_lower_(AsciiLower(options_.service_name)) {}

Tracer::~Tracer() = default;

// NewRootContext and NewSpan are only called in this file; inlined, the TraceContext is built in
// place in the returned Span instead of being copied through temporaries.
[[gnu::always_inline]] inline TraceContext Tracer::NewRootContext(SamplingDecision sampled,
                                                                  bool debug) {
  TraceContext context;
  IdGenerator* ids = options_.id_generator;
  if (ids == internal::kDefaultIdGenerator) {
    context.trace_id = internal::NextDefaultTraceId(options_.trace_id_128bit);
  } else {
    context.trace_id.low = ids->NextId();
    if (options_.trace_id_128bit) context.trace_id.high = ids->NextId();
  }
  context.span_id = context.trace_id.low;
  context.debug = debug;
  context.sampled =
      ToDecision(internal::ParentBased(*options_.sampler, sampled, debug, context.trace_id));
  return context;
}

[[gnu::always_inline]] inline Span Tracer::NewSpan(std::string_view name, SpanKind kind,
                                                   const TraceContext& context,
                                                   std::int64_t start_timestamp_us) {
  // Filled in place (NRVO, no call into span.cc): the unsampled path is a few stores.
  Span span;
  span.tracer_ = this;
  span.context_ = context;
  if (!context.IsSampled()) return span;

  span.record_ = NewRecord(name, kind, context,
                           EndpointView{service_name_lower_, options_.local_ipv4,
                                        options_.local_ipv6, options_.local_port});
  if (start_timestamp_us != 0) {
    span.record_->timestamp_us = start_timestamp_us;
  } else {
    const ClockReading now = options_.clock->Read();
    span.record_->timestamp_us = now.epoch_micros;
    span.start_monotonic_ns_ = now.monotonic_nanos;
  }
  return span;
}

Span Tracer::StartSpan(std::string_view name, const SpanOptions& options) {
  const TraceContext* parent = options.parent;
  if (parent == nullptr && !options.new_root) parent = CurrentContext();

  TraceContext context;
  if (parent == nullptr) {
    context = NewRootContext(SamplingDecision::kDefer, false);
  } else if (!parent->IsValid()) {
    // An explicit parent without ids still carries a sampling decision (like flags-only headers).
    context = NewRootContext(parent->sampled, parent->debug);
  } else {
    context.trace_id = parent->trace_id;
    context.span_id = options_.id_generator->NextId();
    context.parent_id = parent->span_id;
    context.debug = parent->debug;
    context.sampled = ToDecision(
        internal::ParentBased(*options_.sampler, parent->sampled, parent->debug, parent->trace_id));
  }
  return NewSpan(name, options.kind, context, options.start_timestamp_us);
}

Span Tracer::StartSpanFromExtracted(std::string_view name, SpanKind kind,
                                    const Extracted& extracted, std::int64_t start_timestamp_us) {
  const TraceContext& incoming = extracted.context;
  TraceContext context;
  switch (extracted.outcome) {
    case ExtractOutcome::kContext:
      if (incoming.IsValid()) {
        context.trace_id = incoming.trace_id;
        context.debug = incoming.debug;
        // A deferred upstream decision is made here, once, for the rest of the trace.
        context.sampled = ToDecision(internal::ParentBased(*options_.sampler, incoming.sampled,
                                                           incoming.debug, incoming.trace_id));
        if (kind == SpanKind::kServer && options_.supports_join) {
          // Join: the server half of the client's span (same id, same parent, shared: true).
          context.span_id = incoming.span_id;
          context.parent_id = incoming.parent_id;
          context.shared = true;
        } else {
          context.span_id = options_.id_generator->NextId();
          context.parent_id = incoming.span_id;
        }
        break;
      }
      [[fallthrough]];  // defensive: a context outcome without ids keeps only its flags
    case ExtractOutcome::kFlagsOnly:
      context = NewRootContext(incoming.sampled, incoming.debug);
      break;
    case ExtractOutcome::kAbsent:
    case ExtractOutcome::kMalformed:
      context = NewRootContext(SamplingDecision::kDefer, false);
      break;
  }
  return NewSpan(name, kind, context, start_timestamp_us);
}

void Tracer::Inject(const TraceContext& context, SpanKind kind, HeaderWriter& headers) const {
  const bool messaging = kind == SpanKind::kProducer || kind == SpanKind::kConsumer;
  propagator_.Inject(context, messaging, headers);
}

void Tracer::Report(SpanRecordPtr record) { options_.reporter->Report(std::move(record)); }

void SetDefaultTracer(std::shared_ptr<Tracer> tracer) {
  std::shared_ptr<Tracer> previous;
  {
    std::lock_guard<std::mutex> lock(g_default_mutex);
    previous = std::exchange(g_default_tracer, std::move(tracer));
  }
  // `previous` may be the last owner: destroy it outside the lock.
}

std::shared_ptr<Tracer> DefaultTracer() {
  std::lock_guard<std::mutex> lock(g_default_mutex);
  return g_default_tracer;
}

}  // namespace cairn::trace
