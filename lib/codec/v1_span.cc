#include "lib/codec/v1_span.h"

#include <algorithm>
#include <cstring>
#include <string>

#include "lib/codec/text.h"
#include "lib/model/utf8.h"

namespace cairn::codec::internal {

namespace {
constexpr std::size_t kChunkBytes = 4096;
}  // namespace

char* StringArena::Allocate(std::size_t size) {
  while (current_ < chunks_.size()) {
    if (chunk_sizes_[current_] - used_ >= size) {
      char* out = chunks_[current_].get() + used_;
      used_ += size;
      return out;
    }
    ++current_;
    used_ = 0;
  }
  std::size_t chunk = std::max(kChunkBytes, size);
  chunks_.push_back(std::make_unique_for_overwrite<char[]>(chunk));
  chunk_sizes_.push_back(chunk);
  current_ = chunks_.size() - 1;
  used_ = size;
  return chunks_.back().get();
}

std::string_view StringArena::Copy(std::string_view text) {
  if (text.empty()) return {};
  char* out = Allocate(text.size());
  std::memcpy(out, text.data(), text.size());
  return {out, text.size()};
}

std::string_view StringArena::LowerCase(std::string_view text) {
  if (!MayNeedLowerCase(text)) return text;
  thread_local std::string scratch;
  scratch.clear();
  AppendLowerCaseRoot(text, scratch);
  if (scratch == text) return text;
  return Copy(scratch);
}

std::string_view StringArena::RepairUtf8(std::string_view text) {
  bool valid = true;
  std::size_t size = model::Utf8RepairedSize(text, &valid);
  if (valid) return text;
  char* out = Allocate(size);
  model::WriteUtf8Repaired(text, out);
  return {out, size};
}

void StringArena::Clear() {
  // Keep only the first chunk so a hostile message cannot pin memory between spans.
  if (chunks_.size() > 1) {
    chunks_.resize(1);
    chunk_sizes_.resize(1);
  }
  current_ = 0;
  used_ = 0;
}

void V1Span::Clear() {
  trace_id_high = trace_id = id = parent_id = 0;
  name = {};
  timestamp = duration = 0;
  annotations.clear();
  binary_annotations.clear();
  debug = false;
}

void V1Span::AddAnnotation(std::int64_t ts, std::string_view value, const V1Endpoint* endpoint) {
  V1Annotation& annotation = annotations.emplace_back();
  annotation.timestamp = ts;
  annotation.value = value;
  if (endpoint != nullptr && !endpoint->IsEmpty()) {
    annotation.has_endpoint = true;
    annotation.endpoint = *endpoint;
  }
}

void V1Span::AddStringAnnotation(std::string_view key, std::string_view value,
                                 const V1Endpoint* endpoint) {
  V1BinaryAnnotation& annotation = binary_annotations.emplace_back();
  annotation.key = key;
  annotation.string_value = value;
  annotation.has_string_value = true;
  if (endpoint != nullptr && !endpoint->IsEmpty()) {
    annotation.has_endpoint = true;
    annotation.endpoint = *endpoint;
  }
}

void V1Span::AddAddressAnnotation(std::string_view key, const V1Endpoint* endpoint) {
  if (endpoint == nullptr || endpoint->IsEmpty()) return;
  V1BinaryAnnotation& annotation = binary_annotations.emplace_back();
  annotation.key = key;
  annotation.has_endpoint = true;
  annotation.endpoint = *endpoint;
}

Status V1Span::Finish() {
  if (trace_id == 0) return InvalidArgument("traceId == 0");
  if (id == 0) return InvalidArgument("id == 0");
  auto annotation_less = [](const V1Annotation& a, const V1Annotation& b) {
    if (a.timestamp != b.timestamp) return a.timestamp < b.timestamp;
    return CompareUtf16(a.value, b.value) < 0;
  };
  if (!std::is_sorted(annotations.begin(), annotations.end(), annotation_less)) {
    std::stable_sort(annotations.begin(), annotations.end(), annotation_less);
  }
  auto key_less = [](const V1BinaryAnnotation& a, const V1BinaryAnnotation& b) {
    return CompareUtf16(a.key, b.key) < 0;
  };
  if (!std::is_sorted(binary_annotations.begin(), binary_annotations.end(), key_less)) {
    std::stable_sort(binary_annotations.begin(), binary_annotations.end(), key_less);
  }
  return Status::Ok();
}

}  // namespace cairn::codec::internal
