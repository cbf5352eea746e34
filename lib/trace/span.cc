// Span: every method checks record_ first, so an unsampled, finished or abandoned span costs one
// branch per call and touches neither the clock nor the heap.
#include "cairn/trace/span.h"

#include <algorithm>
#include <charconv>

#include "cairn/trace/tracer.h"
#include "lib/trace/ip_text.h"

namespace cairn::trace {
namespace {

// The recording halves of Span's methods live out of line, so that on an unsampled span each
// method is a test and a return.

[[gnu::noinline]] void SetIntegerTag(SpanRecord& record, std::string_view key, std::int64_t value) {
  char buffer[24];
  auto [end, ec] = std::to_chars(buffer, buffer + sizeof(buffer), value);
  (void)ec;  // 24 bytes always hold an int64
  record.SetTag(key, std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
}

[[gnu::noinline]] void SetRemoteAddress(SpanRecord& record, std::string_view ip,
                                        std::uint16_t port) {
  internal::CanonicalIp canonical = internal::CanonicalizeIp(ip);
  if (canonical.family == internal::IpFamily::kInvalid) return;
  EndpointView& remote = record.remote_endpoint;
  // One remote address per span: the latest call replaces the other family's address too.
  if (canonical.family == internal::IpFamily::kV4) {
    remote.ipv4 = record.Intern(canonical.view());
    remote.ipv6 = {};
  } else {
    remote.ipv6 = record.Intern(canonical.view());
    remote.ipv4 = {};
  }
  remote.port = port;
}

[[gnu::noinline]] void AnnotateNow(SpanRecord& record, Clock& clock,
                                   std::int64_t start_monotonic_ns, std::string_view value) {
  // Measured from the span's own start on the monotonic clock, so annotations stay inside
  // [timestamp, timestamp + duration] even when the wall clock steps.
  std::int64_t timestamp_us =
      start_monotonic_ns != 0
          ? record.timestamp_us + (clock.MonotonicNanos() - start_monotonic_ns) / 1000
          : clock.NowMicros();
  record.AddAnnotation(timestamp_us, value);
}

[[gnu::noinline]] void SetDuration(SpanRecord& record, Clock& clock,
                                   std::int64_t start_monotonic_ns) {
  std::int64_t duration_us;
  if (start_monotonic_ns != 0) {
    const std::int64_t elapsed_ns = clock.MonotonicNanos() - start_monotonic_ns;
    duration_us = (elapsed_ns + 999) / 1000;  // Zipkin: durations under 1 us round up
  } else {
    duration_us = clock.NowMicros() - record.timestamp_us;
  }
  record.duration_us = std::max<std::int64_t>(duration_us, 1);
}

}  // namespace

Span::Span(Tracer* tracer, const TraceContext& context, SpanRecordPtr record,
           std::int64_t start_monotonic_ns)
    : tracer_(tracer),
      context_(context),
      record_(std::move(record)),
      start_monotonic_ns_(start_monotonic_ns) {}

Span::Span(Span&& other) noexcept
    : tracer_(other.tracer_),
      context_(other.context_),
      record_(std::move(other.record_)),
      start_monotonic_ns_(other.start_monotonic_ns_) {}

Span& Span::operator=(Span&& other) noexcept {
  if (this != &other) {
    tracer_ = other.tracer_;
    context_ = other.context_;
    record_ = std::move(other.record_);  // abandons what this span was recording
    start_monotonic_ns_ = other.start_monotonic_ns_;
  }
  return *this;
}

Span::~Span() = default;

Span& Span::SetName(std::string_view name) {
  if (record_) record_->SetName(name);
  return *this;
}

Span& Span::SetKind(SpanKind kind) {
  if (record_) record_->kind = kind;
  return *this;
}

Span& Span::Tag(std::string_view key, std::string_view value) {
  if (record_) record_->SetTag(key, value);
  return *this;
}

Span& Span::Tag(std::string_view key, std::int64_t value) {
  if (record_) SetIntegerTag(*record_, key, value);
  return *this;
}

Span& Span::Annotate(std::string_view value) {
  if (record_) AnnotateNow(*record_, tracer_->clock(), start_monotonic_ns_, value);
  return *this;
}

Span& Span::Annotate(std::int64_t timestamp_us, std::string_view value) {
  if (record_) record_->AddAnnotation(timestamp_us, value);
  return *this;
}

Span& Span::SetRemoteServiceName(std::string_view name) {
  if (record_) record_->SetRemoteServiceName(name);
  return *this;
}

Span& Span::SetRemoteIpAndPort(std::string_view ip, std::uint16_t port) {
  if (record_) SetRemoteAddress(*record_, ip, port);
  return *this;
}

Span& Span::SetError(std::string_view message) {
  if (record_ && record_->FindTag("error") == nullptr) {
    record_->SetTag("error", message.empty() ? std::string_view("true") : message);
  }
  return *this;
}

void Span::Finish() {
  if (!record_) return;
  SetDuration(*record_, tracer_->clock(), start_monotonic_ns_);
  tracer_->Report(std::move(record_));
}

void Span::Finish(std::int64_t finish_timestamp_us) {
  if (!record_) return;
  record_->duration_us = std::max<std::int64_t>(finish_timestamp_us - record_->timestamp_us, 1);
  tracer_->Report(std::move(record_));
}

void Span::Abandon() { record_.reset(); }

}  // namespace cairn::trace
