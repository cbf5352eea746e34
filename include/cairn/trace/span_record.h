// SpanRecord: one Zipkin v2 span as data. The tracer fills it while a span is open, the reporter
// encodes it, and cairn-server decodes into it, so the client and the server share one model and
// one set of encoders (lib/model).
//
// Memory: every string field is a std::string_view into storage the record owns (a small inline
// arena that spills to heap chunks), so a typical client span costs one allocation: the record
// itself. Use the setters, which copy their argument into the arena; assigning a view to a field
// directly is allowed only when the viewed bytes outlive the record.
//
// Not thread-safe; a record is owned by one thread at a time. Not copyable (views would dangle);
// movable only through std::unique_ptr.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string_view>
#include <vector>

#include "cairn/trace/ids.h"

namespace cairn::trace {

enum class SpanKind : std::uint8_t { kUnspecified = 0, kClient, kServer, kProducer, kConsumer };

// "CLIENT", "SERVER", "PRODUCER", "CONSUMER"; empty for kUnspecified.
std::string_view SpanKindName(SpanKind kind);

struct EndpointView {
  std::string_view service_name;
  std::string_view ipv4;  // dotted quad text, empty when absent
  std::string_view ipv6;  // canonical text, empty when absent
  std::uint16_t port = 0; // 0 when absent

  bool IsEmpty() const {
    return service_name.empty() && ipv4.empty() && ipv6.empty() && port == 0;
  }
};

struct AnnotationView {
  std::int64_t timestamp_us = 0;
  std::string_view value;
};

struct TagView {
  std::string_view key;
  std::string_view value;
};

class SpanRecord {
 public:
  SpanRecord() = default;
  SpanRecord(const SpanRecord&) = delete;
  SpanRecord& operator=(const SpanRecord&) = delete;
  ~SpanRecord();

  TraceId trace_id;
  SpanId parent_id = 0;  // 0: absent
  SpanId id = 0;
  SpanKind kind = SpanKind::kUnspecified;
  std::string_view name;
  std::int64_t timestamp_us = 0;  // epoch microseconds, 0: absent
  std::int64_t duration_us = 0;   // microseconds, 0: absent
  EndpointView local_endpoint;
  EndpointView remote_endpoint;
  bool debug = false;
  bool shared = false;

  // Copies `text` into the record's arena and returns a view of the copy.
  std::string_view Intern(std::string_view text);

  void SetName(std::string_view value) { name = Intern(value); }
  void SetLocalServiceName(std::string_view value) { local_endpoint.service_name = Intern(value); }
  void SetRemoteServiceName(std::string_view value) { remote_endpoint.service_name = Intern(value); }
  // Copies every string of `endpoint` into the arena.
  void SetLocalEndpoint(const EndpointView& endpoint);
  void SetRemoteEndpoint(const EndpointView& endpoint);

  // Adds or replaces (last value wins) a tag; key and value are copied.
  void SetTag(std::string_view key, std::string_view value);
  // Returns the value of a tag, or nullptr-like empty optional when absent.
  const TagView* FindTag(std::string_view key) const;
  void AddAnnotation(std::int64_t timestamp_us, std::string_view value);
  // Appends a tag without looking for one with the same key: O(1) where SetTag is O(tags). For
  // callers that de-duplicate afterwards (cairn-server's decoders, via codec::NormalizeSpan), so a
  // hostile span with very many tags cannot make decoding quadratic.
  void AppendTag(std::string_view key, std::string_view value);

  std::span<const TagView> tags() const { return {tag_data(), tag_count_}; }
  std::span<const AnnotationView> annotations() const {
    return {annotation_data(), annotation_count_};
  }
  // Mutable access for normalisation (sorting, de-duplication) on the server.
  std::span<TagView> mutable_tags() { return {tag_data(), tag_count_}; }
  std::span<AnnotationView> mutable_annotations() { return {annotation_data(), annotation_count_}; }
  void TruncateTags(std::size_t count);
  void TruncateAnnotations(std::size_t count);

  // A cheap upper-ish estimate of the span's JSON v2 size: every string's length plus the fixed
  // JSON text around it at worst-case width (escaping not counted). Used to bound reporter queues
  // by bytes. O(tags + annotations), no allocation.
  std::size_t ApproximateBytes() const;

 private:
  static constexpr std::size_t kInlineTags = 8;
  static constexpr std::size_t kInlineAnnotations = 4;
  static constexpr std::size_t kInlineArenaBytes = 320;

  TagView* tag_data() { return overflow_tags_.empty() ? inline_tags_ : overflow_tags_.data(); }
  const TagView* tag_data() const {
    return overflow_tags_.empty() ? inline_tags_ : overflow_tags_.data();
  }
  AnnotationView* annotation_data() {
    return overflow_annotations_.empty() ? inline_annotations_ : overflow_annotations_.data();
  }
  const AnnotationView* annotation_data() const {
    return overflow_annotations_.empty() ? inline_annotations_ : overflow_annotations_.data();
  }
  char* Allocate(std::size_t size);

  TagView inline_tags_[kInlineTags];
  std::vector<TagView> overflow_tags_;  // used (holding all tags) once inline_tags_ is full
  std::size_t tag_count_ = 0;
  AnnotationView inline_annotations_[kInlineAnnotations];
  std::vector<AnnotationView> overflow_annotations_;
  std::size_t annotation_count_ = 0;

  char inline_arena_[kInlineArenaBytes];
  std::size_t inline_used_ = 0;
  std::vector<std::unique_ptr<char[]>> chunks_;  // spill-over storage
  std::size_t chunk_used_ = 0;
  std::size_t chunk_size_ = 0;
  std::size_t spilled_bytes_ = 0;
};

inline void SpanRecord::AppendTag(std::string_view key, std::string_view value) {
  TagView tag{Intern(key), Intern(value)};
  if (overflow_tags_.empty()) {
    if (tag_count_ < kInlineTags) {
      inline_tags_[tag_count_++] = tag;
      return;
    }
    overflow_tags_.reserve(kInlineTags * 2);
    overflow_tags_.assign(inline_tags_, inline_tags_ + tag_count_);
  }
  overflow_tags_.push_back(tag);
  tag_count_ = overflow_tags_.size();
}

using SpanRecordPtr = std::unique_ptr<SpanRecord>;

}  // namespace cairn::trace
