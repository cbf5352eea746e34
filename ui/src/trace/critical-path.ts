// Self time and critical path over the rows of a trace (one row per span, client and server of a
// shared span merged). Both work on intervals clipped to the parent's: work a child does after its
// parent finished (a message consumed later, a fire-and-forget call) does not make the parent
// slower.
//
// The critical path follows Jaeger's definition: walking back from the end of a span, the child
// that finished last is on the path; before that child started, the child that finished last
// before its start, and so on; the parent's own time between them is on the path as well. The
// time each span spends on the path is what making that span faster would save.

export interface TimedRow {
  start: number; // microseconds from the trace start
  duration: number;
  parent: number; // index of the parent row, -1 for a top-level row
  children: number[];
}

export interface CriticalSection {
  row: number;
  from: number;
  to: number;
}

export interface CriticalPath {
  sections: CriticalSection[]; // latest first
  timeByRow: number[]; // microseconds each row spends on the path
}

type Interval = [number, number] | null;

// Each row's interval clipped to its parent's clipped interval; null when nothing is left.
export function clippedIntervals(rows: readonly TimedRow[]): Interval[] {
  const result: Interval[] = new Array(rows.length).fill(null);
  const visit = (index: number, bounds: Interval | undefined) => {
    const row = rows[index];
    let from = row.start;
    let to = row.start + Math.max(0, row.duration);
    if (bounds !== undefined) {
      if (bounds === null) return;
      from = Math.max(from, bounds[0]);
      to = Math.min(to, bounds[1]);
      if (to < from || (to === from && (row.start > bounds[1] || row.start < bounds[0]))) return;
    }
    result[index] = [from, to];
  };
  // Parents come before children in row order when rows are a pre-order walk, but do not rely on
  // it: walk the tree from its top-level rows.
  const stack: number[] = [];
  rows.forEach((row, i) => {
    if (row.parent < 0) stack.push(i);
  });
  for (const i of stack) visit(i, undefined);
  while (stack.length > 0) {
    const index = stack.pop()!;
    for (const child of rows[index].children) {
      visit(child, result[index]);
      stack.push(child);
    }
  }
  return result;
}

// Duration of each row minus the union of its children's clipped intervals.
export function selfTimes(rows: readonly TimedRow[]): number[] {
  const clipped = clippedIntervals(rows);
  return rows.map((row, i) => {
    const own = clipped[i];
    if (!own) return Math.max(0, row.duration);
    const kids = row.children
      .map((c) => clipped[c])
      .filter((iv): iv is [number, number] => iv !== null && iv[1] > iv[0])
      .sort((a, b) => a[0] - b[0]);
    let covered = 0;
    let curFrom = Number.NaN;
    let curTo = Number.NaN;
    for (const [from, to] of kids) {
      if (Number.isNaN(curFrom) || from > curTo) {
        if (!Number.isNaN(curFrom)) covered += curTo - curFrom;
        curFrom = from;
        curTo = to;
      } else if (to > curTo) {
        curTo = to;
      }
    }
    if (!Number.isNaN(curFrom)) covered += curTo - curFrom;
    return Math.max(0, own[1] - own[0] - covered);
  });
}

// The critical path of the trace. With several top-level rows, a virtual root spanning all of
// them is walked (its own gaps belong to no row).
export function criticalPath(rows: readonly TimedRow[]): CriticalPath {
  const clipped = clippedIntervals(rows);
  const timeByRow = new Array<number>(rows.length).fill(0);
  const sections: CriticalSection[] = [];
  const topLevel: number[] = [];
  rows.forEach((row, i) => {
    if (row.parent < 0 && clipped[i]) topLevel.push(i);
  });
  if (topLevel.length === 0) return { sections, timeByRow };

  // Children of each node (-1: the virtual root) sorted by end descending, then start ascending
  // (the longer of two children ending together); `next` is how far each list has been consumed.
  const sortedChildren = new Map<number, number[]>();
  const childrenOf = (node: number): number[] => {
    let list = sortedChildren.get(node);
    if (!list) {
      const raw = node < 0 ? topLevel : rows[node].children;
      list = raw
        .filter((c) => clipped[c] !== null)
        .sort((a, b) => clipped[b]![1] - clipped[a]![1] || clipped[a]![0] - clipped[b]![0]);
      sortedChildren.set(node, list);
    }
    return list;
  };
  const next = new Map<number, number>();
  const addSection = (row: number, from: number, to: number) => {
    if (row < 0 || to <= from) return;
    sections.push({ row, from, to });
    timeByRow[row] += to - from;
  };

  let node = -1;
  let boundary = Math.max(...topLevel.map((i) => clipped[i]![1]));
  let returning = false;
  for (;;) {
    const kids = childrenOf(node);
    let pos = next.get(node) ?? 0;
    while (pos < kids.length) {
      const end = clipped[kids[pos]]![1];
      if (returning ? end < boundary : end <= boundary) break;
      pos++;
    }
    if (pos < kids.length) {
      const child = kids[pos];
      next.set(node, pos + 1);
      addSection(node, clipped[child]![1], boundary);
      node = child;
      boundary = clipped[child]![1];
      returning = false;
      continue;
    }
    next.set(node, pos);
    if (node < 0) break;
    const from = clipped[node]![0];
    addSection(node, from, boundary);
    const parent = rows[node].parent;
    node = parent < 0 ? -1 : parent;
    boundary = from;
    returning = true;
  }
  return { sections, timeByRow };
}
