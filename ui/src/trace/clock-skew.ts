// Clock-skew correction as Zipkin Lens does it (clock-skew.js, after Zipkin 1.x's server-side
// CorrectForClockSkew). Skew is only detectable across an RPC: a SERVER span whose CLIENT parent
// is on another host and which appears to start before its client. The server's host clock is then
// shifted (assuming symmetric network latency, or by the least amount when only one side has a
// duration), and the shift applies to every descendant on that host.
import type { CleanSpan, Endpoint } from '../model/span';
import { buildSpanTree, SpanNode } from './span-tree';
import type { Span } from '../model/span';

export interface ClockSkew {
  endpoint: Endpoint;
  skew: number; // microseconds to subtract from the host's timestamps
}

export function ipsMatch(a: Endpoint | undefined, b: Endpoint | undefined): boolean {
  if (!a || !b) return false;
  if (a.ipv6 && b.ipv6 && a.ipv6 === b.ipv6) return true;
  if (!a.ipv4 && !b.ipv4) return false;
  return a.ipv4 === b.ipv4;
}

function adjustTimestamps(span: CleanSpan, skew: ClockSkew): CleanSpan {
  if (!ipsMatch(skew.endpoint, span.localEndpoint)) return span;
  const result: CleanSpan = { ...span };
  if (span.timestamp) result.timestamp = span.timestamp - skew.skew;
  result.annotations = span.annotations.map((a) => ({
    timestamp: a.timestamp - skew.skew,
    value: a.value,
  }));
  return result;
}

// The skew of `node`'s host relative to its parent's, or undefined when none can be seen.
export function clockSkewOf(node: SpanNode): ClockSkew | undefined {
  const parent = node.parent?.span;
  const child = node.span;
  if (!parent || !child) return undefined;
  if (parent.kind !== 'CLIENT' || child.kind !== 'SERVER') return undefined;

  const clientTimestamp = parent.timestamp;
  const serverTimestamp = child.timestamp;
  if (!clientTimestamp || !serverTimestamp) return undefined;
  // Skew shows when the server starts before its client.
  if (serverTimestamp > clientTimestamp) return undefined;

  const server = child.localEndpoint;
  const client = parent.localEndpoint;
  if (!server || !client) return undefined;
  // A call to the same host has no skew.
  if (ipsMatch(server, client)) return undefined;

  const clientDuration = parent.duration;
  const serverDuration = child.duration;
  if (!clientDuration || !serverDuration) {
    const latency = serverTimestamp - clientTimestamp;
    if (latency > 0) return undefined;
    // Nothing better to go on than pushing client and server apart by the minimum (1µs).
    return { endpoint: server, skew: latency - 1 };
  }
  // The client finished before the server (asynchronous): the server still started after it.
  if (clientDuration < serverDuration) {
    return { endpoint: server, skew: serverTimestamp - clientTimestamp - 1 };
  }
  // Assume the network latency is half the difference of the two durations, both ways.
  const latency = (clientDuration - serverDuration) / 2;
  const skew = serverTimestamp - latency - clientTimestamp;
  return skew !== 0 ? { endpoint: server, skew } : undefined;
}

// Adjusts `root`'s tree in place. Iterative, so a deep trace cannot overflow the stack.
export function correctClockSkew(root: SpanNode): SpanNode {
  if (!root.span) return root; // no root span: nothing to anchor the correction on
  // Several real roots (spans without parent directly under the root): leave them alone.
  for (const child of root.children) {
    if (child.span && !child.span.parentId && !child.span.shared) return root;
  }
  const stack: Array<[SpanNode, ClockSkew | undefined]> = [[root, undefined]];
  while (stack.length > 0) {
    const [node, fromParent] = stack.pop()!;
    if (fromParent && node.span) node.span = adjustTimestamps(node.span, fromParent);
    let skew = clockSkewOf(node);
    if (skew && node.span) {
      node.span = adjustTimestamps(node.span, skew);
    } else {
      // Same host as the parent, presumably: its skew carries on.
      skew = fromParent;
    }
    for (let i = node.children.length - 1; i >= 0; i--) stack.push([node.children[i], skew]);
  }
  return root;
}

// The trace tree of `spans`, corrected for clock skew.
export function treeCorrectedForClockSkew(spans: readonly Span[]): SpanNode {
  return correctClockSkew(buildSpanTree(spans));
}
