// The Zipkin v2 query API as the UI uses it (zipkin-reference §1.3). Answers are checked: a trace
// that is not a list of valid spans is an ApiError, not a crash further down.
import type { DependencyLink, Span } from '../model/span';
import { toSpans } from '../model/validate';
import { ApiError, getJson, type Params } from './client';

function stringList(value: unknown, what: string): string[] {
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
    throw new ApiError(`${what} is not a list of names`);
  }
  return value as string[];
}

export async function getServices(signal?: AbortSignal): Promise<string[]> {
  return stringList(await getJson('api/v2/services', {}, signal), '/api/v2/services');
}

export async function getSpanNames(serviceName: string, signal?: AbortSignal): Promise<string[]> {
  return stringList(await getJson('api/v2/spans', { serviceName }, signal), '/api/v2/spans');
}

export async function getRemoteServices(serviceName: string, signal?: AbortSignal): Promise<string[]> {
  return stringList(
    await getJson('api/v2/remoteServices', { serviceName }, signal),
    '/api/v2/remoteServices',
  );
}

export async function getAutocompleteKeys(signal?: AbortSignal): Promise<string[]> {
  return stringList(await getJson('api/v2/autocompleteKeys', {}, signal), '/api/v2/autocompleteKeys');
}

export async function getAutocompleteValues(key: string, signal?: AbortSignal): Promise<string[]> {
  return stringList(
    await getJson('api/v2/autocompleteValues', { key }, signal),
    '/api/v2/autocompleteValues',
  );
}

export async function searchTraces(params: Params, signal?: AbortSignal): Promise<Span[][]> {
  const raw = await getJson<unknown>('api/v2/traces', params, signal);
  if (!Array.isArray(raw)) throw new ApiError('/api/v2/traces did not answer a list of traces');
  return raw.map((trace, i) => {
    const spans = toSpans(trace, `trace ${i + 1}: `);
    if (!spans.ok) throw new ApiError(`/api/v2/traces answered a malformed trace: ${spans.error}`);
    return spans.value;
  });
}

// The spans of one trace, and the JSON text as the server sent it (for downloads).
export async function getTrace(traceId: string, signal?: AbortSignal): Promise<Span[]> {
  const raw = await getJson<unknown>(`api/v2/trace/${encodeURIComponent(traceId)}`, {}, signal);
  const spans = toSpans(raw);
  if (!spans.ok) throw new ApiError(`Trace ${traceId} is malformed: ${spans.error}`);
  return spans.value;
}

export async function getDependencies(
  endTs: number,
  lookback: number,
  signal?: AbortSignal,
): Promise<DependencyLink[]> {
  const raw = await getJson<unknown>('api/v2/dependencies', { endTs, lookback }, signal);
  if (!Array.isArray(raw)) throw new ApiError('/api/v2/dependencies did not answer a list of links');
  return raw.map((link, i) => {
    const l = link as Record<string, unknown>;
    if (!l || typeof l.parent !== 'string' || typeof l.child !== 'string' || typeof l.callCount !== 'number') {
      throw new ApiError(`/api/v2/dependencies answered a malformed link at position ${i + 1}`);
    }
    return {
      parent: l.parent,
      child: l.child,
      callCount: l.callCount,
      errorCount: typeof l.errorCount === 'number' ? l.errorCount : 0,
    };
  });
}
