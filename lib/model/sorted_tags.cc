#include "lib/model/sorted_tags.h"

#include <algorithm>

namespace cairn::model {

SortedTags::SortedTags(std::span<const trace::TagView> tags) : tags_(tags) {
  bool sorted = true;
  for (std::size_t i = 1; i < tags.size(); ++i) {
    if (tags[i].key < tags[i - 1].key) {
      sorted = false;
      break;
    }
  }
  if (sorted) return;
  if (tags.size() <= kInlineCapacity) {
    order_ = inline_order_;
  } else {
    heap_order_ = std::make_unique<const trace::TagView*[]>(tags.size());
    order_ = heap_order_.get();
  }
  for (std::size_t i = 0; i < tags.size(); ++i) order_[i] = &tags[i];
  // Ties broken by address, i.e. record order: std::sort, unlike std::stable_sort, never
  // allocates a scratch buffer.
  std::sort(order_, order_ + tags.size(), [](const trace::TagView* a, const trace::TagView* b) {
    const int c = a->key.compare(b->key);
    return c < 0 || (c == 0 && a < b);
  });
}

}  // namespace cairn::model
