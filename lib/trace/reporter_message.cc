#include "lib/trace/reporter_message.h"

#include <cassert>
#include <span>

#include "lib/model/json_v2_writer.h"
#include "lib/model/proto3_writer.h"

namespace cairn::trace::internal {

MessageBuilder::MessageBuilder(Encoding encoding, std::size_t max_bytes)
    : encoding_(encoding), max_bytes_(max_bytes) {}

std::size_t MessageBuilder::size() const {
  if (encoding_ == Encoding::kProto3) return body_.size();
  // "[" + spans joined by "," + "]"; body_ holds all but the closing bracket until Finish.
  if (span_count_ == 0) return 2;
  return finished_ ? body_.size() : body_.size() + 1;
}

MessageBuilder::AddResult MessageBuilder::Add(const SpanRecord& span) {
  assert(!finished_ && "Add after Finish without Reset");
  scratch_.clear();
  std::size_t size_after;  // of the finished message with this span added
  if (encoding_ == Encoding::kProto3) {
    // A one-span ListOfSpans is exactly that span's list entry; entries concatenate.
    const SpanRecord* one[] = {&span};
    model::AppendProto3List(std::span<const SpanRecord* const>(one), scratch_);
    last_span_bytes_ = scratch_.size();
    if (scratch_.size() > max_bytes_) return AddResult::kTooLarge;
    size_after = body_.size() + scratch_.size();
  } else {
    model::AppendJsonV2(span, scratch_);
    last_span_bytes_ = scratch_.size();
    if (scratch_.size() + 2 > max_bytes_) return AddResult::kTooLarge;  // "[span]"
    // body_ is "[" + spans joined by ","; a new span adds "," (or the "[") and the "]" closes.
    size_after = (span_count_ == 0 ? 1 : body_.size() + 1) + scratch_.size() + 1;
  }
  if (size_after > max_bytes_) return AddResult::kFull;
  if (encoding_ == Encoding::kJsonV2) body_.push_back(span_count_ == 0 ? '[' : ',');
  body_.append(scratch_);
  ++span_count_;
  return AddResult::kAdded;
}

std::string_view MessageBuilder::Finish() {
  assert(span_count_ > 0);
  if (!finished_ && encoding_ == Encoding::kJsonV2) body_.push_back(']');
  finished_ = true;
  return body_;
}

void MessageBuilder::Reset() {
  body_.clear();
  span_count_ = 0;
  finished_ = false;
}

}  // namespace cairn::trace::internal
