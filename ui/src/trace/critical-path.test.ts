import { describe, expect, it } from 'vitest';
import { criticalPath, selfTimes, type TimedRow } from './critical-path';

// Rows from [start, end, parent] triples; children derived.
function rows(spec: Array<[number, number, number]>): TimedRow[] {
  const out: TimedRow[] = spec.map(([start, end, parent]) => ({
    start,
    duration: end - start,
    parent,
    children: [],
  }));
  out.forEach((row, i) => {
    if (row.parent >= 0) out[row.parent].children.push(i);
  });
  return out;
}

describe('criticalPath', () => {
  it('walks sequential children and the parent time between them', () => {
    const r = rows([
      [0, 100, -1],
      [10, 40, 0],
      [50, 90, 0],
    ]);
    const path = criticalPath(r);
    expect(path.sections).toEqual([
      { row: 0, from: 90, to: 100 },
      { row: 2, from: 50, to: 90 },
      { row: 0, from: 40, to: 50 },
      { row: 1, from: 10, to: 40 },
      { row: 0, from: 0, to: 10 },
    ]);
    expect(path.timeByRow).toEqual([30, 30, 40]);
  });

  it('follows the last-finishing of parallel children only', () => {
    const r = rows([
      [0, 100, -1],
      [10, 80, 0],
      [20, 60, 0], // runs in parallel with row 1: not on the path
    ]);
    expect(criticalPath(r).timeByRow).toEqual([30, 70, 0]);
  });

  it('clips a child to its parent and ignores work after the parent ended', () => {
    const r = rows([
      [0, 100, -1],
      [50, 150, 0], // overruns its parent: counts until 100
      [120, 130, 0], // fire-and-forget after the parent ended
      [60, 140, 1], // grandchild clipped to the clipped child
    ]);
    const path = criticalPath(r);
    expect(path.timeByRow).toEqual([50, 10, 0, 40]);
    expect(path.sections.every((s) => s.to <= 100)).toBe(true);
  });

  it('finds the slow hop of a request chain', () => {
    // edge 32ms > client 31.5ms > service 31ms > getquote client 30.6ms > getquote server 30ms.
    const r = rows([
      [0, 32_000, -1],
      [200, 31_700, 0],
      [400, 31_400, 1],
      [500, 31_100, 2],
      [800, 30_800, 3],
    ]);
    const path = criticalPath(r);
    const total = path.timeByRow.reduce((a, b) => a + b, 0);
    expect(total).toBe(32_000);
    expect(path.timeByRow[4]).toBe(30_000);
  });

  it('walks a virtual root over several top-level rows', () => {
    const r = rows([
      [0, 10, -1],
      [20, 50, -1],
      [30, 40, 1],
    ]);
    expect(criticalPath(r).timeByRow).toEqual([10, 20, 10]);
  });

  it('handles zero durations and empty input', () => {
    expect(criticalPath([]).sections).toEqual([]);
    const r = rows([
      [0, 10, -1],
      [5, 5, 0],
      [5, 5, 0],
    ]);
    expect(criticalPath(r).timeByRow).toEqual([10, 0, 0]);
  });

  it('is fast for a flat trace of 10,000 children', () => {
    const spec: Array<[number, number, number]> = [[0, 1_000_000, -1]];
    for (let i = 0; i < 10_000; i++) spec.push([i * 100, i * 100 + 50, 0]);
    const started = performance.now();
    const path = criticalPath(rows(spec));
    expect(performance.now() - started).toBeLessThan(2000);
    expect(path.timeByRow[0]).toBe(1_000_000 - 10_000 * 50);
  });
});

describe('selfTimes', () => {
  it('subtracts the union of clipped children', () => {
    const r = rows([
      [0, 100, -1],
      [10, 40, 0],
      [30, 60, 0], // overlaps row 1: union 10..60
      [90, 120, 0], // clipped to 90..100
      [15, 20, 1],
    ]);
    expect(selfTimes(r)).toEqual([40, 25, 30, 10, 5]);
  });
});
