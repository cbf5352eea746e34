// The search form, its URL (the same parameter names as the Zipkin API, so a search is a link)
// and the /api/v2/traces parameters it asks for.
import type { Params } from '../api/client';
import { parseDurationInput } from '../util/format';

export interface SearchForm {
  serviceName: string;
  spanName: string;
  remoteServiceName: string;
  annotationQuery: string; // Zipkin's: "http.method=GET and error"
  minDuration: string; // as typed: "10ms", "250" (µs)
  maxDuration: string;
  lookback: string; // a LOOKBACKS key
  endTs: string; // ms since epoch, empty for now
  limit: string;
}

export const LOOKBACKS: ReadonlyArray<{ key: string; label: string; ms: number }> = [
  { key: '5m', label: 'last 5 minutes', ms: 5 * 60_000 },
  { key: '15m', label: 'last 15 minutes', ms: 15 * 60_000 },
  { key: '30m', label: 'last 30 minutes', ms: 30 * 60_000 },
  { key: '1h', label: 'last hour', ms: 3_600_000 },
  { key: '2h', label: 'last 2 hours', ms: 2 * 3_600_000 },
  { key: '6h', label: 'last 6 hours', ms: 6 * 3_600_000 },
  { key: '12h', label: 'last 12 hours', ms: 12 * 3_600_000 },
  { key: '1d', label: 'last day', ms: 86_400_000 },
  { key: '2d', label: 'last 2 days', ms: 2 * 86_400_000 },
  { key: '7d', label: 'last 7 days', ms: 7 * 86_400_000 },
];

// The lookback option nearest to `ms` (config.json's defaultLookback need not be one of them).
export function lookbackKeyFor(ms: number): string {
  let best = LOOKBACKS[0];
  for (const option of LOOKBACKS) {
    if (Math.abs(option.ms - ms) < Math.abs(best.ms - ms)) best = option;
  }
  return best.key;
}

// Accepts a LOOKBACKS key or a number of milliseconds (Zipkin's lookback parameter).
export function lookbackMs(key: string): number | undefined {
  const option = LOOKBACKS.find((o) => o.key === key);
  if (option) return option.ms;
  return /^\d+$/.test(key) && Number(key) > 0 ? Number(key) : undefined;
}

export function emptyForm(defaults: { queryLimit: number; defaultLookback: number }): SearchForm {
  return {
    serviceName: '',
    spanName: '',
    remoteServiceName: '',
    annotationQuery: '',
    minDuration: '',
    maxDuration: '',
    lookback: lookbackKeyFor(defaults.defaultLookback),
    endTs: '',
    limit: String(defaults.queryLimit),
  };
}

const FIELDS: ReadonlyArray<keyof SearchForm> = [
  'serviceName',
  'spanName',
  'remoteServiceName',
  'annotationQuery',
  'minDuration',
  'maxDuration',
  'lookback',
  'endTs',
  'limit',
];

export function formFromUrl(
  search: string,
  defaults: { queryLimit: number; defaultLookback: number },
): SearchForm {
  const params = new URLSearchParams(search);
  const form = emptyForm(defaults);
  for (const field of FIELDS) {
    const value = params.get(field);
    if (value !== null) form[field] = value;
  }
  return form;
}

// The query string of a form ("?serviceName=...&lookback=1h"), empty fields left out.
export function formToUrl(form: SearchForm): string {
  const params = new URLSearchParams();
  for (const field of FIELDS) {
    if (form[field] !== '') params.set(field, form[field]);
  }
  const text = params.toString();
  return text ? `?${text}` : '';
}

// True when the URL carries a search (deep link to results).
export function urlHasSearch(search: string): boolean {
  const params = new URLSearchParams(search);
  return FIELDS.some((f) => params.has(f));
}

// /api/v2/traces parameters, or a message naming the field that is wrong.
export function formToApiParams(
  form: SearchForm,
  nowMs: number = Date.now(),
): { ok: true; params: Params } | { ok: false; error: string } {
  const min = parseDurationInput(form.minDuration);
  const max = parseDurationInput(form.maxDuration);
  if (Number.isNaN(min)) return { ok: false, error: `Min duration "${form.minDuration}" is not a duration such as 250µs, 10ms or 1.5s` };
  if (Number.isNaN(max)) return { ok: false, error: `Max duration "${form.maxDuration}" is not a duration such as 250µs, 10ms or 1.5s` };
  if (min !== undefined && min <= 0) return { ok: false, error: 'Min duration must be more than 0' };
  if (min !== undefined && max !== undefined && max < min) {
    return { ok: false, error: 'Max duration must not be less than min duration' };
  }
  const limitText = form.limit.trim();
  const limit = limitText === '' ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit <= 0 || limit > 100_000)) {
    return { ok: false, error: `Limit "${form.limit}" must be a whole number from 1 to 100000` };
  }
  const lookback = lookbackMs(form.lookback);
  if (form.lookback !== '' && lookback === undefined) {
    return { ok: false, error: `Lookback "${form.lookback}" is not a known range` };
  }
  const endText = form.endTs.trim();
  const endTs = endText === '' ? nowMs : Number(endText);
  if (!Number.isInteger(endTs) || endTs <= 0) {
    return { ok: false, error: `End time "${form.endTs}" must be milliseconds since the epoch` };
  }
  const params: Params = {
    serviceName: form.serviceName.trim() || undefined,
    spanName: form.spanName.trim() || undefined,
    remoteServiceName: form.remoteServiceName.trim() || undefined,
    annotationQuery: form.annotationQuery.trim() || undefined,
    // Zipkin accepts maxDuration only with minDuration: 1µs is "any".
    minDuration: min ?? (max !== undefined ? 1 : undefined),
    maxDuration: max,
    endTs,
    lookback,
    limit,
  };
  return { ok: true, params };
}

// Autocomplete of an annotationQuery: the term being typed (after the last " and ") and whether a
// tag value (after "key=") or a key is being typed.
export function currentTerm(query: string): { prefix: string; key?: string; partial: string } {
  const index = query.lastIndexOf(' and ');
  const prefix = index >= 0 ? query.slice(0, index + 5) : '';
  const term = query.slice(prefix.length).trimStart();
  const eq = term.indexOf('=');
  if (eq >= 0) return { prefix, key: term.slice(0, eq).trim(), partial: term.slice(eq + 1) };
  return { prefix, partial: term };
}
