#include "lib/storage/span_tree.h"

#include <algorithm>
#include <cstddef>
#include <deque>
#include <functional>
#include <optional>
#include <unordered_map>

#include "lib/codec/text.h"

namespace cairn::storage::internal {
namespace {

using trace::SpanKind;

LinkSpan ToLinkSpan(const trace::SpanRecord& record) {
  LinkSpan span;
  span.id = record.id;
  span.parent_id = record.parent_id;
  span.kind = record.kind;
  span.shared = record.shared;
  span.error = record.FindTag("error") != nullptr;
  span.local = {record.local_endpoint.service_name, record.local_endpoint.ipv4,
                record.local_endpoint.ipv6, record.local_endpoint.port};
  span.remote_service_name = record.remote_endpoint.service_name;
  return span;
}

// Trace.compareShared: client spans first, shared (server) spans last.
int SharedRank(const LinkSpan& span) {
  if (span.shared) return 2;
  return span.kind == SpanKind::kClient ? 0 : 1;
}

// Trace.nullSafeCompareTo: absent (empty) values sort last.
int CompareNullsLast(std::string_view left, std::string_view right) {
  if (left.empty()) return right.empty() ? 0 : 1;
  if (right.empty()) return -1;
  return codec::CompareUtf16(left, right);
}

// Trace.compareEndpoint: absent endpoints first, then service name, ipv4, ipv6.
int CompareEndpoint(const LinkEndpoint& left, const LinkEndpoint& right) {
  if (left.IsEmpty()) return right.IsEmpty() ? 0 : -1;
  if (right.IsEmpty()) return 1;
  if (int by = CompareNullsLast(left.service_name, right.service_name); by != 0) return by;
  if (int by = CompareNullsLast(left.ipv4, right.ipv4); by != 0) return by;
  return CompareNullsLast(left.ipv6, right.ipv6);
}

// Trace.CLEANUP_COMPARATOR (span ids are fixed-width hex in Zipkin, so numeric order is the same).
bool CleanupLess(const LinkSpan& left, const LinkSpan& right) {
  if (left.id != right.id) return left.id < right.id;
  int left_rank = SharedRank(left);
  int right_rank = SharedRank(right);
  if (left_rank != right_rank) return left_rank < right_rank;
  return CompareEndpoint(left.local, right.local) < 0;
}

// Trace.EndpointTracker: whether fragments' endpoints can belong to the same host.
class EndpointTracker {
 public:
  bool TryMerge(const LinkEndpoint& endpoint) {
    if (endpoint.IsEmpty()) return true;
    if (Conflicts(merged_.service_name, endpoint.service_name) ||
        Conflicts(merged_.ipv4, endpoint.ipv4) || Conflicts(merged_.ipv6, endpoint.ipv6) ||
        (merged_.port != 0 && endpoint.port != 0 && merged_.port != endpoint.port)) {
      return false;
    }
    Fill(merged_, endpoint);
    return true;
  }

  static void Fill(LinkEndpoint& into, const LinkEndpoint& from) {
    if (into.service_name.empty()) into.service_name = from.service_name;
    if (into.ipv4.empty()) into.ipv4 = from.ipv4;
    if (into.ipv6.empty()) into.ipv6 = from.ipv6;
    if (into.port == 0) into.port = from.port;
  }

 private:
  static bool Conflicts(std::string_view mine, std::string_view theirs) {
    return !mine.empty() && !theirs.empty() && mine != theirs;
  }
  LinkEndpoint merged_;
};

// Span.Builder.merge followed by build(): fill what `into` lacks from `from`.
void MergeFragment(LinkSpan& into, const LinkSpan& from) {
  if (into.parent_id == 0) into.parent_id = from.parent_id;
  if (into.kind == SpanKind::kUnspecified) into.kind = from.kind;
  EndpointTracker::Fill(into.local, from.local);
  if (into.remote_service_name.empty()) into.remote_service_name = from.remote_service_name;
  into.error = into.error || from.error;
  into.shared = into.shared || from.shared;
  if (into.shared && into.kind == SpanKind::kClient) into.shared = false;
  if (into.parent_id == into.id) into.parent_id = 0;
}

// SpanNode keys: a plain span id, or (id, local endpoint) for shared spans.
struct Key {
  bool shared = false;
  trace::SpanId id = 0;
  LinkEndpoint endpoint;  // shared keys only; empty when absent

