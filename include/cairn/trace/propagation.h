// Propagation: reading and writing trace context in request/message headers.
//
// Formats follow Brave exactly (../docs/propagation.md lists every rule and its source):
// - B3 single header `b3` (`{tid}-{sid}[-{1|0|d}[-{parent}]]`, or just `0`/`1`/`d`), tried first;
// - B3 multi-header `X-B3-TraceId/SpanId/ParentSpanId/Sampled/Flags`;
// - W3C `traceparent`/`tracestate`.
// Header names are matched case-insensitively. Malformed input never throws: it yields an empty
// result (a new trace will start) and is counted in PropagationStats.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/trace/context.h"

namespace cairn::trace {

// Read side of a carrier (HTTP headers, AMQP header table, a map). Implementations compare names
// case-insensitively; `name` is always passed in lower case.
class HeaderReader {
 public:
  virtual ~HeaderReader() = default;
  // Copies up to `max` values of header `name`, in order, into `values` and returns how many values
  // the header has in total (which may exceed `max`). Views stay valid while the carrier does.
  virtual std::size_t Get(std::string_view name, std::string_view* values,
                          std::size_t max) const = 0;
};

// Write side of a carrier. Set replaces any existing value of the same (case-insensitive) name.
class HeaderWriter {
 public:
  virtual ~HeaderWriter() = default;
  virtual void Set(std::string_view name, std::string_view value) = 0;
};

enum class ExtractOutcome : std::uint8_t {
  kAbsent,     // no propagation headers at all
  kContext,    // a full context (trace id + span id) was found
  kFlagsOnly,  // only a sampling decision (e.g. `b3: 0`, `X-B3-Sampled: 1` without ids)
  kMalformed,  // headers were present but invalid; treated as absent
};

struct Extracted {
  ExtractOutcome outcome = ExtractOutcome::kAbsent;
  // Valid ids only when outcome == kContext; sampled/debug are meaningful for kContext and
  // kFlagsOnly.
  TraceContext context;
  // W3C tracestate to carry on (already validated, combined, at most 32 members), else empty.
  std::string tracestate;
  // `random-trace-id` flag of traceparent (W3C Level 2), to be preserved when continuing.
  bool w3c_random_trace_id = false;
};

// Counters of extraction results, shared by every extraction through one Propagator.
struct PropagationStats {
  std::atomic<std::uint64_t> extracted{0};
  std::atomic<std::uint64_t> absent{0};
  std::atomic<std::uint64_t> malformed{0};
};

enum class InjectFormat : std::uint8_t {
  kB3Multi,           // X-B3-* headers (Brave's default for CLIENT and local spans)
  kB3Single,          // `b3` with parent id
  kB3SingleNoParent,  // `b3` without parent id (Brave's default for PRODUCER and CONSUMER)
  kW3C,               // traceparent (+ tracestate when non-empty)
};

// Single-format functions: each is pure and allocation-free except for the returned tracestate.
Extracted ExtractB3Single(std::string_view value);
Extracted ExtractB3(const HeaderReader& headers);  // `b3` first, else multi-header
Extracted ExtractW3C(const HeaderReader& headers);

// Injection writes lower-case header names. A context without ids (!IsValid()) carries only its
// sampling decision: `x-b3-sampled`/`x-b3-flags`, or `b3: 0|1|d`; nothing for a deferred decision
// and nothing for W3C, which cannot express a decision without ids.
void InjectB3Multi(const TraceContext& context, HeaderWriter& headers);
void InjectB3Single(const TraceContext& context, bool with_parent, HeaderWriter& headers);
// Writes `b3` in `out` (at most 68 chars); returns the length (0: nothing to write).
std::size_t WriteB3Single(const TraceContext& context, bool with_parent, char* out);
// Writes `traceparent` version 00 (and `tracestate` when non-empty). Flag bit 1 (random-trace-id)
// is set only when `random_trace_id` is true: pass Extracted::w3c_random_trace_id when continuing a
// W3C trace, or true for a trace id this process generated at random.
void InjectW3C(const TraceContext& context, std::string_view tracestate, HeaderWriter& headers,
               bool random_trace_id = false);

// The propagation policy of a tracer: which formats are read (B3 then W3C by default; the first
// that yields a context wins) and which are written, per span kind.
struct PropagationOptions {
  bool extract_b3 = true;
  bool extract_w3c = true;
  bool inject_b3 = true;   // multi-header for CLIENT/local, single without parent for messaging
  bool inject_w3c = true;  // traceparent alongside B3
};

class Propagator {
 public:
  explicit Propagator(PropagationOptions options = {}) : options_(options) {}

  Extracted Extract(const HeaderReader& headers) const;
  // `messaging` selects the PRODUCER/CONSUMER form (single `b3` without parent id).
  // `tracestate` and `w3c_random_trace_id` only affect the W3C headers (see InjectW3C).
  void Inject(const TraceContext& context, bool messaging, HeaderWriter& headers,
              std::string_view tracestate = {}, bool w3c_random_trace_id = false) const;

  const PropagationStats& stats() const { return stats_; }
  const PropagationOptions& options() const { return options_; }

 private:
  PropagationOptions options_;
  mutable PropagationStats stats_;
};

}  // namespace cairn::trace
