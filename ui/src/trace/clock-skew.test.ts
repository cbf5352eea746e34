import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { CleanSpan, Span } from '../model/span';
import { clockSkewOf, ipsMatch, treeCorrectedForClockSkew } from './clock-skew';
import { SpanNode } from './span-tree';

const frontend = { serviceName: 'frontend', ipv4: '192.168.99.101', port: 9000 };
const backend = { serviceName: 'backend', ipv4: '192.168.99.102', port: 9000 };

function byId(tree: SpanNode): Map<string, CleanSpan> {
  const out = new Map<string, CleanSpan>();
  const stack = [tree];
  while (stack.length > 0) {
    const node = stack.pop()!;
    if (node.span) out.set(`${node.span.id.replace(/^0+/, '')}/${node.span.kind ?? ''}`, node.span);
    stack.push(...node.children);
  }
  return out;
}

function pair(client: Partial<Span>, server: Partial<Span>): SpanNode {
  const parent = new SpanNode({
    traceId: '1',
    id: '1',
    kind: 'CLIENT',
    localEndpoint: frontend,
    annotations: [],
    tags: {},
    ...client,
  } as CleanSpan);
  const child = new SpanNode({
    traceId: '1',
    id: '2',
    parentId: '1',
    kind: 'SERVER',
    localEndpoint: backend,
    annotations: [],
    tags: {},
    ...server,
  } as CleanSpan);
  parent.addChild(child);
  return child;
}

describe('ipsMatch', () => {
  it('compares ipv6 first, then ipv4, and never matches without addresses', () => {
    expect(ipsMatch({ ipv6: '::1' }, { ipv6: '::1', ipv4: '1.2.3.4' })).toBe(true);
    expect(ipsMatch({ ipv4: '1.2.3.4' }, { ipv4: '1.2.3.4' })).toBe(true);
    expect(ipsMatch({ ipv4: '1.2.3.4' }, { ipv4: '1.2.3.5' })).toBe(false);
    expect(ipsMatch({ serviceName: 'a' }, { serviceName: 'a' })).toBe(false);
    expect(ipsMatch(undefined, { ipv4: '1.2.3.4' })).toBe(false);
  });
});

describe('clockSkewOf', () => {
  it('assumes symmetric latency when both sides have durations', () => {
    // Client 20..120 (100µs), server seen at 1..81: latency (100-80)/2 = 10, so the server really
    // started at 30; skew = 1 - 10 - 20 = -29.
    const skew = clockSkewOf(pair({ timestamp: 20, duration: 100 }, { timestamp: 1, duration: 80 }));
    expect(skew).toEqual({ endpoint: backend, skew: -29 });
  });

  it('moves a one-way server just after its client', () => {
    const skew = clockSkewOf(pair({ timestamp: 20 }, { timestamp: 5, duration: 10 }));
    expect(skew?.skew).toBe(-16);
  });

  it('moves an asynchronous server (longer than its client) just after the client', () => {
    const skew = clockSkewOf(pair({ timestamp: 20, duration: 5 }, { timestamp: 10, duration: 50 }));
    expect(skew?.skew).toBe(-11);
  });

  it('sees no skew when the server starts after the client, on the same host, or for non-RPC', () => {
    expect(clockSkewOf(pair({ timestamp: 20, duration: 100 }, { timestamp: 30, duration: 80 })))
      .toBeUndefined();
    expect(
      clockSkewOf(
        pair({ timestamp: 20, duration: 100 }, { timestamp: 1, duration: 80, localEndpoint: frontend }),
      ),
    ).toBeUndefined();
    expect(
      clockSkewOf(pair({ timestamp: 20, duration: 100, kind: 'PRODUCER' }, { timestamp: 1, duration: 80 })),
    ).toBeUndefined();
  });
});

describe('treeCorrectedForClockSkew', () => {
  // A server whose clock runs 65,922µs behind its client's (the shape of Lens's skew.json).
  const skewed: Span[] = [
    { traceId: 'a', id: '1', kind: 'SERVER', name: 'get', timestamp: 1_000_070_000, duration: 100_000, localEndpoint: frontend },
    { traceId: 'a', id: '2', parentId: '1', kind: 'CLIENT', name: 'post', timestamp: 1_000_074_000, duration: 94_000, localEndpoint: frontend },
    { traceId: 'a', id: '2', parentId: '1', kind: 'SERVER', name: 'post', shared: true, timestamp: 1_000_008_000, duration: 93_000, localEndpoint: backend, annotations: [{ timestamp: 1_000_009_000, value: 'parsed' }] },
    { traceId: 'a', id: '3', parentId: '2', name: 'async', timestamp: 1_000_008_100, duration: 65_000, localEndpoint: backend },
  ];

  it('shifts the server and its local children, not the client side', () => {
    const spans = byId(treeCorrectedForClockSkew(skewed));
    // latency = (94000 - 93000) / 2 = 500, so the server starts at client + 500.
    expect(spans.get('2/SERVER')!.timestamp).toBe(1_000_074_500);
    expect(spans.get('2/SERVER')!.annotations[0].timestamp).toBe(1_000_075_500);
    expect(spans.get('3/')!.timestamp).toBe(1_000_074_600);
    expect(spans.get('2/CLIENT')!.timestamp).toBe(1_000_074_000);
    expect(spans.get('1/SERVER')!.timestamp).toBe(1_000_070_000);
  });

  it('does not modify its input', () => {
    const copy = structuredClone(skewed);
    treeCorrectedForClockSkew(skewed);
    expect(skewed).toEqual(copy);
  });

  it('leaves a trace with several root spans alone', () => {
    const twoRoots = [...skewed, { traceId: 'a', id: '9', timestamp: 1, localEndpoint: frontend }];
    const spans = byId(treeCorrectedForClockSkew(twoRoots));
    expect(spans.get('2/SERVER')!.timestamp).toBe(1_000_008_000);
  });

  const lensSkew = `${process.env.CAIRN_SOURCE_DIR ?? `${__dirname}/../../..`}/../shared/testdata/zipkin-lens/skew.json`;
  it.skipIf(!existsSync(lensSkew))('corrects Zipkin Lens skew.json so the server follows its client', () => {
    const spans = byId(treeCorrectedForClockSkew(JSON.parse(readFileSync(lensSkew, 'utf8'))));
    const client = spans.get('74280ae0c10d8062/CLIENT')!;
    const server = spans.get('74280ae0c10d8062/SERVER')!;
    const latency = (client.duration! - server.duration!) / 2;
    expect(server.timestamp).toBe(client.timestamp! + latency);
    // The async local span on the server's host moved by the same amount.
    expect(spans.get('43210ae0c10d1234/')!.timestamp! - server.timestamp!).toBe(1);
  });
});
