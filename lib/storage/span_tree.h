// Internal to the dependency linker: Zipkin's trace clean-up and tree building, ported from
// openzipkin/zipkin zipkin2.internal.Trace.merge and zipkin2.internal.SpanNode.Builder, over the
// few span fields linking needs.
//
// MergeTrace (Trace.merge): sorts spans by (id, shared last / client first, local endpoint with
// absent endpoints first), merges adjacent fragments of one span (same id and shared flag,
// compatible local endpoints) by filling absent fields, backfills a missing shared flag on a
// SERVER span that follows a CLIENT span with the same id, and gives a shared span without a
// parent the parent of the span before it with the same id.
//
// BuildSpanTree (SpanNode.Builder.build): indexes spans by id, or (id, local endpoint) when
// shared, so a server sharing its client's id becomes the client's child; the first span without
// a parent is the root, other spans whose parent is unknown hang off the root (a synthetic root
// when no span is a root). Deviation: cycles in hostile input (Zipkin would loop) are cut.
#pragma once

#include <cstdint>
#include <span>
#include <string_view>
#include <vector>

#include "cairn/trace/span_record.h"

namespace cairn::storage::internal {

struct LinkEndpoint {
  std::string_view service_name;  // empty: absent
  std::string_view ipv4;
  std::string_view ipv6;
  std::uint16_t port = 0;

  bool IsEmpty() const { return service_name.empty() && ipv4.empty() && ipv6.empty() && port == 0; }
  friend bool operator==(const LinkEndpoint&, const LinkEndpoint&) = default;
};

// What linking reads of a span. Views point into the records given to MergeTrace.
struct LinkSpan {
  trace::SpanId id = 0;
  trace::SpanId parent_id = 0;  // 0: absent
  trace::SpanKind kind = trace::SpanKind::kUnspecified;
  bool shared = false;
  bool error = false;  // has a tag with key "error"
  LinkEndpoint local;
  std::string_view remote_service_name;
};

std::vector<LinkSpan> MergeTrace(std::span<const trace::SpanRecord* const> spans);

struct SpanTree {
  static constexpr int kNone = -1;
  struct Node {
    int span = kNone;  // index into spans, kNone for the synthetic root
    int parent = kNone;
    std::vector<int> children;
  };
  std::vector<LinkSpan> spans;  // merged
  std::vector<Node> nodes;
  int root = kNone;  // kNone only when there are no spans

  // Nodes breadth-first from the root; a synthetic root itself is left out.
  std::vector<int> BreadthFirst() const;
};

// All spans must belong to one trace. Empty input gives an empty tree.
SpanTree BuildSpanTree(std::span<const trace::SpanRecord* const> spans);

}  // namespace cairn::storage::internal
