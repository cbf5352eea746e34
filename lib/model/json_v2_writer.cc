#include "lib/model/json_v2_writer.h"

#include <cassert>
#include <cstring>
#include <string_view>

#include "lib/model/encode_util.h"
#include "lib/model/json_escape.h"
#include "lib/model/sorted_tags.h"

namespace cairn::model {
namespace {

using trace::EndpointView;
using trace::SpanRecord;

// One encoder body (EncodeSpan) drives every sink: exact size, loose bound and writer, so sizes
// can never disagree with the bytes.
struct CountingSink {
  std::size_t size = 0;

  void Literal(std::string_view text) { size += text.size(); }
  void Char(char) { ++size; }
  void Escaped(std::string_view text) { size += JsonEscapedSize(text); }
  void Hex64(std::uint64_t) { size += 16; }
  void Decimal(std::int64_t value) { size += internal::DecimalSize(value); }
};

// A bound without looking at string contents: an escaped byte takes at most 6 characters (\u001f),
// and a decimal at most 20. Cheap enough to size `out` for one span, too loose to batch by.
struct BoundingSink {
  static constexpr std::size_t kMaxEscapedBytesPerByte = 6;
  std::size_t size = 0;

  void Literal(std::string_view text) { size += text.size(); }
  void Char(char) { ++size; }
  void Escaped(std::string_view text) { size += text.size() * kMaxEscapedBytesPerByte; }
  void Hex64(std::uint64_t) { size += 16; }
  void Decimal(std::int64_t) { size += 20; }
};

// Above this loose bound AppendJsonV2 sizes `out` exactly instead, so that a span with large
// strings does not transiently need several times its size.
constexpr std::size_t kLooseBoundLimit = 16 * 1024;

struct WritingSink {
  char* p;

