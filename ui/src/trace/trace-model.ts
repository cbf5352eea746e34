// The model behind the trace view: the trace tree (clock skew corrected) flattened into rows in
// display order, one row per span id (a client and the server sharing its id become one row, as
// Zipkin Lens shows them), with positions relative to the trace start, self time, the critical
// path and the verdict.
import type { CleanSpan, Span } from '../model/span';
import { treeCorrectedForClockSkew } from './clock-skew';
import { criticalPath, selfTimes, type CriticalSection } from './critical-path';
import { compareOptional } from './span-cleaner';
import type { SpanNode } from './span-tree';
import {
  addTagRows,
  annotationRows,
  errorTypeOf,
  type AnnotationRow,
  type ErrorType,
  type TagRow,
} from './span-row';
import { computeVerdict, type Verdict } from './verdict';

export interface TraceRow {
  index: number;
  spanId: string;
  parentId?: string;
  parent: number; // parent row index, -1 for a top-level row
  children: number[];
  depth: number; // 0 for top-level rows
  descendants: number; // rows below this one
  spans: CleanSpan[]; // the spans shown in this row, client side first
  serviceName: string;
  serviceNames: string[]; // local and remote services of all its spans
  remoteServiceName?: string;
  name: string;
  kind?: string; // "CLIENT", "SERVER", "CLIENT+SERVER", ...
  timestamp?: number; // absolute start (µs), corrected for clock skew
  start: number; // µs from the trace start
  duration: number;
  errorType: ErrorType;
  annotations: AnnotationRow[];
  tags: TagRow[];
  selfTime: number;
  criticalTime: number;
}

export interface ServiceCount {
  serviceName: string;
  spanCount: number;
}

export interface TraceModel {
  traceId: string;
  rows: TraceRow[];
  timestamp: number; // trace start, absolute µs
  duration: number; // µs from the first start to the last end
  depth: number; // deepest row depth + 1
  spanCount: number; // spans after merging pieces of the same span
  errorCount: number; // rows with an error tag
  services: ServiceCount[];
  rootServiceName: string;
  rootSpanName: string;
  critical: CriticalSection[];
  verdict?: Verdict;
}

function serviceOf(endpoint: { serviceName?: string } | undefined): string | undefined {
  return endpoint?.serviceName || undefined;
}

function byNodeTimestamp(a: SpanNode, b: SpanNode): number {
  return compareOptional(a.span?.timestamp, b.span?.timestamp);
}

// One row from the spans sharing an id (the first is the client side when there are two).
function newRow(spans: CleanSpan[], isLeaf: boolean): TraceRow {
  const row: TraceRow = {
    index: 0,
    spanId: spans[0].id,
    parent: -1,
    children: [],
    depth: 0,
    descendants: 0,
    spans,
    serviceName: '',
    serviceNames: [],
    name: '',
    start: 0,
    duration: 0,
    errorType: 'none',
    annotations: [],
    tags: [],
    selfTime: 0,
    criticalTime: 0,
  };
  let sharedTimestamp: number | undefined;
  let sharedDuration: number | undefined;
  const kinds: string[] = [];
  for (const span of spans) {
    if (span.parentId) row.parentId = span.parentId;
    // The server's name and service describe the call best.
    if (span.name && (!row.name || span.kind === 'SERVER')) row.name = span.name;
    if (span.kind && !kinds.includes(span.kind)) kinds.push(span.kind);
    if (span.shared) {
      sharedTimestamp ??= span.timestamp;
      sharedDuration ??= span.duration;
    } else {
      row.timestamp ??= span.timestamp;
      if (!row.duration && span.duration) row.duration = span.duration;
    }
    const local = serviceOf(span.localEndpoint);
    const remote = serviceOf(span.remoteEndpoint);
    if (local && span.kind === 'SERVER') {
      row.serviceName = local;
    } else if (isLeaf && remote && span.kind === 'CLIENT' && !row.serviceName) {
      // An uninstrumented server: the client's view of it is all there is.
      row.serviceName = remote;
    } else if (local && !row.serviceName) {
      row.serviceName = local;
    }
    if (remote && (span.kind === 'CLIENT' || span.kind === 'PRODUCER')) row.remoteServiceName = remote;
    for (const name of [local, remote]) {
      if (name && !row.serviceNames.includes(name)) row.serviceNames.push(name);
    }
    for (const a of annotationRows(span)) {
      if (!row.annotations.some((b) => b.timestamp === a.timestamp && b.value === a.value)) {
        row.annotations.push(a);
      }
    }
    addTagRows(span, row.tags);
    row.errorType = errorTypeOf(span, row.errorType);
  }
  row.timestamp ??= sharedTimestamp;
  if (!row.duration && sharedDuration) row.duration = sharedDuration;
  row.name ||= 'unknown';
  row.serviceName ||= 'unknown';
  row.kind = kinds.length > 0 ? kinds.join('+') : undefined;
  row.serviceNames.sort();
  row.annotations.sort((a, b) => a.timestamp - b.timestamp);
  return row;
}

