// libFuzzer entry for ReadThriftList (Zipkin Thrift (TBinaryProtocol) span lists): any input yields
// spans or an error, never a crash, hang, leak or undefined behaviour, and decoded spans are always
// normalised.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/codec/fuzz_invariants.h"
#include "lib/codec/thrift_reader.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view body(reinterpret_cast<const char*>(data), size);
  auto spans = cairn::codec::ReadThriftList(body);
  if (spans.ok()) cairn::codec::fuzzing::CheckSpans(*spans);
  return 0;
}
