import { describe, expect, it } from 'vitest';
import type { Span } from '../model/span';
import { cleanSpan, mergeV2ById, normalizeTraceId } from './span-cleaner';

const frontend = { serviceName: 'frontend', ipv4: '172.17.0.13' };
const backend = { serviceName: 'backend', ipv4: '172.17.0.9' };

describe('normalizeTraceId', () => {
  it('pads to 16 or 32 and drops a zero upper half', () => {
    expect(normalizeTraceId('abc')).toBe('0000000000000abc');
    expect(normalizeTraceId('1'.repeat(17))).toBe(`000000000000000${'1'.repeat(17)}`);
    expect(normalizeTraceId(`${'0'.repeat(16)}${'a'.repeat(16)}`)).toBe('a'.repeat(16));
  });
});

describe('cleanSpan', () => {
  it('pads ids, drops self-parenting and empty fields, sorts and de-duplicates annotations', () => {
    const span = cleanSpan({
      traceId: 'a',
      id: 'b',
      parentId: '000b',
      name: 'unknown',
      localEndpoint: {},
      annotations: [
        { timestamp: 2, value: 'y' },
        { timestamp: 1, value: 'x' },
        { timestamp: 2, value: 'y' },
      ],
    });
    expect(span).toEqual({
      traceId: '000000000000000a',
      id: '000000000000000b',
      annotations: [
        { timestamp: 1, value: 'x' },
        { timestamp: 2, value: 'y' },
      ],
      tags: {},
    });
  });

  it('drops shared from a client and an all-zero parent id', () => {
    const span = cleanSpan({ traceId: 'a', id: 'b', parentId: '0', kind: 'CLIENT', shared: true });
    expect(span.shared).toBeUndefined();
    expect(span.parentId).toBeUndefined();
  });

  it('does not modify its input', () => {
    const input: Span = { traceId: 'a', id: 'b', tags: { k: 'v' } };
    const copy = structuredClone(input);
    cleanSpan(input).tags.k = 'changed';
    expect(input).toEqual(copy);
  });
});

describe('mergeV2ById', () => {
  it('merges a span reported in two pieces', () => {
    const merged = mergeV2ById([
      { traceId: '1', id: '2', name: 'get', kind: 'SERVER', timestamp: 10, localEndpoint: backend },
      {
        traceId: '1',
        id: '2',
        duration: 5,
        localEndpoint: { serviceName: 'backend' },
        tags: { 'http.path': '/api' },
        annotations: [{ timestamp: 12, value: 'wr' }],
      },
    ]);
    expect(merged).toHaveLength(1);
    expect(merged[0]).toMatchObject({
      id: '0000000000000002',
      name: 'get',
      kind: 'SERVER',
      timestamp: 10,
      duration: 5,
      localEndpoint: backend,
      tags: { 'http.path': '/api' },
      annotations: [{ timestamp: 12, value: 'wr' }],
    });
  });

  it('keeps client and server of a shared span apart, client first, and repairs the server', () => {
    const merged = mergeV2ById([
      // The server forgot both the shared flag and the parent id.
      { traceId: '1', id: '2', kind: 'SERVER', timestamp: 12, duration: 6, localEndpoint: backend },
      {
        traceId: '1',
        id: '2',
        parentId: '1',
        kind: 'CLIENT',
        timestamp: 10,
        duration: 10,
        localEndpoint: frontend,
      },
      { traceId: '1', id: '1', kind: 'SERVER', timestamp: 9, duration: 20, localEndpoint: frontend },
    ]);
    expect(merged.map((s) => [s.id.slice(-1), s.kind, s.shared ?? false, s.parentId?.slice(-1)]))
      .toEqual([
        ['1', 'SERVER', false, undefined],
        ['2', 'CLIENT', false, '1'],
        ['2', 'SERVER', true, '1'],
      ]);
  });

  it('does not merge servers on different endpoints answering one client span id', () => {
    const merged = mergeV2ById([
      { traceId: '1', id: '1', kind: 'SERVER', timestamp: 1, localEndpoint: frontend },
      { traceId: '1', parentId: '1', id: '2', kind: 'CLIENT', timestamp: 2, localEndpoint: frontend },
      { traceId: '1', parentId: '1', id: '2', kind: 'SERVER', shared: true, timestamp: 3, localEndpoint: backend },
      {
        traceId: '1',
        parentId: '1',
        id: '2',
        kind: 'SERVER',
        shared: true,
        timestamp: 4,
        localEndpoint: { serviceName: 'backend2', ipv4: '172.17.0.10' },
      },
    ]);
    expect(merged).toHaveLength(4);
  });

  it('uses the 128-bit trace id for every span when one piece has it', () => {
    const merged = mergeV2ById([
      { traceId: '463ac35c9f6413ad', id: '1', timestamp: 1 },
      { traceId: '48485a3953bb6124463ac35c9f6413ad', id: '2', parentId: '1', timestamp: 2 },
    ]);
    expect(new Set(merged.map((s) => s.traceId))).toEqual(
      new Set(['48485a3953bb6124463ac35c9f6413ad']),
    );
  });

  it('drops the shared flag of a lone root server', () => {
    const merged = mergeV2ById([
      { traceId: '1', id: '1', kind: 'SERVER', shared: true, timestamp: 1 },
      { traceId: '1', id: '2', parentId: '1', timestamp: 2 },
    ]);
    expect(merged[0].shared).toBeUndefined();
  });

  it('sorts roots first, then by timestamp', () => {
    const merged = mergeV2ById([
      { traceId: '1', id: '3', parentId: '1', timestamp: 30 },
      { traceId: '1', id: '2', parentId: '1', timestamp: 20 },
      { traceId: '1', id: '1', timestamp: 40 },
    ]);
    expect(merged.map((s) => s.id.slice(-1))).toEqual(['1', '2', '3']);
  });

  it('returns an empty list for no spans', () => {
    expect(mergeV2ById([])).toEqual([]);
  });
});
