// A consumer of the installed tracing library: creates a tracer with its own reporter, records a
// span, injects B3 headers into a map and extracts them back. Exits 0 only if every step worked;
// otherwise prints what failed and exits 1. Includes nothing but the public headers.
#include <cairn/trace/tracer.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <string_view>

namespace {

namespace trace = cairn::trace;

int failures = 0;

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "consumer: FAILED: %s\n", what);
    ++failures;
  }
}

std::string Lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Header carrier over a map with lower-cased names.
class MapCarrier final : public trace::HeaderReader, public trace::HeaderWriter {
 public:
  std::size_t Get(std::string_view name, std::string_view* values, std::size_t max) const override {
    auto it = headers_.find(Lower(name));
    if (it == headers_.end()) return 0;
    if (max > 0) values[0] = it->second;
    return 1;
  }
  void Set(std::string_view name, std::string_view value) override {
    headers_[Lower(name)] = std::string(value);
  }
  const std::string* Find(std::string_view name) const {
    auto it = headers_.find(std::string(name));
    return it == headers_.end() ? nullptr : &it->second;
  }

 private:
  std::map<std::string, std::string> headers_;
};

// Keeps what the tracer reports, in process.
class CountingReporter final : public trace::Reporter {
 public:
  void Report(trace::SpanRecordPtr span) noexcept override {
    ++count_;
    last_ = std::move(span);
  }
  cairn::Status Flush(std::chrono::milliseconds) override { return cairn::Status::Ok(); }

  int count() const { return count_; }
  const trace::SpanRecord* last() const { return last_.get(); }

 private:
  int count_ = 0;
  trace::SpanRecordPtr last_;
};

}  // namespace

int main() {
  auto reporter = std::make_shared<CountingReporter>();
  trace::TracerOptions options;
  options.service_name = "Consumer-App";
  options.reporter = reporter;
  options.sampler = trace::AlwaysSample();
  auto created = trace::Tracer::Create(std::move(options));
  if (!created.ok()) {
    std::fprintf(stderr, "consumer: Tracer::Create failed: %s\n",
                 created.status().ToString().c_str());
    return 1;
  }
  trace::Tracer& tracer = **created;

  // Options are validated: a tracer without a service name is refused.
  auto refused = trace::Tracer::Create(trace::TracerOptions{});
  Check(!refused.ok() && refused.status().code() == cairn::StatusCode::kInvalidArgument,
        "Tracer::Create without service_name returns InvalidArgument");

  trace::SpanOptions span_options;
  span_options.kind = trace::SpanKind::kClient;
  trace::Span span = tracer.StartSpan("get /quotes", span_options);
  Check(span.IsRecording(), "a span of an AlwaysSample tracer records");
  Check(span.context().IsValid() && span.context().IsSampled(), "the span's context is sampled");
  span.Tag("http.method", "GET").Tag("http.status_code", std::int64_t{200});

  MapCarrier carrier;
  tracer.Inject(span.context(), trace::SpanKind::kClient, carrier);
  const std::string* trace_id = carrier.Find("x-b3-traceid");
  const std::string* span_id = carrier.Find("x-b3-spanid");
  const std::string* sampled = carrier.Find("x-b3-sampled");
  Check(trace_id && *trace_id == span.context().trace_id.ToHex(), "X-B3-TraceId injected");
  Check(span_id && *span_id == trace::Hex64(span.context().span_id), "X-B3-SpanId injected");
  Check(sampled && *sampled == "1", "X-B3-Sampled: 1 injected");

  trace::Extracted extracted = tracer.Extract(carrier);
  Check(extracted.outcome == trace::ExtractOutcome::kContext, "the injected headers extract");
  Check(extracted.context.trace_id == span.context().trace_id &&
            extracted.context.span_id == span.context().span_id,
        "the extracted ids equal the injected ones");

  trace::SpanRecord* record = span.record();
  Check(record != nullptr, "a recording span exposes its record");
  span.Finish();
  span.Finish();  // idempotent: reported once
  Check(!span.IsRecording(), "a finished span no longer records");
  Check(reporter->count() == 1, "exactly one span reported");
  const trace::SpanRecord* reported = reporter->last();
  Check(reported && reported->name == "get /quotes", "the reported span keeps its name");
  Check(reported && reported->local_endpoint.service_name == "consumer-app",
        "the service name is lower-cased");
  const trace::TagView* method = reported ? reported->FindTag("http.method") : nullptr;
  Check(method && method->value == "GET", "the reported span carries its tag");

  trace::Span abandoned =
      tracer.StartSpanFromExtracted("ignored", trace::SpanKind::kServer, trace::Extracted{});
  abandoned.Abandon();
  Check(reporter->count() == 1, "an abandoned span is not reported");

  if (failures != 0) return 1;
  std::printf("consumer: OK (trace %s)\n", span.context().trace_id.ToHex().c_str());
  return 0;
}
