#include "lib/model/proto3_writer.h"

#include <arpa/inet.h>

#include <cassert>
#include <cstdint>
#include <cstring>
#include <string_view>

#include "lib/model/encode_util.h"
#include "lib/model/sorted_tags.h"
#include "lib/model/utf8.h"

namespace cairn::model {
namespace {

using internal::VarintSize;
using internal::WriteVarint;
using trace::EndpointView;
using trace::SpanRecord;

// Field keys: (field_number << 3) | wire_type. All fit one byte.
constexpr char kVarint = 0;
constexpr char kFixed64 = 1;
constexpr char kDelimited = 2;
constexpr char Key(int field, char wire_type) {
  return static_cast<char>((field << 3) | wire_type);
}

constexpr char kListSpans = Key(1, kDelimited);
constexpr char kSpanTraceId = Key(1, kDelimited);
constexpr char kSpanParentId = Key(2, kDelimited);
constexpr char kSpanId = Key(3, kDelimited);
constexpr char kSpanKind = Key(4, kVarint);
constexpr char kSpanName = Key(5, kDelimited);
constexpr char kSpanTimestamp = Key(6, kFixed64);
constexpr char kSpanDuration = Key(7, kVarint);
constexpr char kSpanLocalEndpoint = Key(8, kDelimited);
constexpr char kSpanRemoteEndpoint = Key(9, kDelimited);
constexpr char kSpanAnnotation = Key(10, kDelimited);
constexpr char kSpanTag = Key(11, kDelimited);
constexpr char kSpanDebug = Key(12, kVarint);
constexpr char kSpanShared = Key(13, kVarint);
constexpr char kEndpointServiceName = Key(1, kDelimited);
constexpr char kEndpointIpv4 = Key(2, kDelimited);
constexpr char kEndpointIpv6 = Key(3, kDelimited);
constexpr char kEndpointPort = Key(4, kVarint);
constexpr char kAnnotationTimestamp = Key(1, kFixed64);
constexpr char kAnnotationValue = Key(2, kDelimited);
constexpr char kMapKey = Key(1, kDelimited);
constexpr char kMapValue = Key(2, kDelimited);

const unsigned char* AsBytes(std::string_view text) {
  return reinterpret_cast<const unsigned char*>(text.data());
}

std::size_t DelimitedSize(std::size_t content_size) {
  return 1 + VarintSize(content_size) + content_size;
}

// Dotted-quad IPv4 text to 4 bytes, exactly as strict as glibc's inet_pton(AF_INET): four
// decimal parts of 0..255 without leading zeros. Hand-written because it runs for every endpoint.
bool ParseIpv4(std::string_view text, unsigned char* bytes) {
  int parts = 0;
  unsigned value = 0;
  bool in_part = false;
  for (const char c : text) {
    if (c >= '0' && c <= '9') {
      if (in_part && value == 0) return false;  // leading zero
      value = value * 10 + static_cast<unsigned>(c - '0');
      if (value > 255) return false;
      if (!in_part) {
        if (++parts > 4) return false;
        in_part = true;
      }
    } else if (c == '.' && in_part) {
      if (parts == 4) return false;
      bytes[parts - 1] = static_cast<unsigned char>(value);
      value = 0;
      in_part = false;
    } else {
      return false;
    }
  }
  if (parts != 4 || !in_part) return false;
  bytes[3] = static_cast<unsigned char>(value);
  return true;
}

// IPv6 text to 16 bytes via inet_pton, which wants a C string.
bool ParseIpv6(std::string_view text, unsigned char* bytes) {
  char terminated[64];  // no valid address text is this long
  if (text.empty() || text.size() >= sizeof terminated) return false;
  if (std::memchr(text.data(), '\0', text.size()) != nullptr) return false;
  std::memcpy(terminated, text.data(), text.size());
  terminated[text.size()] = '\0';
  return inet_pton(AF_INET6, terminated, bytes) == 1;
}

// What one span needs beyond its record to be sized and written: parsed addresses, endpoint
// sizes, and whether every string is well-formed UTF-8 (then strings are sized and copied as is).
struct EndpointPlan {
  unsigned char ipv4[4];
  unsigned char ipv6[16];
  bool has_ipv4 = false;
  bool has_ipv6 = false;
  std::size_t size = 0;  // of the Endpoint message; 0: omit the field
};

struct SpanPlan {
  bool text_valid = true;
  EndpointPlan local;
  EndpointPlan remote;
  std::size_t size = 0;  // of the Span message
};

class Sizer {
 public:
  // `known_valid`: every string is already known to be well-formed, so its size is its length.
  Sizer(SpanPlan& plan, bool known_valid) : plan_(plan), known_valid_(known_valid) {}

