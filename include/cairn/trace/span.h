// Span: a handle on one timed operation. Move-only and cheap: an unsampled span holds only its
// TraceContext (for propagation and log correlation) and records nothing; a sampled span owns a
// SpanRecord that it hands to the tracer's reporter when finished.
//
// Contract:
// - Finish is idempotent: only the first Finish reports; later calls are ignored.
// - A span destroyed without Finish is abandoned: it is not reported (Brave's abandon()).
// - Every method is a cheap no-op on an unsampled or finished span. None throws.
// - A span is used by one thread at a time (hand it over, don't share it).
// - The Tracer that created a span must outlive it.
#pragma once

#include <cstdint>
#include <string_view>

#include "cairn/trace/context.h"
#include "cairn/trace/span_record.h"

namespace cairn::trace {

class Tracer;

class Span {
 public:
  Span() = default;  // a no-op span with an invalid context
  Span(Span&& other) noexcept;
  Span& operator=(Span&& other) noexcept;
  Span(const Span&) = delete;
  Span& operator=(const Span&) = delete;
  ~Span();  // abandons an unfinished span

  const TraceContext& context() const { return context_; }
  // True while the span records data (sampled and not yet finished or abandoned).
  bool IsRecording() const { return record_ != nullptr; }

  Span& SetName(std::string_view name);
  Span& SetKind(SpanKind kind);
  Span& Tag(std::string_view key, std::string_view value);
  Span& Tag(std::string_view key, std::int64_t value);
  // An annotation at the current time, or at an explicit epoch-microsecond timestamp.
  Span& Annotate(std::string_view value);
  Span& Annotate(std::int64_t timestamp_us, std::string_view value);
  Span& SetRemoteServiceName(std::string_view name);
  // `ip` is IPv4 or IPv6 text; invalid text is ignored.
  Span& SetRemoteIpAndPort(std::string_view ip, std::uint16_t port);
  // Tags `error` with `message` (Zipkin marks a span failed by the presence of this tag). The first
  // error message wins, as in zipkin-go.
  Span& SetError(std::string_view message);

  void Finish();
  // Finish with an explicit epoch-microsecond finish time (paired with an explicit start time).
  void Finish(std::int64_t finish_timestamp_us);
  // Drops the span without reporting it.
  void Abandon();

  // For instrumentation: the record being built (nullptr when not recording).
  SpanRecord* record() { return record_.get(); }

 private:
  friend class Tracer;
  Span(Tracer* tracer, const TraceContext& context, SpanRecordPtr record,
       std::int64_t start_monotonic_ns);

  Tracer* tracer_ = nullptr;
  TraceContext context_;
  SpanRecordPtr record_;
  std::int64_t start_monotonic_ns_ = 0;  // 0 when the start time was explicit
};

}  // namespace cairn::trace
