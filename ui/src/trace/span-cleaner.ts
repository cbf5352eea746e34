// Cleaning and merging of the spans of one trace, as Zipkin does before building a trace tree
// (zipkin2.internal.Trace#merge, Lens span-cleaner.js): ids are padded, spans reported in several
// pieces (same id, same side) become one, the client-first order of shared RPC spans (client and
// server sharing one span id, B3's original model) is restored, and a server span missing its
// `shared` flag or its parent id after its client is repaired.
import type { Annotation, CleanSpan, Endpoint, Span } from '../model/span';

export function normalizeTraceId(traceId: string): string {
  if (traceId.length > 16) {
    const padded = traceId.padStart(32, '0');
    // A 128-bit id whose upper half is zero is the 64-bit id.
    return padded.startsWith('0000000000000000') ? padded.substring(16) : padded;
  }
  return traceId.padStart(16, '0');
}

function isEndpoint(endpoint: Endpoint | undefined): endpoint is Endpoint {
  return !!endpoint && Object.keys(endpoint).length > 0;
}

function compareAnnotations(a: Annotation, b: Annotation): number {
  return a.timestamp - b.timestamp || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0);
}

// Sorted by (timestamp, value) without duplicates.
function uniqueSortedAnnotations(annotations: Annotation[]): Annotation[] {
  const sorted = annotations.slice().sort(compareAnnotations);
  return sorted.filter(
    (a, i) => i === 0 || a.timestamp !== sorted[i - 1].timestamp || a.value !== sorted[i - 1].value,
  );
}

// A cleaned copy of `span`; the input is not modified.
export function cleanSpan(span: Span): CleanSpan {
  const id = span.id.padStart(16, '0');
  const res: CleanSpan = { traceId: normalizeTraceId(span.traceId), id, annotations: [], tags: {} };
  if (span.parentId) {
    const parentId = span.parentId.padStart(16, '0');
    // Never create a self-referencing span, even from bad input.
    if (parentId !== id && !/^0+$/.test(parentId)) res.parentId = parentId;
  }
  if (span.name && span.name !== 'unknown') res.name = span.name;
  if (span.kind) res.kind = span.kind;
  if (span.timestamp) res.timestamp = span.timestamp;
  if (span.duration) res.duration = span.duration;
  if (isEndpoint(span.localEndpoint)) res.localEndpoint = { ...span.localEndpoint };
  if (isEndpoint(span.remoteEndpoint)) res.remoteEndpoint = { ...span.remoteEndpoint };
  const annotations = span.annotations ?? [];
  res.annotations = annotations.length > 1 ? uniqueSortedAnnotations(annotations) : annotations;
  res.tags = { ...(span.tags ?? {}) };
  if (span.debug) res.debug = true;
  // `shared` marks the server side; a client cannot be shared.
  if (span.shared && span.kind !== 'CLIENT') res.shared = true;
  return res;
}

// Merges two cleaned pieces of the same span; values of `left` win except for the trace id
// (the longer one) and tags and endpoints (`right` overlays `left`).
export function mergeSpans(left: CleanSpan, right: CleanSpan): CleanSpan {
  const res: CleanSpan = {
    traceId: right.traceId.length > 16 ? right.traceId : left.traceId,
    id: left.id,
    annotations: [],
    tags: {},
  };
  const parentId = left.parentId || right.parentId;
  if (parentId) res.parentId = parentId;
  const name = left.name || right.name;
  if (name) res.name = name;
  const kind = left.kind || right.kind;
  if (kind) res.kind = kind;
  const timestamp = left.timestamp || right.timestamp;
  if (timestamp) res.timestamp = timestamp;
  const duration = left.duration || right.duration;
  if (duration) res.duration = duration;
  const localEndpoint = { ...left.localEndpoint, ...right.localEndpoint };
  if (isEndpoint(localEndpoint)) res.localEndpoint = localEndpoint;
  const remoteEndpoint = { ...left.remoteEndpoint, ...right.remoteEndpoint };
  if (isEndpoint(remoteEndpoint)) res.remoteEndpoint = remoteEndpoint;
  if (left.annotations.length === 0) {
    res.annotations = right.annotations;
  } else if (right.annotations.length === 0) {
    res.annotations = left.annotations;
  } else {
    res.annotations = uniqueSortedAnnotations(left.annotations.concat(right.annotations));
  }
  res.tags = { ...left.tags, ...right.tags };
  if (left.debug || right.debug) res.debug = true;
  if (left.shared || right.shared) res.shared = true;
  return res;
}

