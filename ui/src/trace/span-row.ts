// What a row of the trace view shows about its spans: the merged name and service, the
// annotations (with Zipkin's derived "Server Start"/"Client Finish" events and the v1 core
// annotations folded into them), the tags with the endpoints that reported them, and the error
// state. One row holds one span, or the client and server sides of a shared span.
import type { CleanSpan, Endpoint } from '../model/span';

export type ErrorType = 'none' | 'transient' | 'critical';

export interface AnnotationRow {
  value: string;
  timestamp: number; // absolute, microseconds
  endpoint: string;
  derived: boolean; // from the span's timestamp and duration, not an annotation
}

export interface TagRow {
  key: string;
  value: string;
  endpoints: string[];
}

// Names of Zipkin v1 core annotations and address keys.
const CONSTANT_NAMES: Record<string, string> = {
  cs: 'Client Send',
  sr: 'Server Receive',
  ss: 'Server Send',
  cr: 'Client Receive',
  ms: 'Producer Send',
  mr: 'Consumer Receive',
  ws: 'Wire Send',
  wr: 'Wire Receive',
  csf: 'Client Send Fragment',
  crf: 'Client Receive Fragment',
  ssf: 'Server Send Fragment',
  srf: 'Server Receive Fragment',
  ca: 'Client Address',
  sa: 'Server Address',
  ma: 'Message Address',
  lc: 'Local Component',
};

// A critical error has an `error` tag (even empty); a transient one only an `error` annotation.
export function errorTypeOf(span: CleanSpan, current: ErrorType = 'none'): ErrorType {
  if (current === 'critical') return current;
  if (span.tags.error !== undefined) return 'critical';
  if (span.annotations.some((a) => a.value === 'error')) return 'transient';
  return current;
}

// "10.0.0.1:8080 (quotes-service)", "[::1]:80", or the service name alone.
export function formatEndpoint(endpoint: Endpoint | undefined): string {
  if (!endpoint) return '';
  const { ipv4, ipv6, port, serviceName } = endpoint;
  if (ipv4 || ipv6) {
    const ip = ipv6 ? `[${ipv6}]` : ipv4;
    return `${ip}${port ? `:${port}` : ''}${serviceName ? ` (${serviceName})` : ''}`;
  }
  return serviceName ?? '';
}

const BEGIN_END: Record<string, [string, string]> = {
  CLIENT: ['Client Start', 'Client Finish'],
  SERVER: ['Server Start', 'Server Finish'],
  PRODUCER: ['Producer Start', 'Producer Finish'],
  CONSUMER: ['Consumer Start', 'Consumer Finish'],
};

// The annotation rows of one span: its start and finish, derived from timestamp and duration (or
// from v1 cs/sr/ss/cr annotations when they are earlier/later), then its other annotations.
export function annotationRows(span: CleanSpan): AnnotationRow[] {
  const endpoint = formatEndpoint(span.localEndpoint) || 'unknown';
  let start = span.timestamp ?? 0;
  let end = start && span.duration ? start + span.duration : 0;
  let kind: string | undefined = span.kind;
  const others: AnnotationRow[] = [];
  const keep = (value: string, timestamp: number) =>
    others.push({ value: CONSTANT_NAMES[value] ?? value, timestamp, endpoint, derived: false });
  for (const a of span.annotations) {
    const isStart = a.value === 'cs' || a.value === 'sr';
    const isEnd = a.value === 'cr' || a.value === 'ss';
    if (isStart || isEnd) kind = a.value === 'cs' || a.value === 'cr' ? 'CLIENT' : 'SERVER';
    if (isStart && (!start || a.timestamp <= start)) {
      start = a.timestamp;
    } else if (isEnd && a.timestamp >= end) {
      end = a.timestamp;
    } else {
      keep(a.value, a.timestamp);
    }
  }
  const names = kind ? BEGIN_END[kind] : undefined;
  const rows: AnnotationRow[] = [];
  if (names && start) rows.push({ value: names[0], timestamp: start, endpoint, derived: true });
  rows.push(...others);
  if (names && end) rows.push({ value: names[1], timestamp: end, endpoint, derived: true });
  return rows;
}

// Adds the tags of `span` to `rows`, merging equal key/value pairs reported by several endpoints.
export function addTagRows(span: CleanSpan, rows: TagRow[]): void {
  const endpoint = formatEndpoint(span.localEndpoint);
  for (const [key, value] of Object.entries(span.tags)) {
    const same = rows.find((r) => r.key === key && r.value === value);
    if (!same) {
      rows.push({ key, value, endpoints: endpoint ? [endpoint] : [] });
    } else if (endpoint && !same.endpoints.includes(endpoint)) {
      same.endpoints.push(endpoint);
    }
  }
}
