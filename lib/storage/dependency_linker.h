// Dependency links between services, computed from traces exactly as Zipkin's
// zipkin2.internal.DependencyLinker does (zipkin-reference §2), so every store and the
// /api/v2/dependencies answer agree with Zipkin's for the same spans:
// - each trace is cleaned (fragments merged, shared client/server spans recognised) and made
//   into a tree (span_tree.h), then walked breadth-first;
// - a SERVER or CONSUMER span links its nearest remote ancestor's service (or its own remote
//   service, for a root or messaging span) to its local service; a root server without a known
//   client, or a messaging span without a broker, gives no link;
// - a CLIENT or PRODUCER span links its local service to its remote service, but a CLIENT with
//   children is skipped (the server side names the link); a span without kind that knows both
//   services counts as a CLIENT; other spans without kind are local and skipped;
// - messaging goes through the broker: producer -> broker and broker -> consumer, never a direct
//   producer -> consumer link;
// - a CLIENT whose nearest remote ancestor is another service also adds ancestor -> client;
// - errorCount counts linked spans with an "error" tag (a server span also inherits its client's
//   error when the client is its direct parent).
//
// Not thread-safe: one linker per computation.
#pragma once

#include <cstddef>
#include <span>
#include <string>
#include <unordered_map>
#include <vector>

#include "cairn/trace/span_record.h"
#include "lib/storage/span_store.h"

namespace cairn::storage {

class DependencyLinker {
 public:
  // Adds the links of one trace. All spans must share a trace id (a store that groups by the
  // lower 64 bits may pass a mixed group, as Zipkin's does); any order, duplicates allowed.
  DependencyLinker& PutTrace(std::span<const trace::SpanRecord* const> spans);

  // Links in the order each (parent, child) pair was first seen.
  std::vector<DependencyLink> Link() const { return links_; }

  // Sums links with the same (parent, child), in first-seen order (DependencyLinker.merge).
  static std::vector<DependencyLink> Merge(std::span<const DependencyLink> links);

 private:
  void AddLink(std::string_view parent, std::string_view child, bool error);

  std::vector<DependencyLink> links_;
  std::unordered_map<std::string, std::size_t> index_;  // parent + '\0' + child -> links_
};

}  // namespace cairn::storage
