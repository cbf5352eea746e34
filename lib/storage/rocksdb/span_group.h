// The value of a span-group key: every span of one trace written by one Accept call. Each entry
// holds the span's Zipkin v2 JSON (the exact bytes a query returns) behind a small binary header
// with what ordering, trace timestamps and dependency linking need, so none of those parse JSON.
//
// Entry layout, repeated until the end of the value:
//   fixed64 id | varint timestamp_us (0: absent) | u8 flags (kRoot, kShared, kError)
//   | fixed64 parent_id | u8 kind | lp local service | lp local ipv4 | lp local ipv6
//   | varint local port | lp remote service | fixed32 size | JSON
// (lp: varint length + bytes)
//
// Thread-safe: no state.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/trace/span_record.h"

namespace cairn::storage::rdb {

struct StoredSpan {
  static constexpr std::uint8_t kRoot = 1;    // no parent
  static constexpr std::uint8_t kShared = 2;  // the shared flag
  static constexpr std::uint8_t kError = 4;   // has an "error" tag

  std::uint64_t id = 0;
  std::int64_t timestamp_us = 0;
  bool root = false;
  // The fields dependency linking reads (views into the value).
  std::uint64_t parent_id = 0;
  trace::SpanKind kind = trace::SpanKind::kUnspecified;
  bool shared = false;
  bool error = false;
  trace::EndpointView local;  // service name, ipv4, ipv6, port
  std::string_view remote_service;
  std::string_view json;
};

// Appends `span` to a group value.
void AppendToSpanGroup(const trace::SpanRecord& span, std::string& value);

// Appends the spans of a group value to `out` (views into `value`). False when the value is not
// a well-formed group (corruption); `out` then holds the spans decoded before the damage.
bool DecodeSpanGroup(std::string_view value, std::vector<StoredSpan>& out);

// A record with the linking fields of `span` (views into the group value, which must outlive it)
// and trace id `trace_id`, for the shared DependencyLinker.
trace::SpanRecordPtr LinkRecord(const StoredSpan& span, const trace::TraceId& trace_id);

}  // namespace cairn::storage::rdb
