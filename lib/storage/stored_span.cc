#include "lib/storage/stored_span.h"

#include <cstddef>

#include "lib/codec/json_v2_reader.h"
#include "lib/model/json_v2_writer.h"

namespace cairn::storage {
namespace {

// simdjson reads up to 64 bytes past the end of its input (SIMDJSON_PADDING); giving it a
// buffer with that slack lets the reader parse in place instead of copying the body again.
constexpr std::size_t kPadding = 64;

}  // namespace

std::string EncodeStoredSpan(const trace::SpanRecord& span) {
  std::string out;
  model::AppendJsonV2(span, out);
  return out;
}

Result<codec::SpanList> DecodeStoredSpans(std::span<const std::string_view> spans) {
  if (spans.empty()) return codec::SpanList{};
  std::size_t size = 2 + spans.size();
  for (std::string_view span : spans) size += span.size();
  std::string body;
  body.reserve(size + kPadding);
  body.push_back('[');
  for (std::size_t i = 0; i < spans.size(); ++i) {
    if (i > 0) body.push_back(',');
    body.append(spans[i]);
  }
  body.push_back(']');
  const std::size_t body_size = body.size();
  body.resize(body_size + kPadding, ' ');

  codec::DecodeOptions options;
  options.input_is_padded = true;
  Result<codec::SpanList> decoded =
      codec::ReadJsonV2List(std::string_view(body.data(), body_size), options);
  if (!decoded.ok()) return Internal("corrupt stored span: " + decoded.status().message());
  if (decoded->size() != spans.size()) {
    return Internal("corrupt stored span: " + std::to_string(spans.size()) +
                    " stored objects decoded into " + std::to_string(decoded->size()) + " spans");
  }
  return decoded;
}

Result<codec::SpanList> DecodeStoredSpans(const Trace& trace) {
  std::vector<std::string_view> views(trace.begin(), trace.end());
  return DecodeStoredSpans(views);
}

std::vector<const trace::SpanRecord*> SpanPointers(const codec::SpanList& spans) {
  std::vector<const trace::SpanRecord*> pointers;
  pointers.reserve(spans.size());
  for (const trace::SpanRecordPtr& span : spans) pointers.push_back(span.get());
  return pointers;
}

}  // namespace cairn::storage