  friend bool operator==(const Key&, const Key&) = default;
};

Key PlainKey(trace::SpanId id) { return Key{false, id, {}}; }
Key CreateKey(trace::SpanId id, bool shared, const LinkEndpoint& endpoint) {
  return shared ? Key{true, id, endpoint} : PlainKey(id);
}

struct KeyHash {
  std::size_t operator()(const Key& key) const {
    std::hash<std::string_view> text;
    std::size_t h = std::hash<std::uint64_t>()(key.id) ^ (key.shared ? 0x9e3779b97f4a7c15ULL : 0);
    if (key.shared) {
      h = h * 31 + text(key.endpoint.service_name);
      h = h * 31 + text(key.endpoint.ipv4);
      h = h * 31 + text(key.endpoint.ipv6);
      h = h * 31 + key.endpoint.port;
    }
    return h;
  }
};

// SpanNode.Builder.spanToParent, a LinkedHashMap: insertion order decides child order, hence
// the breadth-first order and the order links are first counted in.
class OrderedParents {
 public:
  void Put(const Key& key, std::optional<Key> parent) {
    auto found = index_.find(key);
    if (found != index_.end()) {
      entries_[found->second].parent = std::move(parent);
      return;
    }
    index_.emplace(key, entries_.size());
    entries_.push_back({key, std::move(parent), true});
  }
  bool Contains(const Key& key) const { return index_.count(key) != 0; }
  void Remove(const Key& key) {
    auto found = index_.find(key);
    if (found == index_.end()) return;
    entries_[found->second].alive = false;
    index_.erase(found);
  }
  template <typename F>
  void ForEach(F&& visit) const {
    for (const Entry& entry : entries_) {
      if (entry.alive) visit(entry.key, entry.parent);
    }
  }

 private:
  struct Entry {
    Key key;
    std::optional<Key> parent;
    bool alive = true;
  };
  std::vector<Entry> entries_;
  std::unordered_map<Key, std::size_t, KeyHash> index_;
};

void AddChild(SpanTree& tree, int parent, int child) {
  if (parent == child) return;  // Zipkin throws "circular dependency"
  tree.nodes[parent].children.push_back(child);
  tree.nodes[child].parent = parent;
}

}  // namespace

std::vector<LinkSpan> MergeTrace(std::span<const trace::SpanRecord* const> spans) {
  std::vector<LinkSpan> sorted;
  sorted.reserve(spans.size());
  for (const trace::SpanRecord* span : spans) sorted.push_back(ToLinkSpan(*span));
  if (sorted.size() <= 1) return sorted;
  std::stable_sort(sorted.begin(), sorted.end(), CleanupLess);

  std::vector<LinkSpan> result;
  result.reserve(sorted.size());
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    LinkSpan span = sorted[i];
    const bool span_shared = span.shared;
    std::optional<EndpointTracker> local;
    while (i + 1 < sorted.size() && sorted[i + 1].id == span.id) {
      const LinkSpan& next = sorted[i + 1];
      if (!local) {
        local.emplace();
        local->TryMerge(span.local);
      }
      // Cautiously merge with the next span when it looks like a fragment of this one.
      if (span_shared != next.shared || !local->TryMerge(next.local)) break;
      MergeFragment(span, next);
      ++i;
    }
    // Client and server once shared ids without the shared flag; the trace is sorted client
    // first, so a SERVER right after its CLIENT can be corrected.
    if (!result.empty() && result.back().id == span.id) {
      const LinkSpan& last = result.back();
      if (last.kind == SpanKind::kClient && span.kind == SpanKind::kServer && !span.shared) {
        span.shared = true;
      }
      if (span.shared && span.parent_id == 0 && last.parent_id != 0) {
        span.parent_id = last.parent_id;
      }
    }
    result.push_back(span);
  }
  return result;
}

