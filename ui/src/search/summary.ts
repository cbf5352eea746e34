// One line of the search results: a trace's root, start, duration, span and service counts,
// errors, and (when a service was searched) the share of the trace's time spent in that service.
import type { Span } from '../model/span';
import { treeCorrectedForClockSkew } from '../trace/clock-skew';
import { errorTypeOf, type ErrorType } from '../trace/span-row';
import { buildTraceModel } from '../trace/trace-model';

// Traces larger than this get no verdict in the results (it is computed when the trace is opened).
const MAX_VERDICT_SPANS = 5000;

export interface TraceSummary {
  traceId: string;
  timestamp: number; // µs
  duration: number; // µs
  spanCount: number;
  services: Array<{ serviceName: string; spanCount: number }>; // most spans first
  errorType: ErrorType;
  errorCount: number;
  rootServiceName: string;
  rootSpanName: string;
  servicePercentage?: number; // 0..100 of the searched service
  // The span dominating the trace (see trace/verdict.ts), when one does.
  slowest?: { serviceName: string; name: string; time: number; share: number };
}

// Total time covered by possibly overlapping intervals.
export function coveredTime(intervals: Array<{ timestamp: number; duration: number }>): number {
  const sorted = intervals.filter((i) => i.duration > 0).sort((a, b) => a.timestamp - b.timestamp);
  let total = 0;
  let end = -Infinity;
  for (const { timestamp, duration } of sorted) {
    const stop = timestamp + duration;
    if (stop <= end) continue;
    total += stop - Math.max(timestamp, end);
    end = stop;
  }
  return total;
}

export function summarizeTrace(spans: readonly Span[], serviceName?: string): TraceSummary {
  const tree = treeCorrectedForClockSkew(spans);
  const all = tree.spans();
  let first = Infinity;
  let last = -Infinity;
  let errorType: ErrorType = 'none';
  let errorCount = 0;
  const perService = new Map<string, Array<{ timestamp: number; duration: number }>>();
  for (const span of all) {
    if (span.timestamp) {
      first = Math.min(first, span.timestamp);
      last = Math.max(last, span.timestamp + (span.duration ?? 0));
    }
    errorType = errorTypeOf(span, errorType);
    if (span.tags.error !== undefined) errorCount++;
    const name = span.localEndpoint?.serviceName;
    if (name) {
      const list = perService.get(name) ?? [];
      list.push({ timestamp: span.timestamp ?? 0, duration: span.duration ?? 0 });
      perService.set(name, list);
    }
  }
  const root = tree.rootMostNodes()[0]?.span;
  const summary: TraceSummary = {
    traceId: all[0]?.traceId ?? '',
    timestamp: Number.isFinite(first) ? first : 0,
    duration: Number.isFinite(first) ? last - first : 0,
    spanCount: all.length,
    services: [...perService.entries()]
      .map(([name, list]) => ({ serviceName: name, spanCount: list.length }))
      .sort((a, b) => b.spanCount - a.spanCount || (a.serviceName < b.serviceName ? -1 : 1)),
    errorType,
    errorCount,
    rootServiceName: root?.localEndpoint?.serviceName ?? 'unknown',
    rootSpanName: root?.name ?? 'unknown',
  };
  if (spans.length <= MAX_VERDICT_SPANS) {
    const model = buildTraceModel(spans);
    const verdict = model.verdict;
    if (verdict?.dominant) {
      const row = model.rows[verdict.row];
      summary.slowest = { serviceName: row.serviceName, name: row.name, time: verdict.time, share: verdict.share };
    }
  }
  const own = serviceName ? perService.get(serviceName) : undefined;
  if (own && summary.duration > 0) {
    summary.servicePercentage = Math.min(100, Math.round((coveredTime(own) / summary.duration) * 100));
  }
  return summary;
}

export type SortOrder = 'longest' | 'shortest' | 'newest' | 'oldest' | 'spans';

export function sortSummaries(list: TraceSummary[], order: SortOrder): TraceSummary[] {
  const sorted = list.slice();
  const by: Record<SortOrder, (a: TraceSummary, b: TraceSummary) => number> = {
    longest: (a, b) => b.duration - a.duration,
    shortest: (a, b) => a.duration - b.duration,
    newest: (a, b) => b.timestamp - a.timestamp,
    oldest: (a, b) => a.timestamp - b.timestamp,
    spans: (a, b) => b.spanCount - a.spanCount,
  };
  return sorted.sort((a, b) => by[order](a, b) || (a.traceId < b.traceId ? -1 : 1));
}