  // Size of a string field with this content, 0 when empty (omitted).
  std::size_t OptionalText(std::string_view text) {
    return text.empty() ? 0 : DelimitedSize(Text(text));
  }
  std::size_t Text(std::string_view text) {
    if (known_valid_) return text.size();
    if (internal::IsAsciiText(AsBytes(text), text.size())) return text.size();  // common case
    bool valid = true;
    const std::size_t size = Utf8RepairedSize(text, &valid);
    plan_.text_valid = plan_.text_valid && valid;
    return size;
  }

  void Endpoint(const EndpointView& endpoint, EndpointPlan& out) {
    out.has_ipv4 = !endpoint.ipv4.empty() && ParseIpv4(endpoint.ipv4, out.ipv4);
    out.has_ipv6 = !endpoint.ipv6.empty() && ParseIpv6(endpoint.ipv6, out.ipv6);
    out.size = OptionalText(endpoint.service_name) + (out.has_ipv4 ? 2 + 4 : 0) +
               (out.has_ipv6 ? 2 + 16 : 0) +
               (endpoint.port != 0 ? 1 + VarintSize(endpoint.port) : 0);
  }

 private:
  SpanPlan& plan_;
  bool known_valid_;
};

int KindNumber(trace::SpanKind kind) {
  switch (kind) {
    case trace::SpanKind::kClient:
      return 1;
    case trace::SpanKind::kServer:
      return 2;
    case trace::SpanKind::kProducer:
      return 3;
    case trace::SpanKind::kConsumer:
      return 4;
    case trace::SpanKind::kUnspecified:
      break;
  }
  return 0;
}

std::size_t AnnotationSize(const trace::AnnotationView& annotation, Sizer& sizer) {
  return (annotation.timestamp_us != 0 ? 1 + 8 : 0) + sizer.OptionalText(annotation.value);
}

std::size_t TagEntrySize(const trace::TagView& tag, Sizer& sizer) {
  return DelimitedSize(sizer.Text(tag.key)) + DelimitedSize(sizer.Text(tag.value));
}

SpanPlan PlanSpan(const SpanRecord& span) {
  SpanPlan plan;
  Sizer sizer(plan, /*known_valid=*/false);
  std::size_t size = DelimitedSize(span.trace_id.high != 0 ? 16 : 8);
  if (span.parent_id != 0) size += DelimitedSize(8);
  size += DelimitedSize(8);
  if (KindNumber(span.kind) != 0) size += 2;
  size += sizer.OptionalText(span.name);
  if (span.timestamp_us > 0) size += 1 + 8;
  if (span.duration_us > 0) size += 1 + VarintSize(static_cast<std::uint64_t>(span.duration_us));
  sizer.Endpoint(span.local_endpoint, plan.local);
  if (plan.local.size != 0) size += DelimitedSize(plan.local.size);
  sizer.Endpoint(span.remote_endpoint, plan.remote);
  if (plan.remote.size != 0) size += DelimitedSize(plan.remote.size);
  for (const trace::AnnotationView& annotation : span.annotations()) {
    size += DelimitedSize(AnnotationSize(annotation, sizer));
  }
  for (const trace::TagView& tag : span.tags()) size += DelimitedSize(TagEntrySize(tag, sizer));
  if (span.debug) size += 2;
  if (span.shared) size += 2;
  plan.size = size;
  return plan;
}

class Writer {
 public:
  Writer(const SpanPlan& plan, char* out) : text_valid_(plan.text_valid), p_(out) {}

  char* end() const { return p_; }

  void Key(char key) { *p_++ = key; }
  void Length(std::size_t length) { p_ = WriteVarint(length, p_); }
  void Varint(char key, std::uint64_t value) {
    Key(key);
    p_ = WriteVarint(value, p_);
  }
  void Fixed64(char key, std::uint64_t value) {
    Key(key);
    p_ = internal::WriteLittleEndian64(value, p_);
  }
  void Id64(char key, std::uint64_t value) {
    Key(key);
    Length(8);
    p_ = internal::WriteBigEndian64(value, p_);
  }
  // 8 big-endian bytes without a key, when `present`.
  void Raw64(bool present, std::uint64_t value) {
    if (present) p_ = internal::WriteBigEndian64(value, p_);
  }
  void Bytes(char key, const unsigned char* bytes, std::size_t size) {
    Key(key);
    Length(size);
    std::memcpy(p_, bytes, size);
    p_ += size;
  }
  // A string field, written even when empty.
  void Text(char key, std::string_view text) {
    Key(key);
    if (text_valid_) {
      Length(text.size());
      p_ = internal::CopyText(AsBytes(text), text.size(), p_);
      return;
    }
    bool valid = true;
    Length(Utf8RepairedSize(text, &valid));
    p_ = WriteUtf8Repaired(text, p_);
  }
  void OptionalText(char key, std::string_view text) {
    if (!text.empty()) Text(key, text);
  }