std::vector<int> SpanTree::BreadthFirst() const {
  std::vector<int> order;
  if (root == kNone) return order;
  std::vector<bool> visited(nodes.size(), false);
  std::deque<int> queue;
  if (nodes[root].span == kNone) {
    queue.insert(queue.end(), nodes[root].children.begin(), nodes[root].children.end());
  } else {
    queue.push_back(root);
  }
  while (!queue.empty()) {
    int node = queue.front();
    queue.pop_front();
    if (visited[node]) continue;  // only hostile input revisits a node
    visited[node] = true;
    order.push_back(node);
    queue.insert(queue.end(), nodes[node].children.begin(), nodes[node].children.end());
  }
  return order;
}

SpanTree BuildSpanTree(std::span<const trace::SpanRecord* const> spans) {
  SpanTree tree;
  tree.spans = MergeTrace(spans);
  if (tree.spans.empty()) return tree;

  // Index: a shared span is keyed by its endpoint too, as several servers may (wrongly) share
  // one client's id; its parent is the client with the same id.
  OrderedParents span_to_parent;
  for (const LinkSpan& span : tree.spans) {
    if (span.shared) {
      span_to_parent.Put(CreateKey(span.id, true, span.local), PlainKey(span.id));
    } else {
      std::optional<Key> parent;
      if (span.parent_id != 0) parent = PlainKey(span.parent_id);
      span_to_parent.Put(PlainKey(span.id), parent);
    }
  }

  // Process: place each span, preferring a shared parent on the same endpoint.
  const int span_count = static_cast<int>(tree.spans.size());
  tree.nodes.resize(tree.spans.size());
  std::unordered_map<Key, int, KeyHash> key_to_node;
  for (int i = 0; i < span_count; ++i) {
    const LinkSpan& span = tree.spans[i];
    tree.nodes[i].span = i;
    Key key = CreateKey(span.id, span.shared, span.local);
    Key no_endpoint_key = span.local.IsEmpty() ? key : CreateKey(span.id, span.shared, {});
    std::optional<Key> parent;
    if (span.shared) {
      parent = PlainKey(span.id);
    } else if (span.parent_id != 0) {
      Key shared_parent = CreateKey(span.parent_id, true, span.local);
      if (span_to_parent.Contains(shared_parent)) {
        span_to_parent.Put(no_endpoint_key, shared_parent);
        parent = shared_parent;
      } else {
        parent = PlainKey(span.parent_id);
      }
    }
    if (!parent && tree.root == SpanTree::kNone) {
      tree.root = i;  // the first root is the real one; other roots hang off it
      span_to_parent.Remove(no_endpoint_key);
    } else if (span.shared) {
      key_to_node[key] = i;
      key_to_node[no_endpoint_key] = i;
    } else {
      key_to_node[no_endpoint_key] = i;
    }
  }
  if (tree.root == SpanTree::kNone) {
    tree.root = span_count;
    tree.nodes.emplace_back();  // synthetic root for a headless trace
  }

  span_to_parent.ForEach([&](const Key& key, const std::optional<Key>& parent) {
    auto child = key_to_node.find(key);
    if (child == key_to_node.end()) return;
    int parent_node = tree.root;
    if (parent) {
      auto found = key_to_node.find(*parent);
      if (found != key_to_node.end()) parent_node = found->second;
    }
    AddChild(tree, parent_node, child->second);
  });
  return tree;
}

}  // namespace cairn::storage::internal
