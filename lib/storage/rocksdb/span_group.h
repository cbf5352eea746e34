// The value of a span-group key: every span of one trace written by one Accept call, each as a
// small header (id, timestamp, root flag) followed by its Zipkin v2 JSON, the exact bytes a query
// returns. The header lets readers order spans and compute a trace's timestamp without parsing
// JSON.
//
// Layout, repeated until the end of the value:
//   fixed64 id | varint timestamp_us (0: absent) | u8 flags (1: root) | fixed32 size | JSON
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
  std::uint64_t id = 0;
  std::int64_t timestamp_us = 0;
  bool root = false;
  std::string_view json;
};

// Appends `span` to a group value.
void AppendToSpanGroup(const trace::SpanRecord& span, std::string& value);

// Appends the spans of a group value to `out` (views into `value`). False when the value is not
// a well-formed group (corruption); `out` then holds the spans decoded before the damage.
bool DecodeSpanGroup(std::string_view value, std::vector<StoredSpan>& out);

}  // namespace cairn::storage::rdb
