// Propagator: the tracer's propagation policy over the single-format functions.
#include "cairn/trace/propagation.h"

#include <atomic>
#include <string_view>
#include <utility>

namespace cairn::trace {

Extracted Propagator::Extract(const HeaderReader& headers) const {
  Extracted result;
  bool malformed = false;

  if (options_.extract_b3) {
    result = ExtractB3(headers);
    if (result.outcome == ExtractOutcome::kMalformed) {
      malformed = true;
      result = Extracted{};
    }
  }

  if (options_.extract_w3c) {
    Extracted w3c = ExtractW3C(headers);
    if (result.outcome == ExtractOutcome::kContext) {
      // B3 won. A traceparent of the same trace still carries tracestate and the random flag,
      // which the W3C spec asks every participant to pass on.
      if (w3c.outcome == ExtractOutcome::kContext &&
          w3c.context.trace_id == result.context.trace_id) {
        result.tracestate = std::move(w3c.tracestate);
        result.w3c_random_trace_id = w3c.w3c_random_trace_id;
      }
    } else if (w3c.outcome == ExtractOutcome::kContext) {
      // A context beats a bare decision, but B3 is read first: its explicit decision (e.g. the
      // `b3: 0` of span-upload traffic, or debug, which W3C cannot express) overrides W3C's bit.
      if (result.outcome == ExtractOutcome::kFlagsOnly) {
        w3c.context.sampled = result.context.sampled;
        w3c.context.debug = result.context.debug;
      }
      result = std::move(w3c);
    } else if (w3c.outcome == ExtractOutcome::kMalformed) {
      malformed = true;
    }
  }

  switch (result.outcome) {
    case ExtractOutcome::kContext:
    case ExtractOutcome::kFlagsOnly:
      stats_.extracted.fetch_add(1, std::memory_order_relaxed);
      break;
    case ExtractOutcome::kAbsent:
    case ExtractOutcome::kMalformed:
      if (malformed) {
        result.outcome = ExtractOutcome::kMalformed;
        stats_.malformed.fetch_add(1, std::memory_order_relaxed);
      } else {
        stats_.absent.fetch_add(1, std::memory_order_relaxed);
      }
      break;
  }
  return result;
}

void Propagator::Inject(const TraceContext& context, bool messaging, HeaderWriter& headers,
                        std::string_view tracestate, bool w3c_random_trace_id) const {
  if (options_.inject_b3) {
    // Brave's defaults: MULTI for CLIENT and local spans, SINGLE_NO_PARENT for PRODUCER/CONSUMER
    // ("messaging spans never share a SpanId", B3 README "JMS Encoding").
    if (messaging) {
      InjectB3Single(context, /*with_parent=*/false, headers);
    } else {
      InjectB3Multi(context, headers);
    }
  }
  if (options_.inject_w3c) InjectW3C(context, tracestate, headers, w3c_random_trace_id);
}

}  // namespace cairn::trace
