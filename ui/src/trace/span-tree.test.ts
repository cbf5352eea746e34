import { describe, expect, it } from 'vitest';
import type { Span } from '../model/span';
import { buildSpanTree, type SpanNode } from './span-tree';

const a = { serviceName: 'a', ipv4: '10.0.0.1' };
const b = { serviceName: 'b', ipv4: '10.0.0.2' };

function shape(node: SpanNode): unknown {
  const label = node.span ? `${node.span.id.replace(/^0+/, '')}${node.span.shared ? 's' : ''}` : '*';
  return node.children.length === 0 ? label : [label, node.children.map(shape)];
}

describe('buildSpanTree', () => {
  it('nests children under parents, ordered by timestamp', () => {
    const spans: Span[] = [
      { traceId: '1', id: '3', parentId: '1', timestamp: 30 },
      { traceId: '1', id: '1', timestamp: 10 },
      { traceId: '1', id: '4', parentId: '2', timestamp: 25 },
      { traceId: '1', id: '2', parentId: '1', timestamp: 20 },
    ];
    expect(shape(buildSpanTree(spans))).toEqual(['1', [['2', ['4']], '3']]);
  });

  it('puts a shared server under its client and local spans under the server', () => {
    const spans: Span[] = [
      { traceId: '1', id: '1', kind: 'SERVER', timestamp: 1, localEndpoint: a },
      { traceId: '1', id: '2', parentId: '1', kind: 'CLIENT', timestamp: 2, localEndpoint: a },
      { traceId: '1', id: '2', parentId: '1', kind: 'SERVER', shared: true, timestamp: 3, localEndpoint: b },
      // A local span in b whose parent id names the shared span: it belongs under b's server.
      { traceId: '1', id: '3', parentId: '2', timestamp: 4, localEndpoint: b },
    ];
    expect(shape(buildSpanTree(spans))).toEqual(['1', [['2', [['2s', ['3']]]]]]);
  });

  it('keeps two servers that answered the same client span id', () => {
    const c = { serviceName: 'c', ipv4: '10.0.0.3' };
    const spans: Span[] = [
      { traceId: '1', id: '1', kind: 'SERVER', timestamp: 1, localEndpoint: a },
      { traceId: '1', id: '2', parentId: '1', kind: 'CLIENT', timestamp: 2, localEndpoint: a },
      { traceId: '1', id: '2', parentId: '1', kind: 'SERVER', shared: true, timestamp: 3, localEndpoint: b },
      { traceId: '1', id: '2', parentId: '1', kind: 'SERVER', shared: true, timestamp: 4, localEndpoint: c },
    ];
    expect(shape(buildSpanTree(spans))).toEqual(['1', [['2', ['2s', '2s']]]]);
  });

  it('uses a synthetic root for a headless trace', () => {
    const spans: Span[] = [
      { traceId: '1', id: '2', parentId: '1', timestamp: 2 },
      { traceId: '1', id: '3', parentId: '1', timestamp: 1 },
      { traceId: '1', id: '4', parentId: '2', timestamp: 3 },
    ];
    const tree = buildSpanTree(spans);
    expect(tree.span).toBeUndefined();
    expect(shape(tree)).toEqual(['*', ['3', ['2', ['4']]]]);
    expect(tree.rootMostNodes().map((n) => n.span!.id.slice(-1))).toEqual(['3', '2']);
  });

  it('attaches spans whose parent is missing to the root', () => {
    const spans: Span[] = [
      { traceId: '1', id: '1', timestamp: 1 },
      { traceId: '1', id: '2', parentId: '9', timestamp: 2 },
    ];
    expect(shape(buildSpanTree(spans))).toEqual(['1', ['2']]);
  });

  it('loses no span to a parent cycle or a duplicate id', () => {
    const spans: Span[] = [
      { traceId: '1', id: '1', timestamp: 1 },
      { traceId: '1', id: '2', parentId: '3', timestamp: 2 },
      { traceId: '1', id: '3', parentId: '2', timestamp: 3 },
      // Same id, both unshared, different hosts: not mergeable.
      { traceId: '1', id: '4', parentId: '1', kind: 'SERVER', timestamp: 4, localEndpoint: a },
      { traceId: '1', id: '4', parentId: '1', kind: 'SERVER', timestamp: 5, localEndpoint: b },
    ];
    const tree = buildSpanTree(spans);
    expect(tree.spans()).toHaveLength(5);
  });

  it('throws on an empty trace', () => {
    expect(() => buildSpanTree([])).toThrow('Trace was empty');
  });

  it('builds a deep trace without recursion limits', () => {
    const spans: Span[] = [{ traceId: '1', id: '1', timestamp: 1 }];
    for (let i = 2; i <= 20000; i++) {
      spans.push({ traceId: '1', id: i.toString(16), parentId: (i - 1).toString(16), timestamp: i });
    }
    expect(buildSpanTree(spans).spans()).toHaveLength(20000);
  });
});
