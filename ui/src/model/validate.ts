// Checks JSON that claims to hold Zipkin v2 spans (an uploaded file, an API answer) and turns it
// into spans, or into one precise message saying what is wrong and where. Nothing malformed gets
// past this into the trace view.
import { SPAN_KINDS, type Annotation, type Endpoint, type Span, type SpanKind } from './span';
import { normalizeTraceId } from '../trace/span-cleaner';

export type Parsed<T> = { ok: true; value: T } | { ok: false; error: string };

const HEX = /^[0-9a-f]+$/i;

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  return typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

function checkHex(value: unknown, field: string, max: number): string | undefined {
  if (typeof value !== 'string') return `${field} must be a string, not ${typeName(value)}`;
  if (value.length === 0 || value.length > max || !HEX.test(value)) {
    return `${field} "${value.slice(0, 40)}" is not 1 to ${max} hex characters`;
  }
  return undefined;
}

function checkTime(value: unknown, field: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    return `${field} must be a non-negative number of microseconds, not ${JSON.stringify(value)}`;
  }
  return undefined;
}

function toEndpoint(value: unknown, field: string): Endpoint | string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'object' || Array.isArray(value)) {
    return `${field} must be an object, not ${typeName(value)}`;
  }
  const v = value as Record<string, unknown>;
  const out: Endpoint = {};
  for (const key of ['serviceName', 'ipv4', 'ipv6'] as const) {
    if (v[key] === undefined || v[key] === null) continue;
    if (typeof v[key] !== 'string') return `${field}.${key} must be a string`;
    out[key] = v[key] as string;
  }
  if (v.port !== undefined && v.port !== null) {
    if (typeof v.port !== 'number' || !Number.isInteger(v.port) || v.port < 0 || v.port > 65535) {
      return `${field}.port must be a port number, not ${JSON.stringify(v.port)}`;
    }
    out.port = v.port;
  }
  return out;
}

// One span, or the reason it is not one.
export function toSpan(value: unknown): Span | string {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return `expected a span object, found ${typeName(value)}`;
  }
  const v = value as Record<string, unknown>;
  if ('binaryAnnotations' in v || (Array.isArray(v.annotations) && v.annotations.some((a) => a && typeof a === 'object' && 'endpoint' in a))) {
    return 'this is Zipkin v1 JSON (binaryAnnotations, annotation endpoints); the viewer reads Zipkin v2 JSON as /api/v2/trace/{traceId} returns it';
  }
  const problem =
    checkHex(v.traceId, 'traceId', 32) ??
    checkHex(v.id, 'id', 16) ??
    (v.parentId !== undefined && v.parentId !== null ? checkHex(v.parentId, 'parentId', 16) : undefined) ??
    checkTime(v.timestamp, 'timestamp') ??
    checkTime(v.duration, 'duration');
  if (problem) return problem;
  const span: Span = {
    traceId: (v.traceId as string).toLowerCase(),
    id: (v.id as string).toLowerCase(),
  };
  if (typeof v.parentId === 'string') span.parentId = v.parentId.toLowerCase();
  if (v.kind !== undefined && v.kind !== null) {
    if (!SPAN_KINDS.includes(v.kind as SpanKind)) {
      return `kind must be one of ${SPAN_KINDS.join(', ')}, not ${JSON.stringify(v.kind)}`;
    }
    span.kind = v.kind as SpanKind;
  }
  if (v.name !== undefined && v.name !== null) {
    if (typeof v.name !== 'string') return `name must be a string, not ${typeName(v.name)}`;
    span.name = v.name;
  }
  if (typeof v.timestamp === 'number') span.timestamp = v.timestamp;
  if (typeof v.duration === 'number') span.duration = v.duration;
  for (const field of ['localEndpoint', 'remoteEndpoint'] as const) {
    const endpoint = toEndpoint(v[field], field);
    if (typeof endpoint === 'string') return endpoint;
    if (endpoint) span[field] = endpoint;
  }
  if (v.annotations !== undefined && v.annotations !== null) {
    if (!Array.isArray(v.annotations)) return `annotations must be an array, not ${typeName(v.annotations)}`;
    const annotations: Annotation[] = [];
    for (let i = 0; i < v.annotations.length; i++) {
      const a = v.annotations[i] as Record<string, unknown> | null;
      if (!a || typeof a !== 'object' || typeof a.timestamp !== 'number' || typeof a.value !== 'string') {
        return `annotations[${i}] must be {"timestamp": number, "value": string}`;
      }
      annotations.push({ timestamp: a.timestamp, value: a.value });
    }
    span.annotations = annotations;
  }
  if (v.tags !== undefined && v.tags !== null) {
    if (typeof v.tags !== 'object' || Array.isArray(v.tags)) return `tags must be an object, not ${typeName(v.tags)}`;
    const tags: Record<string, string> = {};
    for (const [key, tag] of Object.entries(v.tags as Record<string, unknown>)) {
      if (tag !== null && typeof tag === 'object') return `tag "${key}" must be a string, not ${typeName(tag)}`;
      tags[key] = String(tag);
    }
    span.tags = tags;
  }
  if (v.debug === true) span.debug = true;
  if (v.shared === true) span.shared = true;
  return span;
}

// A JSON array of spans.
export function toSpans(value: unknown, where = ''): Parsed<Span[]> {
  if (!Array.isArray(value)) return { ok: false, error: `${where}expected a JSON array of spans, found ${typeName(value)}` };
  const spans: Span[] = [];
  for (let i = 0; i < value.length; i++) {
    const span = toSpan(value[i]);
    if (typeof span === 'string') return { ok: false, error: `${where}span ${i + 1} of ${value.length}: ${span}` };
    spans.push(span);
  }
  return { ok: true, value: spans };
}

// The traces in a file: a JSON array of spans (one or several traces, grouped by trace id) or an
// array of traces (as /api/v2/traces answers). Traces keep the order of their first span.
export function parseTraceFile(text: string): Parsed<Span[][]> {
  if (text.trim() === '') return { ok: false, error: 'The file is empty.' };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    return { ok: false, error: `The file is not valid JSON: ${(e as Error).message}` };
  }
  if (!Array.isArray(json)) {
    return {
      ok: false,
      error: `Expected a JSON array of Zipkin v2 spans (or of traces), but the file holds ${typeName(json)}.`,
    };
  }
  if (json.length === 0) return { ok: false, error: 'The file holds an empty list: no spans to show.' };
  let groups: Span[][];
  if (json.every((item) => Array.isArray(item))) {
    groups = [];
    for (let t = 0; t < json.length; t++) {
      const spans = toSpans(json[t], `trace ${t + 1} of ${json.length}, `);
      if (!spans.ok) return { ok: false, error: `Not a Zipkin trace: ${spans.error}.` };
      if (spans.value.length > 0) groups.push(...groupByTrace(spans.value));
    }
    if (groups.length === 0) return { ok: false, error: 'The file holds only empty traces.' };
  } else {
    const spans = toSpans(json);
    if (!spans.ok) return { ok: false, error: `Not a Zipkin trace: ${spans.error}.` };
    groups = groupByTrace(spans.value);
  }
  return { ok: true, value: groups };
}

function groupByTrace(spans: Span[]): Span[][] {
  const byId = new Map<string, Span[]>();
  for (const span of spans) {
    // Spans with the same lower 64 bits belong together (a 64-bit and a 128-bit id of one trace).
    const key = normalizeTraceId(span.traceId).slice(-16);
    const list = byId.get(key);
    if (list) list.push(span);
    else byId.set(key, [span]);
  }
  return [...byId.values()];
}
