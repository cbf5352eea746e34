// SpanRecord storage: strings live in a 320-byte inline arena, then in heap chunks that grow
// geometrically (1 KiB doubling to 64 KiB, or the string's size when larger), so a typical client
// span (name, local endpoint, a few short tags) costs no allocation beyond the record itself.
#include "cairn/trace/span_record.h"

#include <algorithm>
#include <cstring>

namespace cairn::trace {
namespace {

constexpr std::size_t kFirstChunkBytes = 1024;
constexpr std::size_t kMaxChunkGrowthBytes = 64 * 1024;

// Upper-ish sizes of the JSON v2 text around the variable parts (see ApproximateBytes): ids at
// full length, a 16-digit timestamp, a 19-digit duration, the longest kind, debug and shared.
constexpr std::size_t kJsonFixedBytes = 224;
// `,"localEndpoint":{"serviceName":"","ipv4":"","ipv6":"","port":65535}`
constexpr std::size_t kJsonEndpointBytes = 72;
// `,"annotations":[]` and `{"timestamp":1234567890123456,"value":""},`
constexpr std::size_t kJsonAnnotationsBytes = 17;
constexpr std::size_t kJsonAnnotationBytes = 41;
// `,"tags":{}` and `"":"",`
constexpr std::size_t kJsonTagsBytes = 10;
constexpr std::size_t kJsonTagBytes = 6;

// memcpy without a library call for the short strings spans are made of (tag keys, values,
// names); longer ones go to memcpy.
[[gnu::always_inline]] inline void CopyBytes(char* out, const char* in, std::size_t size) {
  if (size >= 8 && size <= 16) {
    std::uint64_t head;
    std::uint64_t tail;
    std::memcpy(&head, in, 8);
    std::memcpy(&tail, in + size - 8, 8);
    std::memcpy(out, &head, 8);
    std::memcpy(out + size - 8, &tail, 8);
  } else if (size >= 4 && size < 8) {
    std::uint32_t head;
    std::uint32_t tail;
    std::memcpy(&head, in, 4);
    std::memcpy(&tail, in + size - 4, 4);
    std::memcpy(out, &head, 4);
    std::memcpy(out + size - 4, &tail, 4);
  } else if (size < 4) {
    for (std::size_t i = 0; i < size; ++i) out[i] = in[i];
  } else {
    std::memcpy(out, in, size);
  }
}

std::size_t EndpointBytes(const EndpointView& endpoint) {
  if (endpoint.IsEmpty()) return 0;
  return kJsonEndpointBytes + endpoint.service_name.size() + endpoint.ipv4.size() +
         endpoint.ipv6.size();
}

}  // namespace

std::string_view SpanKindName(SpanKind kind) {
  switch (kind) {
    case SpanKind::kClient:
      return "CLIENT";
    case SpanKind::kServer:
      return "SERVER";
    case SpanKind::kProducer:
      return "PRODUCER";
    case SpanKind::kConsumer:
      return "CONSUMER";
    case SpanKind::kUnspecified:
      break;
  }
  return {};
}

SpanRecord::~SpanRecord() = default;

namespace {

// The slow path of Allocate, kept out of line so the fast path inlines into Intern and SetTag.
[[gnu::noinline]] char* NewChunk(std::vector<std::unique_ptr<char[]>>& chunks,
                                 std::size_t& chunk_used, std::size_t& chunk_size,
                                 std::size_t& spilled_bytes, std::size_t size) {
  std::size_t next =
      chunk_size == 0 ? kFirstChunkBytes : std::min(chunk_size * 2, kMaxChunkGrowthBytes);
  next = std::max(next, size);
  chunks.push_back(std::make_unique_for_overwrite<char[]>(next));
  chunk_size = next;
  chunk_used = size;
  spilled_bytes += next;
  return chunks.back().get();
}

}  // namespace

// Defined before its uses and forced inline: the fast path is a compare and an add.
[[gnu::always_inline]] inline char* SpanRecord::Allocate(std::size_t size) {
  if (size <= kInlineArenaBytes - inline_used_) [[likely]] {
    char* out = inline_arena_ + inline_used_;
    inline_used_ += size;
    return out;
  }
  if (!chunks_.empty() && size <= chunk_size_ - chunk_used_) {
    char* out = chunks_.back().get() + chunk_used_;
    chunk_used_ += size;
    return out;
  }
  return NewChunk(chunks_, chunk_used_, chunk_size_, spilled_bytes_, size);
}

std::string_view SpanRecord::Intern(std::string_view text) {
  if (text.empty()) return {};
  char* copy = Allocate(text.size());
  CopyBytes(copy, text.data(), text.size());
  return {copy, text.size()};
}

void SpanRecord::SetLocalEndpoint(const EndpointView& endpoint) {
  local_endpoint.service_name = Intern(endpoint.service_name);
  local_endpoint.ipv4 = Intern(endpoint.ipv4);
  local_endpoint.ipv6 = Intern(endpoint.ipv6);
  local_endpoint.port = endpoint.port;
}

void SpanRecord::SetRemoteEndpoint(const EndpointView& endpoint) {
  remote_endpoint.service_name = Intern(endpoint.service_name);
  remote_endpoint.ipv4 = Intern(endpoint.ipv4);
  remote_endpoint.ipv6 = Intern(endpoint.ipv6);
  remote_endpoint.port = endpoint.port;
}

void SpanRecord::SetTag(std::string_view key, std::string_view value) {
  TagView* data = tag_data();
  for (std::size_t i = 0; i < tag_count_; ++i) {
    if (data[i].key == key) {
      data[i].value = Intern(value);
      return;
    }
  }
  // Key and value share one arena block.
  char* block = Allocate(key.size() + value.size());
  CopyBytes(block, key.data(), key.size());
  CopyBytes(block + key.size(), value.data(), value.size());
  TagView tag{{block, key.size()}, {block + key.size(), value.size()}};
  if (overflow_tags_.empty()) {
    if (tag_count_ < kInlineTags) {
      inline_tags_[tag_count_++] = tag;
      return;
    }
    // Inline storage is full: move every tag to the vector, which holds them all from now on.
    overflow_tags_.reserve(kInlineTags * 2);
    overflow_tags_.assign(inline_tags_, inline_tags_ + tag_count_);
  }
  overflow_tags_.push_back(tag);
  tag_count_ = overflow_tags_.size();
}

const TagView* SpanRecord::FindTag(std::string_view key) const {
  const TagView* data = tag_data();
  for (std::size_t i = 0; i < tag_count_; ++i) {
    if (data[i].key == key) return &data[i];
  }
  return nullptr;
}

void SpanRecord::AddAnnotation(std::int64_t timestamp_us, std::string_view value) {
  AnnotationView annotation{timestamp_us, Intern(value)};
  if (overflow_annotations_.empty()) {
    if (annotation_count_ < kInlineAnnotations) {
      inline_annotations_[annotation_count_++] = annotation;
      return;
    }
    overflow_annotations_.reserve(kInlineAnnotations * 2);
    overflow_annotations_.assign(inline_annotations_, inline_annotations_ + annotation_count_);
  }
  overflow_annotations_.push_back(annotation);
  annotation_count_ = overflow_annotations_.size();
}

void SpanRecord::TruncateTags(std::size_t count) {
  if (count >= tag_count_) return;
  // While the vector is in use it holds all tags (tag_count_ == its size); once emptied the
  // inline array is current again, with zero live entries.
  if (!overflow_tags_.empty()) overflow_tags_.resize(count);
  tag_count_ = count;
}

void SpanRecord::TruncateAnnotations(std::size_t count) {
  if (count >= annotation_count_) return;
  if (!overflow_annotations_.empty()) overflow_annotations_.resize(count);
  annotation_count_ = count;
}

std::size_t SpanRecord::ApproximateBytes() const {
  std::size_t bytes = kJsonFixedBytes + name.size() + EndpointBytes(local_endpoint) +
                      EndpointBytes(remote_endpoint);
  if (annotation_count_ != 0) {
    bytes += kJsonAnnotationsBytes;
    for (const AnnotationView& annotation : annotations()) {
      bytes += kJsonAnnotationBytes + annotation.value.size();
    }
  }
  if (tag_count_ != 0) {
    bytes += kJsonTagsBytes;
    for (const TagView& tag : tags()) bytes += kJsonTagBytes + tag.key.size() + tag.value.size();
  }
  return bytes;
}

}  // namespace cairn::trace
