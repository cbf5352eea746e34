import { describe, expect, it } from 'vitest';
import { buildDependencyGraph, errorLevel, layoutGraph } from './graph';

const thresholds = { lowErrorRate: 0.5, highErrorRate: 0.75 };

describe('dependency graph', () => {
  const graph = buildDependencyGraph(
    [
      { parent: 'edge', child: 'accounts', callCount: 100 },
      { parent: 'accounts', child: 'quotes', callCount: 100, errorCount: 80 },
      { parent: 'accounts', child: 'images', callCount: 100, errorCount: 3 },
      { parent: 'accounts', child: 'images', callCount: 20, errorCount: 0 },
    ],
    thresholds,
  );

  it('sums calls and errors per service and link, and classifies error rates', () => {
    expect(graph.nodes.map((n) => [n.name, n.callsIn, n.callsOut, n.errorsIn])).toEqual([
      ['accounts', 100, 220, 0],
      ['edge', 0, 100, 0],
      ['images', 120, 0, 3],
      ['quotes', 100, 0, 80],
    ]);
    const levels = Object.fromEntries(graph.edges.map((e) => [e.child, e.level]));
    expect(levels).toEqual({ accounts: 'none', quotes: 'high', images: 'some' });
    expect(errorLevel(0.5, 0.5, 0.75)).toBe('low');
  });

  it('lays callers out left of the services they call', () => {
    const layout = layoutGraph(graph);
    const x = Object.fromEntries(layout.nodes.map((n) => [n.name, n.x]));
    expect(x.edge).toBeLessThan(x.accounts);
    expect(x.accounts).toBeLessThan(x.quotes);
    expect(layout.edges.every((e) => e.points.length >= 2)).toBe(true);
    expect(layout.width).toBeGreaterThan(0);
  });
});
