import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { Span } from '../model/span';
import { landscapeTrace, syntheticTrace } from './test-fixtures';
import { buildTraceModel, visibleRows } from './trace-model';

describe('buildTraceModel', () => {
  const model = buildTraceModel(landscapeTrace());

  it('lays rows out depth-first in timestamp order with depths and positions', () => {
    expect(model.rows.map((r) => `${'  '.repeat(r.depth)}${r.serviceName} ${r.name}`)).toEqual([
      'edge-server get /api/accounts/{id}',
      '  edge-server get',
      '    accountservice getaccount',
      '      accountservice queryaccount',
      '      accountservice getquote',
      '        quotes-service getquote',
      '      accountservice getimageurl',
      '        imageservice getaccountimage',
    ]);
    expect(model.duration).toBe(32_400);
    expect(model.rows[5].start).toBe(700);
    expect(model.rows[2].descendants).toBe(5);
    expect(model.depth).toBe(5);
  });

  it('computes self time and the critical path', () => {
    const quotes = model.rows[5];
    expect(quotes.selfTime).toBe(30_000);
    expect(quotes.criticalTime).toBe(30_000);
    const account = model.rows[2];
    // 31.7ms minus queryaccount 0.15, getquote 30.5 and getimageurl 0.7.
    expect(account.selfTime).toBe(350);
    const onPath = model.rows.reduce((sum, r) => sum + r.criticalTime, 0);
    expect(onPath).toBe(32_400);
  });

  it('names the dominating span in the verdict', () => {
    expect(model.verdict).toMatchObject({ row: 5, dominant: true, time: 30_000, total: 32_400 });
    expect(model.verdict!.text).toBe(
      'quotes-service getquote dominates: 30ms of 32.4ms (93%) on the critical path',
    );
  });

  it('counts services, spans and errors', () => {
    expect(model.spanCount).toBe(8);
    expect(model.errorCount).toBe(1);
    expect(model.rows[7].errorType).toBe('critical');
    expect(model.services).toEqual([
      { serviceName: 'accountservice', spanCount: 5 },
      { serviceName: 'edge-server', spanCount: 2 },
      { serviceName: 'imageservice', spanCount: 2 },
      { serviceName: 'quotes-service', spanCount: 2 },
    ]);
    expect(model.rootServiceName).toBe('edge-server');
  });

  it('hides the rows below collapsed rows', () => {
    expect(visibleRows(model, new Set())).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(visibleRows(model, new Set([4]))).toEqual([0, 1, 2, 3, 4, 6, 7]);
    expect(visibleRows(model, new Set([4, 2]))).toEqual([0, 1, 2]);
    expect(visibleRows(model, new Set([0]))).toEqual([0]);
  });

  it('shows the client and server of a shared span as one row', () => {
    const a = { serviceName: 'frontend', ipv4: '10.0.0.1' };
    const b = { serviceName: 'backend', ipv4: '10.0.0.2' };
    const spans: Span[] = [
      { traceId: '1', id: '1', kind: 'SERVER', name: 'get /', timestamp: 100, duration: 1000, localEndpoint: a },
      { traceId: '1', id: '2', parentId: '1', kind: 'CLIENT', name: 'get', timestamp: 200, duration: 600, localEndpoint: a, remoteEndpoint: b, tags: { 'http.path': '/api' } },
      { traceId: '1', id: '2', parentId: '1', kind: 'SERVER', name: 'get /api', timestamp: 250, duration: 500, localEndpoint: b, shared: true, tags: { 'http.path': '/api' } },
      { traceId: '1', id: '3', parentId: '2', name: 'query', timestamp: 300, duration: 100, localEndpoint: b },
    ];
    const m = buildTraceModel(spans);
    expect(m.rows).toHaveLength(3);
    const rpc = m.rows[1];
    expect(rpc).toMatchObject({
      serviceName: 'backend',
      name: 'get /api',
      kind: 'CLIENT+SERVER',
      duration: 600, // the client's view
      start: 100,
      children: [2],
    });
    expect(rpc.serviceNames).toEqual(['backend', 'frontend']);
    expect(rpc.annotations.map((x) => x.value)).toEqual([
      'Client Start',
      'Server Start',
      'Server Finish',
      'Client Finish',
    ]);
    expect(rpc.tags).toEqual([
      { key: 'http.path', value: '/api', endpoints: ['10.0.0.1 (frontend)', '10.0.0.2 (backend)'] },
    ]);
    expect(m.rows[2].depth).toBe(2);
  });

  it('places a span without timestamp at its parent and refuses a trace without any', () => {
    const m = buildTraceModel([
      { traceId: '1', id: '1', timestamp: 100, duration: 50 },
      { traceId: '1', id: '2', parentId: '1', name: 'late' },
    ]);
    expect(m.rows[1].start).toBe(0);
    expect(() => buildTraceModel([{ traceId: '1', id: '1' }])).toThrow('no span with a timestamp');
  });

  it('builds a 10,000-span trace quickly', () => {
    const started = performance.now();
    const big = buildTraceModel(syntheticTrace(10_000));
    expect(big.rows).toHaveLength(10_000);
    expect(performance.now() - started).toBeLessThan(3000);
  });

  const lensDir = `${process.env.CAIRN_SOURCE_DIR ?? `${__dirname}/../../..`}/../shared/testdata/zipkin-lens`;
  it.skipIf(!existsSync(lensDir))('builds every Zipkin Lens test trace without losing a span', () => {
    for (const file of readdirSync(lensDir).filter((f) => f.endsWith('.json'))) {
      const spans: Span[] = JSON.parse(readFileSync(`${lensDir}/${file}`, 'utf8'));
      const m = buildTraceModel(spans);
      const shown = m.rows.reduce((n, r) => n + r.spans.length, 0);
      expect(shown, file).toBe(m.spanCount);
      expect(m.rows.every((r) => r.start >= 0 && Number.isFinite(r.start)), file).toBe(true);
    }
  });
});
