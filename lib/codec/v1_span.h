// Internal to lib/codec: Zipkin's v1 span model (zipkin2.v1.V1Span, V1Annotation,
// V1BinaryAnnotation) as read from JSON v1 or Thrift, before V1SpanConverter turns it into v2
// spans. Strings are views into the message being decoded or into the span's StringArena; a
// V1Span is reused from span to span (Clear keeps capacity).
#pragma once

#include <cstdint>
#include <memory>
#include <string_view>
#include <vector>

#include "cairn/trace/status.h"
#include "lib/codec/ip_address.h"

namespace cairn::codec::internal {

// Bump allocator for the few strings a decoder must rewrite (lower-cased service names, repaired
// UTF-8). Views stay valid until Clear().
class StringArena {
 public:
  std::string_view Copy(std::string_view text);
  // Locale.ROOT lower case of `text`; `text` itself when already lower case.
  std::string_view LowerCase(std::string_view text);
  // `text` with ill-formed UTF-8 replaced by U+FFFD (as Java's decoder does); `text` when valid.
  std::string_view RepairUtf8(std::string_view text);
  void Clear();

 private:
  char* Allocate(std::size_t size);

  std::vector<std::unique_ptr<char[]>> chunks_;
  std::vector<std::size_t> chunk_sizes_;
  std::size_t current_ = 0;  // index of the chunk being filled
  std::size_t used_ = 0;     // bytes used in it
};

// zipkin2.Endpoint as the v1 readers build it: service name lower-cased, IPs parsed.
struct V1Endpoint {
  std::string_view service_name;
  IpText ipv4;
  IpText ipv6;
  std::uint16_t port = 0;

  bool IsEmpty() const {
    return service_name.empty() && ipv4.text().empty() && ipv6.text().empty() && port == 0;
  }
  friend bool operator==(const V1Endpoint& a, const V1Endpoint& b) {
    return a.service_name == b.service_name && a.ipv4.text() == b.ipv4.text() &&
           a.ipv6.text() == b.ipv6.text() && a.port == b.port;
  }
};

struct V1Annotation {
  std::int64_t timestamp = 0;
  std::string_view value;
  bool has_endpoint = false;
  V1Endpoint endpoint;
};

// A string binary annotation (tag, or "lc"), or an address annotation ("ca", "sa", "ma") when
// has_string_value is false.
struct V1BinaryAnnotation {
  std::string_view key;
  std::string_view string_value;
  bool has_string_value = false;
  bool has_endpoint = false;
  V1Endpoint endpoint;
};

struct V1Span {
  std::uint64_t trace_id_high = 0;
  std::uint64_t trace_id = 0;
  std::uint64_t id = 0;
  std::uint64_t parent_id = 0;
  std::string_view name;  // lower-cased; empty when absent
  std::int64_t timestamp = 0;
  std::int64_t duration = 0;
  std::vector<V1Annotation> annotations;
  std::vector<V1BinaryAnnotation> binary_annotations;
  bool debug = false;

  void Clear();

  // V1Span.Builder.addAnnotation: an empty endpoint counts as none.
  void AddAnnotation(std::int64_t timestamp, std::string_view value, const V1Endpoint* endpoint);
  // V1Span.Builder.addBinaryAnnotation(key, value, endpoint).
  void AddStringAnnotation(std::string_view key, std::string_view value,
                           const V1Endpoint* endpoint);
  // V1Span.Builder.addBinaryAnnotation(address, endpoint): ignored without a non-empty endpoint.
  void AddAddressAnnotation(std::string_view key, const V1Endpoint* endpoint);

  // V1Span's constructor: "traceId == 0" / "id == 0" errors, then annotations sorted (stably) by
  // (timestamp, value) and binary annotations by key, in Java String order.
  Status Finish();
};

}  // namespace cairn::codec::internal
