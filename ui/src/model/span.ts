// The Zipkin v2 span model as the API returns it (zipkin2-api.yaml). Timestamps and durations are
// epoch microseconds; ids are lower-hex strings.

export type SpanKind = 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';

export interface Endpoint {
  serviceName?: string;
  ipv4?: string;
  ipv6?: string;
  port?: number;
}

export interface Annotation {
  timestamp: number;
  value: string;
}

export interface Span {
  traceId: string;
  id: string;
  parentId?: string;
  kind?: SpanKind;
  name?: string;
  timestamp?: number;
  duration?: number;
  localEndpoint?: Endpoint;
  remoteEndpoint?: Endpoint;
  annotations?: Annotation[];
  tags?: Record<string, string>;
  debug?: boolean;
  shared?: boolean;
}

// A span after cleaning (span-cleaner.ts): ids padded, empty fields removed, annotations sorted
// and de-duplicated, tags and annotations always present.
export interface CleanSpan extends Span {
  annotations: Annotation[];
  tags: Record<string, string>;
}

export interface DependencyLink {
  parent: string;
  child: string;
  callCount: number;
  errorCount?: number;
}

export const SPAN_KINDS: readonly SpanKind[] = ['CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER'];
