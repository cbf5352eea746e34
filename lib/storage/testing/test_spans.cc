#include "lib/storage/testing/test_spans.h"

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <optional>

#include "lib/codec/normalize.h"
#include "lib/storage/stored_span.h"

namespace cairn::storage::testing {
namespace {

[[noreturn]] void Die(std::string_view what, std::string_view value) {
  std::fprintf(stderr, "test_spans: bad %.*s '%.*s'\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(value.size()), value.data());
  std::abort();
}

trace::SpanId SpanIdOf(std::string_view hex, std::string_view what) {
  std::optional<std::uint64_t> value = trace::ParseHex64(hex);
  if (!value.has_value() || *value == 0) Die(what, hex);
  return *value;
}

}  // namespace

trace::TraceId TraceIdOf(std::string_view hex) {
  if (hex.empty() || hex.size() > 32) Die("trace id", hex);
  if (hex.size() <= 16) return {0, SpanIdOf(hex, "trace id")};
  std::string padded = std::string(32 - hex.size(), '0') + std::string(hex);
  std::optional<trace::TraceId> id = trace::TraceId::FromHex(padded);
  if (!id.has_value()) Die("trace id", hex);
  return *id;
}

trace::SpanRecordPtr MakeSpan(const SpanSpec& spec) {
  auto span = std::make_unique<trace::SpanRecord>();
  span->trace_id = TraceIdOf(spec.trace_id);
  span->id = SpanIdOf(spec.id, "span id");
  if (!spec.parent_id.empty()) span->parent_id = SpanIdOf(spec.parent_id, "parent id");
  span->kind = spec.kind;
  if (!spec.name.empty()) span->SetName(spec.name);
  span->timestamp_us = spec.timestamp_us;
  span->duration_us = spec.duration_us;
  span->SetLocalEndpoint({spec.local_service, spec.local_ipv4, "", spec.local_port});
  span->SetRemoteEndpoint({spec.remote_service, "", spec.remote_ipv6, 0});
  for (const auto& [key, value] : spec.tags) span->AppendTag(key, value);
  for (const auto& [timestamp, value] : spec.annotations) span->AddAnnotation(timestamp, value);
  span->shared = spec.shared;
  span->debug = spec.debug;
  Status status = codec::NormalizeSpan(*span);
  if (!status.ok()) Die("span", status.message());
  return span;
}

std::vector<trace::SpanRecordPtr> ThreeTierTrace(std::string_view trace_id,
                                                 std::int64_t timestamp_us) {
  using trace::SpanKind;
  std::vector<trace::SpanRecordPtr> spans;
  spans.push_back(
      MakeSpan({.trace_id = trace_id,
                .id = "1",
                .kind = SpanKind::kServer,
                .name = "GET /",
                .timestamp_us = timestamp_us,
                .duration_us = 350000,
                .local_service = "frontend",
                .tags = {{"environment", "prod"}, {"http.method", "GET"}, {"http.path", "/"}},
                .local_ipv4 = "172.17.0.13",
                .local_port = 8080}));
  spans.push_back(MakeSpan({.trace_id = trace_id,
                            .id = "2",
                            .parent_id = "1",
                            .kind = SpanKind::kClient,
                            .name = "get /api",
                            .timestamp_us = timestamp_us + 50000,
                            .duration_us = 250000,
                            .local_service = "frontend",
                            .remote_service = "backend",
                            .local_ipv4 = "172.17.0.13",
                            .local_port = 8080}));
  spans.push_back(MakeSpan({.trace_id = trace_id,
                            .id = "2",
                            .parent_id = "1",
                            .kind = SpanKind::kServer,
                            .name = "get /api",
                            .timestamp_us = timestamp_us + 60000,
                            .duration_us = 230000,
                            .local_service = "backend",
                            .remote_service = "frontend",
                            .tags = {{"http.method", "GET"}},
                            .shared = true,
                            .local_ipv4 = "172.17.0.14",
                            .local_port = 9000}));
  spans.push_back(
      MakeSpan({.trace_id = trace_id,
                .id = "3",
                .parent_id = "2",
                .kind = SpanKind::kClient,
                .name = "query",
                .timestamp_us = timestamp_us + 100000,
                .duration_us = 50000,
                .local_service = "backend",
                .remote_service = "db",
                .tags = {{"error", "timeout"}, {"environment", "prod"}},
                .annotations = {{timestamp_us + 100100, "wr"}, {timestamp_us + 149000, "ws"}},
                .local_ipv4 = "172.17.0.14",
                .local_port = 9000,
                .remote_ipv6 = "2001:db8::c001"}));
  return spans;
}

std::string Json(const trace::SpanRecord& span) { return EncodeStoredSpan(span); }

std::vector<std::string> Json(const std::vector<trace::SpanRecordPtr>& spans) {
  std::vector<std::string> out;
  out.reserve(spans.size());
  for (const trace::SpanRecordPtr& span : spans) out.push_back(Json(*span));
  return out;
}

std::string TraceIdText(const Trace& trace) {
  if (trace.empty()) return "";
  constexpr std::string_view kPrefix = "{\"traceId\":\"";
  const std::string& first = trace.front();
  if (first.compare(0, kPrefix.size(), kPrefix) != 0) return "?";
  std::size_t end = first.find('"', kPrefix.size());
  if (end == std::string::npos) return "?";
  return first.substr(kPrefix.size(), end - kPrefix.size());
}

std::vector<std::string> TraceIdTexts(const std::vector<Trace>& traces) {
  std::vector<std::string> out;
  out.reserve(traces.size());
  for (const Trace& trace : traces) out.push_back(TraceIdText(trace));
  return out;
}

std::vector<const trace::SpanRecord*> Pointers(const std::vector<trace::SpanRecordPtr>& spans) {
  std::vector<const trace::SpanRecord*> out;
  out.reserve(spans.size());
  for (const trace::SpanRecordPtr& span : spans) out.push_back(span.get());
  return out;
}

}  // namespace cairn::storage::testing

namespace cairn::storage {

void PrintTo(const DependencyLink& link, std::ostream* out) {
  *out << link.parent << "->" << link.child << " calls=" << link.call_count
       << " errors=" << link.error_count;
}

}  // namespace cairn::storage
