#include "lib/storage/rocksdb/span_group.h"

#include "lib/model/json_v2_writer.h"
#include "lib/storage/rocksdb/coding.h"

namespace cairn::storage::rdb {

void AppendToSpanGroup(const trace::SpanRecord& span, std::string& value) {
  PutFixed64BE(value, span.id);
  PutVarint64(value, span.timestamp_us > 0 ? static_cast<std::uint64_t>(span.timestamp_us) : 0);
  value.push_back(span.parent_id == 0 ? 1 : 0);
  // The size is patched in after encoding, which saves sizing the JSON in a separate pass.
  const std::size_t size_at = value.size();
  PutFixed32BE(value, 0);
  model::AppendJsonV2(span, value);
  const auto size = static_cast<std::uint32_t>(value.size() - size_at - 4);
  for (int i = 3; i >= 0; --i) {
    value[size_at + static_cast<std::size_t>(i)] = static_cast<char>((size >> (8 * (3 - i))) & 0xff);
  }
}

bool DecodeSpanGroup(std::string_view value, std::vector<StoredSpan>& out) {
  Reader reader(value);
  while (!reader.empty()) {
    StoredSpan span;
    std::uint64_t timestamp = 0;
    std::uint8_t flags = 0;
    std::uint32_t size = 0;
    if (!reader.ReadFixed64BE(span.id) || !reader.ReadVarint64(timestamp) ||
        !reader.ReadByte(flags) || !reader.ReadFixed32BE(size) ||
        !reader.ReadBytes(size, span.json) || timestamp > INT64_MAX) {
      return false;
    }
    span.timestamp_us = static_cast<std::int64_t>(timestamp);
    span.root = (flags & 1) != 0;
    out.push_back(span);
  }
  return true;
}

}  // namespace cairn::storage::rdb
