// Options and result type shared by every span decoder in lib/codec.
#pragma once

#include <cstddef>
#include <vector>

#include "cairn/trace/span_record.h"

namespace cairn::codec {

using SpanList = std::vector<trace::SpanRecordPtr>;

struct DecodeOptions {
  // More decoded spans than this fail the whole message with kResourceExhausted
  // ("More than N spans in one message"). 0 means no limit (Zipkin has none; the body size limit
  // bounds it). A decoded span costs a few hundred bytes however small its encoding, so servers
  // should set this to bound memory per request.
  std::size_t max_spans = 0;
  // JSON only: the caller guarantees that SIMDJSON_PADDING (64) readable bytes follow the body, so
  // the decoder can parse in place instead of copying the body into a padded buffer.
  bool input_is_padded = false;
};

}  // namespace cairn::codec
