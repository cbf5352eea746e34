// A span's tags in the order Zipkin writes them: by key (byte-wise, which for UTF-8 is code point
// order), ties in record order. Zipkin's Span keeps tags in a TreeMap, so both V2SpanWriter and the
// proto3 writer emit sorted keys; the encoders do the same so that a client's output is
// byte-identical to Zipkin's and the server's responses do not depend on arrival order.
//
// Cheap by construction: tags that are already sorted (the server normalises on ingest) are used in
// place; otherwise up to kInlineCapacity pointers are sorted in an inline array; only spans with
// more tags than that allocate. Borrows the tags: they must outlive this object.
//
// (Java's String order compares UTF-16 code units, which differs from code point order only
// between U+E000..U+FFFF and supplementary characters; keys like that are vanishingly rare.)
#pragma once

#include <cstddef>
#include <memory>
#include <span>

#include "cairn/trace/span_record.h"

namespace cairn::model {

class SortedTags {
 public:
  static constexpr std::size_t kInlineCapacity = 32;

  explicit SortedTags(std::span<const trace::TagView> tags);
  SortedTags(const SortedTags&) = delete;
  SortedTags& operator=(const SortedTags&) = delete;

  std::size_t size() const { return tags_.size(); }
  bool empty() const { return tags_.empty(); }
  const trace::TagView& operator[](std::size_t i) const {
    return order_ == nullptr ? tags_[i] : *order_[i];
  }

 private:
  std::span<const trace::TagView> tags_;
  const trace::TagView** order_ = nullptr;  // null when tags_ is already sorted
  const trace::TagView* inline_order_[kInlineCapacity];
  std::unique_ptr<const trace::TagView*[]> heap_order_;
};

}  // namespace cairn::model
