// Stored spans: every store keeps a span as its Zipkin v2 JSON object (lib/model's encoding, the
// bytes a query returns) and gets the fields back for matching and dependency linking by decoding
// those bytes with lib/codec's JSON v2 reader, so there is one encoder and one decoder in play.
//
// Thread-safe: the functions keep no state.
#pragma once

#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/trace/span_record.h"
#include "cairn/trace/status.h"
#include "lib/codec/decode_options.h"
#include "lib/storage/span_store.h"

namespace cairn::storage {

// The bytes a store keeps for `span` (model::AppendJsonV2): what GetTrace returns for it.
std::string EncodeStoredSpan(const trace::SpanRecord& span);

// Decodes stored span objects into records, one per element and in the same order. Cost: one
// copy of the bytes into a padded "[a,b,...]" buffer and one simdjson pass.
// Errors: kInternal "corrupt stored span: <decoder message>" when an element is not a single
// valid span object (stored bytes are trusted, so this means corruption or a bug).
Result<codec::SpanList> DecodeStoredSpans(std::span<const std::string_view> spans);
Result<codec::SpanList> DecodeStoredSpans(const Trace& trace);

// Borrowed pointers to `spans`, the form the matching and linking functions take.
std::vector<const trace::SpanRecord*> SpanPointers(const codec::SpanList& spans);

}  // namespace cairn::storage
