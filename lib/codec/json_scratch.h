// Internal to lib/codec: per-thread simdjson parser and padded copy buffer, reused across calls so
// decoding a message allocates nothing but the decoded spans. Memory held after an unusually
// large message is released, so one big request does not pin megabytes per thread.
#pragma once

#include <simdjson.h>

#include <string_view>
#include <vector>

namespace cairn::codec::internal {

class JsonScratch {
 public:
  // This thread's instance.
  static JsonScratch& ForThisThread();

  // Starts iterating `body`: in place when `padded` (SIMDJSON_PADDING readable bytes follow it),
  // else from a padded copy.
  simdjson::simdjson_result<simdjson::ondemand::document> Iterate(std::string_view body,
                                                                  bool padded);

  // Drops buffers above the retention limit; call when done with the document.
  void Trim();

 private:
  static constexpr std::size_t kRetainBytes = 4 << 20;

  simdjson::ondemand::parser parser_;
  std::vector<char> copy_;
};

}  // namespace cairn::codec::internal