  void Endpoint(char key, const EndpointView& endpoint, const EndpointPlan& plan) {
    if (plan.size == 0) return;
    Key(key);
    Length(plan.size);
    OptionalText(kEndpointServiceName, endpoint.service_name);
    if (plan.has_ipv4) Bytes(kEndpointIpv4, plan.ipv4, sizeof plan.ipv4);
    if (plan.has_ipv6) Bytes(kEndpointIpv6, plan.ipv6, sizeof plan.ipv6);
    if (endpoint.port != 0) Varint(kEndpointPort, endpoint.port);
  }

 private:
  bool text_valid_;
  char* p_;
};

void WriteSpan(const SpanRecord& span, const SpanPlan& plan, Writer& w) {
  // Nested sizes are recomputed while writing; strings are only re-scanned when some are
  // ill-formed.
  SpanPlan scratch = plan;
  Sizer sizer(scratch, plan.text_valid);
  w.Key(kSpanTraceId);
  w.Length(span.trace_id.high != 0 ? 16 : 8);
  w.Raw64(span.trace_id.high != 0, span.trace_id.high);
  w.Raw64(true, span.trace_id.low);
  if (span.parent_id != 0) w.Id64(kSpanParentId, span.parent_id);
  w.Id64(kSpanId, span.id);
  if (const int kind = KindNumber(span.kind); kind != 0) w.Varint(kSpanKind, kind);
  w.OptionalText(kSpanName, span.name);
  if (span.timestamp_us > 0) {
    w.Fixed64(kSpanTimestamp, static_cast<std::uint64_t>(span.timestamp_us));
  }
  if (span.duration_us > 0) w.Varint(kSpanDuration, static_cast<std::uint64_t>(span.duration_us));
  w.Endpoint(kSpanLocalEndpoint, span.local_endpoint, plan.local);
  w.Endpoint(kSpanRemoteEndpoint, span.remote_endpoint, plan.remote);
  for (const trace::AnnotationView& annotation : span.annotations()) {
    w.Key(kSpanAnnotation);
    w.Length(AnnotationSize(annotation, sizer));
    if (annotation.timestamp_us != 0) {
      w.Fixed64(kAnnotationTimestamp, static_cast<std::uint64_t>(annotation.timestamp_us));
    }
    w.OptionalText(kAnnotationValue, annotation.value);
  }
  const SortedTags tags(span.tags());
  for (std::size_t i = 0; i < tags.size(); ++i) {
    w.Key(kSpanTag);
    w.Length(TagEntrySize(tags[i], sizer));
    w.Text(kMapKey, tags[i].key);
    w.Text(kMapValue, tags[i].value);
  }
  if (span.debug) w.Varint(kSpanDebug, 1);
  if (span.shared) w.Varint(kSpanShared, 1);
}

}  // namespace

std::size_t Proto3SpanSize(const SpanRecord& span) { return PlanSpan(span).size; }

std::size_t Proto3ListEntrySize(const SpanRecord& span) {
  return DelimitedSize(PlanSpan(span).size);
}

void AppendProto3Span(const SpanRecord& span, std::string& out) {
  const SpanPlan plan = PlanSpan(span);
  const std::size_t old_size = out.size();
  out.resize(old_size + plan.size);
  Writer w(plan, out.data() + old_size);
  WriteSpan(span, plan, w);
  assert(w.end() == out.data() + out.size());
}

void AppendProto3List(std::span<const SpanRecord* const> spans, std::string& out) {
  for (const SpanRecord* span : spans) {
    const SpanPlan plan = PlanSpan(*span);
    const std::size_t old_size = out.size();
    out.resize(old_size + DelimitedSize(plan.size));
    Writer w(plan, out.data() + old_size);
    w.Key(kListSpans);
    w.Length(plan.size);
    WriteSpan(*span, plan, w);
    assert(w.end() == out.data() + out.size());
  }
}

}  // namespace cairn::model
