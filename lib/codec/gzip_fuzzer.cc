// libFuzzer entry for Gunzip: any input yields bytes within the limit or an error, never a crash
// or an allocation past the limit.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/codec/gzip.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  constexpr std::size_t kLimit = 1 << 20;
  auto out =
      cairn::codec::Gunzip(std::string_view(reinterpret_cast<const char*>(data), size), kLimit);
  if (out.ok() && out->size() > kLimit) __builtin_trap();
  return 0;
}
