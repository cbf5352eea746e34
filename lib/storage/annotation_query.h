// The annotationQuery parameter of GET /api/v2/traces, parsed exactly as Zipkin's
// QueryRequest.Builder.parseAnnotationQuery does (zipkin-reference §1.3):
// - the text is split on the literal " and " into at most 100 pieces (the 100th keeps the rest);
// - a piece with '=' is a tag term: key and value are the text before and after the first '=',
//   each trimmed (Java String.trim: characters <= U+0020); a later term with the same key
//   replaces the earlier one's value but keeps its position;
// - a piece without '=' is trimmed and becomes a bare term (an annotation value or a tag key),
//   unless a term with that key already exists (a bare key never overrides key=value);
// - "key=" (empty value) is stored as a bare term, which is how Zipkin's test treats it.
// Zipkin keeps an empty key ("" from "a and  and b" or a trailing " and "); so does this, and such
// a term only matches an empty annotation value or tag key.
//
// Thread-safe: the functions keep no state.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "lib/storage/span_store.h"

namespace cairn::storage {

// Terms in first-appearance order; empty for empty text.
std::vector<QueryRequest::Term> ParseAnnotationQuery(std::string_view text);

// QueryRequest.annotationQueryString: terms joined with " and ", bare terms as the key alone,
// terms with an empty key skipped. Empty when there is nothing to show.
std::string FormatAnnotationQuery(const std::vector<QueryRequest::Term>& terms);

}  // namespace cairn::storage
