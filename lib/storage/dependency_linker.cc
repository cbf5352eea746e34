#include "lib/storage/dependency_linker.h"

#include <string_view>

#include "lib/storage/span_tree.h"

namespace cairn::storage {
namespace {

using internal::LinkSpan;
using internal::SpanTree;
using trace::SpanKind;

// DependencyLinker.firstRemoteAncestor: the nearest ancestor with a kind, skipping local spans.
const LinkSpan* FirstRemoteAncestor(const SpanTree& tree, int node) {
  int ancestor = tree.nodes[node].parent;
  // Bounded walk: hostile input could make parent pointers loop.
  for (std::size_t steps = 0; ancestor != SpanTree::kNone && steps < tree.nodes.size(); ++steps) {
    const SpanTree::Node& current = tree.nodes[ancestor];
    if (current.span != SpanTree::kNone &&
        tree.spans[current.span].kind != SpanKind::kUnspecified) {
      return &tree.spans[current.span];
    }
    ancestor = current.parent;
  }
  return nullptr;
}

std::string LinkKey(std::string_view parent, std::string_view child) {
  std::string key;
  key.reserve(parent.size() + child.size() + 1);
  key.append(parent).push_back('\0');
  key.append(child);
  return key;
}

}  // namespace

DependencyLinker& DependencyLinker::PutTrace(std::span<const trace::SpanRecord* const> spans) {
  if (spans.empty()) return *this;
  const SpanTree tree = internal::BuildSpanTree(spans);
  for (int node : tree.BreadthFirst()) {
    const LinkSpan& span = tree.spans[tree.nodes[node].span];
    SpanKind kind = span.kind;
    // When linking to a client span, prefer the server's name; without children, use the
    // name the client chose.
    if (kind == SpanKind::kClient && !tree.nodes[node].children.empty()) continue;

    std::string_view service = span.local.service_name;
    std::string_view remote_service = span.remote_service_name;
    if (kind == SpanKind::kUnspecified) {
      if (service.empty() || remote_service.empty()) continue;  // a local span
      kind = SpanKind::kClient;
    }

    std::string_view parent;
    std::string_view child;
    if (kind == SpanKind::kServer || kind == SpanKind::kConsumer) {
      child = service;
      parent = remote_service;
      if (node == tree.root && parent.empty()) continue;  // root's client is unknown
    } else {
      parent = service;
      child = remote_service;
    }

    bool error = span.error;
    if (kind == SpanKind::kProducer || kind == SpanKind::kConsumer) {
      if (!parent.empty() && !child.empty()) AddLink(parent, child, error);
      continue;  // messaging links only through the broker
    }

    // Local spans may sit between this span and its remote parent.
    const LinkSpan* ancestor = FirstRemoteAncestor(tree, node);
    if (ancestor != nullptr && !ancestor->local.service_name.empty()) {
      std::string_view ancestor_name = ancestor->local.service_name;
      // Some put the remote service name on client spans: backfill the link from the nearest
      // remote ancestor to this client's service (its error state is unknown).
      if (kind == SpanKind::kClient && !service.empty() && ancestor_name != service) {
        AddLink(ancestor_name, service, false);
      }
      if (kind == SpanKind::kServer || parent.empty()) parent = ancestor_name;
      // An RPC split into client and server spans links once, at the server: take the client's
      // error when the client is the direct parent.
      if (!error && ancestor->kind == SpanKind::kClient && span.parent_id != 0 &&
          span.parent_id == ancestor->id) {
        error = ancestor->error;
      }
    }
    if (parent.empty() || child.empty()) continue;
    AddLink(parent, child, error);
  }
  return *this;
}

void DependencyLinker::AddLink(std::string_view parent, std::string_view child, bool error) {
  auto [found, inserted] = index_.try_emplace(LinkKey(parent, child), links_.size());
  if (inserted) links_.push_back({std::string(parent), std::string(child), 0, 0});
  DependencyLink& link = links_[found->second];
  ++link.call_count;
  if (error) ++link.error_count;
}

std::vector<DependencyLink> DependencyLinker::Merge(std::span<const DependencyLink> links) {
  std::vector<DependencyLink> merged;
  std::unordered_map<std::string, std::size_t> index;
  for (const DependencyLink& link : links) {
    auto [found, inserted] = index.try_emplace(LinkKey(link.parent, link.child), merged.size());
    if (inserted) merged.push_back({link.parent, link.child, 0, 0});
    merged[found->second].call_count += link.call_count;
    merged[found->second].error_count += link.error_count;
  }
  return merged;
}

}  // namespace cairn::storage
