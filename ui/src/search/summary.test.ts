import { describe, expect, it } from 'vitest';
import { landscapeTrace } from '../trace/test-fixtures';
import { coveredTime, sortSummaries, summarizeTrace } from './summary';

describe('summarizeTrace', () => {
  it('summarises root, duration, counts, errors and the searched service share', () => {
    const s = summarizeTrace(landscapeTrace(), 'quotes-service');
    expect(s).toMatchObject({
      traceId: '5af7183fb1d4cf5f',
      duration: 32_400,
      spanCount: 8,
      rootServiceName: 'edge-server',
      rootSpanName: 'get /api/accounts/{id}',
      errorType: 'critical',
      errorCount: 1,
      servicePercentage: 93,
    });
    expect(s.services[0]).toEqual({ serviceName: 'accountservice', spanCount: 4 });
    expect(s.slowest).toEqual({ serviceName: 'quotes-service', name: 'getquote', time: 30_000, share: 30_000 / 32_400 });
  });

  it('merges overlapping intervals when measuring a service', () => {
    expect(coveredTime([{ timestamp: 0, duration: 10 }, { timestamp: 5, duration: 10 }, { timestamp: 30, duration: 5 }])).toBe(20);
  });

  it('sorts results', () => {
    const a = summarizeTrace(landscapeTrace(1_000_000));
    const b = { ...a, traceId: 'b', duration: 1, timestamp: 5_000_000 };
    expect(sortSummaries([b, a], 'longest').map((s) => s.traceId)).toEqual([a.traceId, 'b']);
    expect(sortSummaries([a, b], 'newest').map((s) => s.traceId)).toEqual(['b', a.traceId]);
  });
});
