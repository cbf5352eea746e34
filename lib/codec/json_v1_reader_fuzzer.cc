// libFuzzer entry for ReadJsonV1List (Zipkin JSON v1 lists and the v1 -> v2 conversion): any input
// yields spans or an error, never a crash, hang, leak or undefined behaviour, and decoded spans are
// always normalised.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/codec/fuzz_invariants.h"
#include "lib/codec/json_v1_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto spans = cairn::codec::ReadJsonV1List(body);
  if (spans.ok()) cairn::codec::fuzzing::CheckSpans(*spans);
  return 0;
}
