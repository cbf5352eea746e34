#include "lib/storage/rocksdb/span_group.h"

#include "lib/model/json_v2_writer.h"
#include "lib/storage/rocksdb/coding.h"

namespace cairn::storage::rdb {

void AppendToSpanGroup(const trace::SpanRecord& span, std::string& value) {
  char header[8 + 10 + 1 + 8 + 1];
  char* p = EncodeFixed64BE(header, span.id);
  p = EncodeVarint64(p, span.timestamp_us > 0 ? static_cast<std::uint64_t>(span.timestamp_us) : 0);
  std::uint8_t flags = 0;
  if (span.parent_id == 0) flags |= StoredSpan::kRoot;
  if (span.shared) flags |= StoredSpan::kShared;
  if (span.FindTag("error") != nullptr) flags |= StoredSpan::kError;
  *p++ = static_cast<char>(flags);
  p = EncodeFixed64BE(p, span.parent_id);
  *p++ = static_cast<char>(span.kind);
  value.append(header, static_cast<std::size_t>(p - header));
  PutLengthPrefixed(value, span.local_endpoint.service_name);
  PutLengthPrefixed(value, span.local_endpoint.ipv4);
  PutLengthPrefixed(value, span.local_endpoint.ipv6);
  PutVarint64(value, span.local_endpoint.port);
  PutLengthPrefixed(value, span.remote_endpoint.service_name);
  // The size is patched in after encoding, which saves sizing the JSON in a separate pass.
  const std::size_t size_at = value.size();
  PutFixed32BE(value, 0);
  model::AppendJsonV2(span, value);
  EncodeFixed32BE(value.data() + size_at, static_cast<std::uint32_t>(value.size() - size_at - 4));
}

bool DecodeSpanGroup(std::string_view value, std::vector<StoredSpan>& out) {
  Reader reader(value);
  while (!reader.empty()) {
    StoredSpan span;
    std::uint64_t timestamp = 0;
    std::uint8_t flags = 0;
    std::uint8_t kind = 0;
    std::uint64_t port = 0;
    std::uint32_t size = 0;
    if (!reader.ReadFixed64BE(span.id) || !reader.ReadVarint64(timestamp) ||
        !reader.ReadByte(flags) || !reader.ReadFixed64BE(span.parent_id) ||
        !reader.ReadByte(kind) || !reader.ReadLengthPrefixed(span.local.service_name) ||
        !reader.ReadLengthPrefixed(span.local.ipv4) ||
        !reader.ReadLengthPrefixed(span.local.ipv6) || !reader.ReadVarint64(port) ||
        !reader.ReadLengthPrefixed(span.remote_service) || !reader.ReadFixed32BE(size) ||
        !reader.ReadBytes(size, span.json) || timestamp > INT64_MAX || port > 65535 ||
        kind > static_cast<std::uint8_t>(trace::SpanKind::kConsumer)) {
      return false;
    }
    span.timestamp_us = static_cast<std::int64_t>(timestamp);
    span.root = (flags & StoredSpan::kRoot) != 0;
    span.shared = (flags & StoredSpan::kShared) != 0;
    span.error = (flags & StoredSpan::kError) != 0;
    span.kind = static_cast<trace::SpanKind>(kind);
    span.local.port = static_cast<std::uint16_t>(port);
    out.push_back(span);
  }
  return true;
}

trace::SpanRecordPtr LinkRecord(const StoredSpan& span, const trace::TraceId& trace_id) {
  auto record = std::make_unique<trace::SpanRecord>();
  record->trace_id = trace_id;
  record->id = span.id;
  record->parent_id = span.parent_id;
  record->kind = span.kind;
  record->shared = span.shared;
  record->timestamp_us = span.timestamp_us;
  record->local_endpoint = span.local;
  record->remote_endpoint.service_name = span.remote_service;
  if (span.error) record->AppendTag("error", "");
  return record;
}

}  // namespace cairn::storage::rdb
