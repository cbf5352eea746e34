// The trace tree (Zipkin's SpanNode, Lens span-node.js). Spans are merged first
// (span-cleaner.ts); then each span is placed under its parent, with two twists from B3's shared
// span ids: a shared server span is the child of the client span with the same id, and a local
// span under that server is the child of the server, not of the client. Spans whose parent is
// missing (depth-first reporting, lost spans) hang under the root; when there is no root span a
// synthetic node without a span is the root.
//
// Unlike Lens, no span is ever lost: two unshared spans with one id, or parent cycles from bad
// data, end up under the root instead of outside the tree.
import type { CleanSpan, Endpoint, Span } from '../model/span';
import { compareOptional, mergeV2ById } from './span-cleaner';

export class SpanNode {
  parent: SpanNode | undefined = undefined;
  readonly children: SpanNode[] = [];

  // `span` is undefined only for a synthetic root.
  constructor(public span: CleanSpan | undefined) {}

  addChild(child: SpanNode): void {
    if (child === this) throw new Error(`circular dependency on span ${this.span?.id}`);
    child.parent = this;
    this.children.push(child);
  }

  // The top-most nodes with a span: this one, or the children of a synthetic root.
  rootMostNodes(): SpanNode[] {
    return this.span ? [this] : this.children.slice();
  }

  // Every span of the tree, breadth-first.
  spans(): CleanSpan[] {
    const out: CleanSpan[] = [];
    const queue = this.rootMostNodes();
    for (let i = 0; i < queue.length; i++) {
      const node = queue[i];
      if (node.span) out.push(node.span);
      for (const child of node.children) queue.push(child);
    }
    return out;
  }
}

function endpointKey(endpoint: Endpoint | undefined): string {
  if (!endpoint) return 'x';
  return `${endpoint.serviceName ?? ''}|${endpoint.ipv4 ?? ''}|${endpoint.ipv6 ?? ''}|${endpoint.port ?? ''}`;
}

// The key of a span: its id, qualified by endpoint when it is a shared server span (several servers
// may answer one client span id).
function keyOf(id: string, shared: boolean, endpoint?: Endpoint): string {
  return shared ? `${id}-${endpointKey(endpoint)}` : id;
}

function byTimestamp(a: SpanNode, b: SpanNode): number {
  return compareOptional(a.span?.timestamp, b.span?.timestamp);
}

// Builds the tree of one trace's spans. Throws on an empty list.
export function buildSpanTree(spans: readonly Span[]): SpanNode {
  if (spans.length === 0) throw new Error('Trace was empty');
  const cleaned = mergeV2ById(spans);

  // Index: span key -> key of its parent.
  const spanToParent = new Map<string, string | undefined>();
  for (const span of cleaned) {
    if (span.shared) {
      // The parent of a server span is its client, which one id names unambiguously.
      spanToParent.set(keyOf(span.id, true, span.localEndpoint), span.id);
    } else {
      spanToParent.set(span.id, span.parentId);
    }
  }

  let root: SpanNode | undefined;
  const keyToNode = new Map<string, SpanNode>();
  const allNodes: SpanNode[] = [];
  for (const span of cleaned) {
    const endpoint = span.localEndpoint;
    const shared = !!span.shared;
    const key = keyOf(span.id, shared, endpoint);
    const noEndpointKey = endpoint ? keyOf(span.id, shared) : key;

    let parent: string | undefined;
    if (shared) {
      parent = span.id;
    } else if (span.parentId) {
      // Most specific first: the child of a shared server span on the same endpoint.
      parent = keyOf(span.parentId, true, endpoint);
      if (spanToParent.has(parent)) {
        spanToParent.set(noEndpointKey, parent);
      } else {
        parent = span.parentId;
      }
    }

    const node = new SpanNode(span);
    allNodes.push(node);
    if (!parent && !root) {
      // The first root is the root; later parentless spans are attached to it.
      root = node;
      spanToParent.delete(noEndpointKey);
    } else if (shared) {
      // Addressable both ways, in case local spans below lack endpoint data.
      keyToNode.set(key, node);
      keyToNode.set(noEndpointKey, node);
    } else {
      keyToNode.set(noEndpointKey, node);
    }
  }
  const top = root ?? new SpanNode(undefined);

  for (const [key, parentKey] of spanToParent) {
    const child = keyToNode.get(key);
    if (!child || child.parent || child === top) continue;
    const parent = parentKey === undefined ? undefined : keyToNode.get(parentKey);
    if (parent && parent !== child) {
      parent.addChild(child);
    } else {
      top.addChild(child);
    }
  }
  adoptUnreachable(top, allNodes);
  sortChildrenByTimestamp(top);
  return top;
}

// Attaches to `top` every node the tree does not reach: nodes never placed (duplicate keys) and
// nodes in parent cycles (bad data).
function adoptUnreachable(top: SpanNode, allNodes: SpanNode[]): void {
  const reached = new Set<SpanNode>();
  const mark = (from: SpanNode) => {
    const stack = [from];
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (reached.has(node)) continue;
      reached.add(node);
      for (const child of node.children) stack.push(child);
    }
  };
  mark(top);
  for (const node of allNodes) {
    if (reached.has(node)) continue;
    if (node.parent) {
      const siblings = node.parent.children;
      siblings.splice(siblings.indexOf(node), 1);
    }
    top.addChild(node);
    mark(node);
  }
}

function sortChildrenByTimestamp(top: SpanNode): void {
  const stack = [top];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.children.length > 1) node.children.sort(byTimestamp);
    for (const child of node.children) stack.push(child);
  }
}
