// MessageBuilder: packs encoded spans into one reporter message, a JSON v2 array or a proto3
// ListOfSpans, of at most max_bytes. Spans are encoded one by one as they are added (so the
// reporter can free each record at once) with the shared encoders of lib/model; the size check
// uses the real encoded size, never an estimate.
//
// Not thread-safe (the reporter's worker thread owns it).
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "cairn/trace/reporter.h"
#include "cairn/trace/span_record.h"

namespace cairn::trace::internal {

class MessageBuilder {
 public:
  enum class AddResult {
    kAdded,
    kFull,      // not added: the message is not empty and the span does not fit; send, Reset, retry
    kTooLarge,  // not added: the span alone exceeds max_bytes
  };

  MessageBuilder(Encoding encoding, std::size_t max_bytes);

  AddResult Add(const SpanRecord& span);

  bool empty() const { return span_count_ == 0; }
  std::size_t span_count() const { return span_count_; }
  // Size of the message Finish would return now.
  std::size_t size() const;
  // Bytes of the last span passed to Add (its encoded size within a message).
  std::size_t last_span_bytes() const { return last_span_bytes_; }
  std::size_t max_bytes() const { return max_bytes_; }

  // The complete message; stays valid until Reset. Requires !empty().
  std::string_view Finish();
  // Starts a new, empty message (keeps the buffers' capacity).
  void Reset();

 private:
  Encoding encoding_;
  std::size_t max_bytes_;
  std::string body_;
  std::string scratch_;
  std::size_t span_count_ = 0;
  std::size_t last_span_bytes_ = 0;
  bool finished_ = false;
};

}  // namespace cairn::trace::internal
