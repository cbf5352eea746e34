// Zipkin's span normalisation (zipkin2.Span.Builder, Endpoint.Builder and the Span constructor)
// applied to a SpanRecord in place. Every decoder in lib/codec ends each span with this, so the
// rules exist once; other span sources (tests, future OTLP ingest) can call it too.
//
// Rules, in Zipkin's terms:
// - traceId and id are required: "Missing : traceId id" (names of the missing ones);
// - name and endpoint service names are lower-cased with Locale.ROOT (see text.h);
// - ipv4/ipv6 texts go through Endpoint.parseIp (ip_address.h): an unparseable one is dropped, an
//   embedded IPv4 in ipv6 moves to ipv4, both are written canonically;
// - negative timestamp or duration becomes 0 (absent);
// - parentId equal to id is removed;
// - shared is removed from CLIENT spans;
// - annotations are sorted by (timestamp, value) and exact duplicates removed;
// - tags are sorted by key, and of several tags with one key the last added wins.
// Sorting follows Java's String order (UTF-16 code units).
//
// Cost: a few comparisons for an already-normal span (the common case); re-interning only the
// strings that change.
#pragma once

#include "cairn/trace/span_record.h"
#include "cairn/trace/status.h"

namespace cairn::codec {

// Normalises `span` in place. On error (missing ids) the span is left partly normalised and must
// be discarded; the message is Zipkin's.
Status NormalizeSpan(trace::SpanRecord& span);

namespace internal {
// NormalizeSpan for lib/codec's decoders, whose endpoint IPs are already canonical (they come from
// IpText): skips re-parsing them.
Status NormalizeDecodedSpan(trace::SpanRecord& span);
}  // namespace internal

}  // namespace cairn::codec