  void Literal(std::string_view text) {
    std::memcpy(p, text.data(), text.size());
    p += text.size();
  }
  void Char(char c) { *p++ = c; }
  void Escaped(std::string_view text) { p = WriteJsonEscaped(text, p); }
  void Hex64(std::uint64_t value) { p = internal::WriteLowerHex64(value, p); }
  void Decimal(std::int64_t value) { p = internal::WriteDecimal(value, p); }
};

template <typename Sink>
void EncodeQuoted(std::string_view text, Sink& sink) {
  sink.Escaped(text);
  sink.Char('"');
}

template <typename Sink>
void EncodeEndpoint(const EndpointView& endpoint, Sink& sink) {
  sink.Char('{');
  bool wrote_field = false;
  if (!endpoint.service_name.empty()) {
    sink.Literal("\"serviceName\":\"");
    EncodeQuoted(endpoint.service_name, sink);
    wrote_field = true;
  }
  if (!endpoint.ipv4.empty()) {
    if (wrote_field) sink.Char(',');
    sink.Literal("\"ipv4\":\"");
    EncodeQuoted(endpoint.ipv4, sink);
    wrote_field = true;
  }
  if (!endpoint.ipv6.empty()) {
    if (wrote_field) sink.Char(',');
    sink.Literal("\"ipv6\":\"");
    EncodeQuoted(endpoint.ipv6, sink);
    wrote_field = true;
  }
  if (endpoint.port != 0) {
    if (wrote_field) sink.Char(',');
    sink.Literal("\"port\":");
    sink.Decimal(endpoint.port);
  }
  sink.Char('}');
}

// `Tags` is SortedTags when writing, or the record's own order when only counting.
template <typename Sink, typename Tags>
void EncodeSpan(const SpanRecord& span, const Tags& tags, Sink& sink) {
  sink.Literal("{\"traceId\":\"");
  if (span.trace_id.high != 0) sink.Hex64(span.trace_id.high);
  sink.Hex64(span.trace_id.low);
  sink.Char('"');
  if (span.parent_id != 0) {
    sink.Literal(",\"parentId\":\"");
    sink.Hex64(span.parent_id);
    sink.Char('"');
  }
  sink.Literal(",\"id\":\"");
  sink.Hex64(span.id);
  sink.Char('"');
  const std::string_view kind = JsonV2KindName(span.kind);
  if (!kind.empty()) {
    sink.Literal(",\"kind\":\"");
    sink.Literal(kind);
    sink.Char('"');
  }
  if (!span.name.empty()) {
    sink.Literal(",\"name\":\"");
    EncodeQuoted(span.name, sink);
  }
  if (span.timestamp_us > 0) {
    sink.Literal(",\"timestamp\":");
    sink.Decimal(span.timestamp_us);
  }
  if (span.duration_us > 0) {
    sink.Literal(",\"duration\":");
    sink.Decimal(span.duration_us);
  }
  if (!span.local_endpoint.IsEmpty()) {
    sink.Literal(",\"localEndpoint\":");
    EncodeEndpoint(span.local_endpoint, sink);
  }
  if (!span.remote_endpoint.IsEmpty()) {
    sink.Literal(",\"remoteEndpoint\":");
    EncodeEndpoint(span.remote_endpoint, sink);
  }
  const auto annotations = span.annotations();
  if (!annotations.empty()) {
    sink.Literal(",\"annotations\":[");
    for (std::size_t i = 0; i < annotations.size(); ++i) {
      if (i != 0) sink.Char(',');
      sink.Literal("{\"timestamp\":");
      sink.Decimal(annotations[i].timestamp_us);
      sink.Literal(",\"value\":\"");
      EncodeQuoted(annotations[i].value, sink);
      sink.Char('}');
    }
    sink.Char(']');
  }
  if (!tags.empty()) {
    sink.Literal(",\"tags\":{");
    for (std::size_t i = 0; i < tags.size(); ++i) {
      if (i != 0) sink.Char(',');
      sink.Char('"');
      EncodeQuoted(tags[i].key, sink);
      sink.Literal(":\"");
      EncodeQuoted(tags[i].value, sink);
    }
    sink.Char('}');
  }
  if (span.debug) sink.Literal(",\"debug\":true");
  if (span.shared) sink.Literal(",\"shared\":true");
  sink.Char('}');
}

}  // namespace

std::string_view JsonV2KindName(trace::SpanKind kind) {
  switch (kind) {
    case trace::SpanKind::kClient:
      return "CLIENT";
    case trace::SpanKind::kServer:
      return "SERVER";
    case trace::SpanKind::kProducer:
      return "PRODUCER";
    case trace::SpanKind::kConsumer:
      return "CONSUMER";
    case trace::SpanKind::kUnspecified:
      break;
  }
  return {};
}

std::size_t JsonV2SizeBound(const SpanRecord& span) {
  CountingSink counter;
  EncodeSpan(span, span.tags(), counter);
  return counter.size;
}

void AppendJsonV2(const SpanRecord& span, std::string& out) {
  // One pass to size `out`, one to write: the loose bound skips scanning strings twice, at the cost
  // of zero-filling a little more of `out` than gets used.
  BoundingSink bound;
  EncodeSpan(span, span.tags(), bound);
  const std::size_t size = bound.size <= kLooseBoundLimit ? bound.size : JsonV2SizeBound(span);
  const std::size_t old_size = out.size();
  out.resize(old_size + size);
  const SortedTags tags(span.tags());
  WritingSink writer{out.data() + old_size};
  EncodeSpan(span, tags, writer);
  assert(writer.p <= out.data() + out.size());
  out.resize(static_cast<std::size_t>(writer.p - out.data()));
}

void AppendJsonV2List(std::span<const SpanRecord* const> spans, std::string& out) {
  out.push_back('[');
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i != 0) out.push_back(',');
    AppendJsonV2(*spans[i], out);
  }
  out.push_back(']');
}

}  // namespace cairn::model
