// CollectorSampler: Zipkin's storage-side sampling (zipkin2.collector.CollectorSampler), applied
// by the collector to every span before it is stored (COLLECTOR_SAMPLE_RATE).
//
// The decision depends only on the lower 64 bits of the trace id, so all spans of a trace share
// it, whatever width of id each reporter used: a span is kept when |lower64 as a signed long| <=
// (long)(Long.MAX_VALUE * rate), with Long.MIN_VALUE treated as Long.MAX_VALUE and the product
// computed in float as Java does. Debug spans are always kept. Rate 1 keeps everything, rate 0
// keeps only trace ids whose lower 64 bits are 0 (and debug spans).
//
// Immutable and thread-safe.
#pragma once

#include <cstdint>

#include "cairn/trace/span_record.h"

namespace cairn::server {

class CollectorSampler {
 public:
  // `rate` in [0, 1] (the config layer validates it).
  explicit CollectorSampler(float rate);

  bool IsSampled(std::uint64_t trace_id_low, bool debug) const;
  bool IsSampled(const trace::SpanRecord& span) const {
    return IsSampled(span.trace_id.low, span.debug);
  }

  std::int64_t boundary() const { return boundary_; }

 private:
  std::int64_t boundary_;
};

}  // namespace cairn::server
