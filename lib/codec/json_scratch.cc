#include "lib/codec/json_scratch.h"

#include <cstring>

namespace cairn::codec::internal {

JsonScratch& JsonScratch::ForThisThread() {
  thread_local JsonScratch scratch;
  return scratch;
}

simdjson::simdjson_result<simdjson::ondemand::document> JsonScratch::Iterate(std::string_view body,
                                                                             bool padded) {
  if (padded) {
    return parser_.iterate(body.data(), body.size(), body.size() + simdjson::SIMDJSON_PADDING);
  }
  copy_.resize(body.size() + simdjson::SIMDJSON_PADDING);
  std::memcpy(copy_.data(), body.data(), body.size());
  std::memset(copy_.data() + body.size(), 0, simdjson::SIMDJSON_PADDING);
  return parser_.iterate(copy_.data(), body.size(), copy_.size());
}

void JsonScratch::Trim() {
  if (copy_.capacity() > kRetainBytes) std::vector<char>().swap(copy_);
  if (parser_.capacity() > kRetainBytes) parser_ = simdjson::ondemand::parser();
}

}  // namespace cairn::codec::internal