// Orders possibly absent values, absent first.
export function compareOptional<T extends string | number>(a: T | undefined, b: T | undefined) {
  if (!a && !b) return 0;
  if (!a) return -1;
  if (!b) return 1;
  return a > b ? 1 : a < b ? -1 : 0;
}

// Spans without an endpoint first, so their data attaches to the first span with the same id.
function compareEndpoint(left: Endpoint | undefined, right: Endpoint | undefined): number {
  if (!left && !right) return 0;
  if (!left) return -1;
  if (!right) return 1;
  return (
    compareOptional(left.serviceName, right.serviceName) ||
    compareOptional(left.ipv4, right.ipv4) ||
    compareOptional(left.ipv6, right.ipv6)
  );
}

// Not shared before shared; among unshared spans the client first.
function compareShared(left: CleanSpan, right: CleanSpan): number {
  const leftShared = !!left.shared;
  const rightShared = !!right.shared;
  if (!leftShared && !rightShared) {
    const leftClient = left.kind === 'CLIENT';
    const rightClient = right.kind === 'CLIENT';
    if (leftClient === rightClient) return 0;
    return leftClient ? -1 : 1;
  }
  if (!leftShared) return -1;
  if (!rightShared) return 1;
  return 0;
}

function cleanupComparator(left: CleanSpan, right: CleanSpan): number {
  return (
    compareOptional(left.id, right.id) ||
    compareShared(left, right) ||
    compareEndpoint(left.localEndpoint, right.localEndpoint)
  );
}

// Root spans first, then by timestamp and name; the client first among spans sharing an id.
function spanComparator(a: CleanSpan, b: CleanSpan): number {
  if (!a.parentId && b.parentId) return -1;
  if (a.parentId && !b.parentId) return 1;
  if (a.id === b.id) return compareShared(a, b);
  return compareOptional(a.timestamp, b.timestamp) || compareOptional(a.name, b.name);
}

// Whether a piece with `endpoint` can be merged into a span whose local endpoint so far is
// `current`: no field may disagree. Fills the blanks of `current` when it can.
function tryMerge(current: Endpoint, endpoint: Endpoint | undefined): boolean {
  if (!endpoint) return true;
  if (current.serviceName && endpoint.serviceName && current.serviceName !== endpoint.serviceName) {
    return false;
  }
  if (current.ipv4 && endpoint.ipv4 && current.ipv4 !== endpoint.ipv4) return false;
  if (current.ipv6 && endpoint.ipv6 && current.ipv6 !== endpoint.ipv6) return false;
  if (current.port && endpoint.port && current.port !== endpoint.port) return false;
  current.serviceName ??= endpoint.serviceName;
  current.ipv4 ??= endpoint.ipv4;
  current.ipv6 ??= endpoint.ipv6;
  current.port ??= endpoint.port;
  return true;
}

// Cleans the spans of one trace and merges what belongs together. The result is sorted root
// first, then by timestamp. The input is not modified.
export function mergeV2ById(spans: readonly Span[]): CleanSpan[] {
  if (spans.length === 0) return [];
  const cleaned = spans.map(cleanSpan);
  // The trace id of the result is the longest one seen (a 128-bit id wins over its lower half).
  const traceId = cleaned.find((s) => s.traceId.length === 32)?.traceId ?? cleaned[0].traceId;
  if (cleaned.length === 1) return cleaned;
  cleaned.sort(cleanupComparator);

  const result: CleanSpan[] = [];
  let last: CleanSpan | undefined;
  for (let i = 0; i < cleaned.length; ) {
    let span = cleaned[i++];
    span.traceId = traceId;
    const localEndpoint: Endpoint = { ...span.localEndpoint };
    // Pieces of one span sent separately: same id, same side, compatible endpoints.
    while (i < cleaned.length) {
      const next = cleaned[i];
      if (next.id !== span.id) break;
      if (!!span.shared !== !!next.shared || !tryMerge(localEndpoint, next.localEndpoint)) break;
      span = mergeSpans(span, next);
      span.traceId = traceId;
      i++;
    }
    if (last && last.id === span.id) {
      // Client-first order lets us repair instrumentation that forgot the shared flag ...
      if (last.kind === 'CLIENT' && span.kind === 'SERVER' && !span.shared) span.shared = true;
      // ... or did not propagate the parent id to the server side.
      if (span.shared && !span.parentId && last.parentId) span.parentId = last.parentId;
    }
    last = span;
    result.push(span);
  }

  result.sort(spanComparator);
  // A single root marked shared (its client was not traced) is no shared span.
  if (!result[0].parentId && result[0].shared && (result.length === 1 || !result[1].shared)) {
    delete result[0].shared;
  }
  return result;
}