// Builds the trace view model of one trace's spans. Throws when `spans` is empty or no span has
// a timestamp (nothing could be placed on a timeline).
export function buildTraceModel(spans: readonly Span[]): TraceModel {
  const tree = treeCorrectedForClockSkew(spans);
  const all = tree.spans();
  let first = Infinity;
  let last = -Infinity;
  for (const span of all) {
    if (!span.timestamp) continue;
    first = Math.min(first, span.timestamp);
    last = Math.max(last, span.timestamp + (span.duration ?? 0));
  }
  const traceId = all[0]?.traceId ?? spans[0]?.traceId ?? '';
  if (!Number.isFinite(first)) throw new Error(`Trace ${traceId} has no span with a timestamp`);

  // Depth-first, children in timestamp order; a server sharing its client's id joins its row and
  // its children become the row's children.
  const rows: TraceRow[] = [];
  const stack: Array<{ node: SpanNode; parent: number; depth: number }> = [];
  const top = tree.rootMostNodes().sort(byNodeTimestamp);
  for (let i = top.length - 1; i >= 0; i--) stack.push({ node: top[i], parent: -1, depth: 0 });
  while (stack.length > 0) {
    const { node, parent, depth } = stack.pop()!;
    const span = node.span!;
    const merged = [span];
    const children: SpanNode[] = [];
    for (const child of node.children) {
      if (child.span!.id === span.id) {
        merged.push(child.span!);
        children.push(...child.children);
      } else {
        children.push(child);
      }
    }
    children.sort(byNodeTimestamp);
    const row = newRow(merged, children.length === 0);
    row.index = rows.length;
    row.parent = parent;
    row.depth = depth;
    if (parent >= 0) rows[parent].children.push(row.index);
    // A span without timestamp is drawn where its parent starts.
    row.start = row.timestamp ? row.timestamp - first : parent >= 0 ? rows[parent].start : 0;
    rows.push(row);
    for (let i = children.length - 1; i >= 0; i--) {
      stack.push({ node: children[i], parent: row.index, depth: depth + 1 });
    }
  }
  // Descendant counts, children before parents (reverse pre-order).
  for (let i = rows.length - 1; i >= 0; i--) {
    const p = rows[i].parent;
    if (p >= 0) rows[p].descendants += rows[i].descendants + 1;
  }

  const self = selfTimes(rows);
  const path = criticalPath(rows);
  const serviceCounts = new Map<string, number>();
  let depth = 0;
  let errorCount = 0;
  rows.forEach((row, i) => {
    row.selfTime = self[i];
    row.criticalTime = path.timeByRow[i];
    depth = Math.max(depth, row.depth + 1);
    if (row.errorType === 'critical') errorCount++;
    for (const name of row.serviceNames) serviceCounts.set(name, (serviceCounts.get(name) ?? 0) + 1);
  });

  const model: TraceModel = {
    traceId,
    rows,
    timestamp: first,
    duration: last - first,
    depth,
    spanCount: all.length,
    errorCount,
    services: [...serviceCounts.entries()]
      .sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .map(([serviceName, spanCount]) => ({ serviceName, spanCount })),
    rootServiceName: rows[0]?.serviceName ?? 'unknown',
    rootSpanName: rows[0]?.name ?? 'unknown',
    critical: path.sections,
  };
  model.verdict = computeVerdict(model);
  return model;
}

// Rows shown when the rows in `collapsed` hide their descendants (rows are in pre-order).
export function visibleRows(model: TraceModel, collapsed: ReadonlySet<number>): number[] {
  const out: number[] = [];
  const rows = model.rows;
  for (let i = 0; i < rows.length; ) {
    out.push(i);
    i += collapsed.has(i) ? rows[i].descendants + 1 : 1;
  }
  return out;
}
