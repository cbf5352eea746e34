// The service dependency graph from /api/v2/dependencies links: nodes with their incoming and
// outgoing calls and errors, edges classified by error rate against config.json's
// lowErrorRate/highErrorRate, and a layered layout (dagre) for drawing it.
import dagre from '@dagrejs/dagre';
import type { DependencyLink } from '../model/span';

export type ErrorLevel = 'none' | 'some' | 'low' | 'high';

export interface GraphEdge {
  parent: string;
  child: string;
  callCount: number;
  errorCount: number;
  errorRate: number;
  level: ErrorLevel;
}

export interface GraphNode {
  name: string;
  callsIn: number;
  callsOut: number;
  errorsIn: number;
  errorsOut: number;
}

export interface DependencyGraph {
  nodes: GraphNode[];
  edges: GraphEdge[];
}

// `some`: errors below the low threshold; `low`/`high`: at or above that threshold.
export function errorLevel(rate: number, low: number, high: number): ErrorLevel {
  if (rate <= 0) return 'none';
  if (rate >= high) return 'high';
  if (rate >= low) return 'low';
  return 'some';
}

export function buildDependencyGraph(
  links: readonly DependencyLink[],
  thresholds: { lowErrorRate: number; highErrorRate: number },
): DependencyGraph {
  const nodes = new Map<string, GraphNode>();
  const node = (name: string) => {
    let n = nodes.get(name);
    if (!n) {
      n = { name, callsIn: 0, callsOut: 0, errorsIn: 0, errorsOut: 0 };
      nodes.set(name, n);
    }
    return n;
  };
  const edges = new Map<string, GraphEdge>();
  for (const link of links) {
    const errors = link.errorCount ?? 0;
    const key = `${link.parent}\u0000${link.child}`;
    const edge = edges.get(key) ?? {
      parent: link.parent,
      child: link.child,
      callCount: 0,
      errorCount: 0,
      errorRate: 0,
      level: 'none' as ErrorLevel,
    };
    edge.callCount += link.callCount;
    edge.errorCount += errors;
    edges.set(key, edge);
    node(link.parent).callsOut += link.callCount;
    node(link.parent).errorsOut += errors;
    node(link.child).callsIn += link.callCount;
    node(link.child).errorsIn += errors;
  }
  for (const edge of edges.values()) {
    edge.errorRate = edge.callCount > 0 ? edge.errorCount / edge.callCount : 0;
    edge.level = errorLevel(edge.errorRate, thresholds.lowErrorRate, thresholds.highErrorRate);
  }
  return {
    nodes: [...nodes.values()].sort((a, b) => (a.name < b.name ? -1 : 1)),
    edges: [...edges.values()],
  };
}

export interface PositionedNode extends GraphNode {
  x: number; // centre
  y: number;
  width: number;
  height: number;
}

export interface PositionedEdge extends GraphEdge {
  points: Array<{ x: number; y: number }>;
  labelX: number;
  labelY: number;
}

export interface GraphLayout {
  width: number;
  height: number;
  nodes: PositionedNode[];
  edges: PositionedEdge[];
}

// Left-to-right layers: callers left of the services they call.
export function layoutGraph(graph: DependencyGraph, charWidth = 7.5): GraphLayout {
  const g = new dagre.graphlib.Graph({ multigraph: false });
  g.setGraph({ rankdir: 'LR', nodesep: 28, ranksep: 110, marginx: 20, marginy: 20 });
  g.setDefaultEdgeLabel(() => ({}));
  for (const n of graph.nodes) {
    g.setNode(n.name, { width: Math.max(90, n.name.length * charWidth + 28), height: 36 });
  }
  for (const e of graph.edges) {
    if (e.parent === e.child) continue; // a self-call has no useful line in a layered drawing
    g.setEdge(e.parent, e.child, { width: 60, height: 16, labelpos: 'c' });
  }
  dagre.layout(g);
  const info = g.graph();
  return {
    width: Math.ceil(info.width ?? 0),
    height: Math.ceil(info.height ?? 0),
    nodes: graph.nodes.map((n) => {
      const p = g.node(n.name);
      return { ...n, x: p.x, y: p.y, width: p.width, height: p.height };
    }),
    edges: graph.edges
      .filter((e) => e.parent !== e.child)
      .map((e) => {
        const p = g.edge(e.parent, e.child);
        return {
          ...e,
          points: p.points ?? [],
          labelX: p.x ?? 0,
          labelY: p.y ?? 0,
        };
      }),
  };
}
