// libFuzzer entry for the collector path (DecodeCollectorMessage, DecodeDetectedMessage): the first
// input byte picks the endpoint decoder and whether the body is declared gzip, the rest is the
// body. Any input yields spans or an error, never a crash, and decoded spans are normalised.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "lib/codec/fuzz_invariants.h"
#include "lib/codec/span_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  using cairn::codec::Encoding;
  const std::uint8_t selector = data[0];
  std::string_view body(reinterpret_cast<const char*>(data) + 1, size - 1);
  const Encoding encodings[] = {Encoding::kJsonV1, Encoding::kJsonV2, Encoding::kProto3,
                                Encoding::kThrift};
  cairn::codec::CollectorOptions options;
  options.max_decompressed_bytes = 1 << 20;
  options.decode.max_spans = 10000;
  auto spans = cairn::codec::DecodeCollectorMessage(body, (selector & 4) != 0 ? "gzip" : "",
                                                    encodings[selector & 3], options);
  if (spans.ok()) cairn::codec::fuzzing::CheckSpans(*spans);
  auto detected = cairn::codec::DecodeDetectedMessage(body, options.decode);
  if (detected.ok()) cairn::codec::fuzzing::CheckSpans(*detected);
  return 0;
}
