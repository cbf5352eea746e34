// The UI configuration cairn-server publishes at /zipkin/config.json (Zipkin's ZipkinUiProperties).
import { getJson } from './client';

export interface UiConfig {
  environment: string;
  queryLimit: number;
  defaultLookback: number; // ms
  searchEnabled: boolean;
  logsUrl: string | null; // "{traceId}" is replaced
  supportUrl: string | null;
  archivePostUrl: string | null;
  archiveUrl: string | null;
  dependency: { enabled: boolean; lowErrorRate: number; highErrorRate: number };
}

export const DEFAULT_CONFIG: UiConfig = {
  environment: '',
  queryLimit: 10,
  defaultLookback: 900_000,
  searchEnabled: true,
  logsUrl: null,
  supportUrl: null,
  archivePostUrl: null,
  archiveUrl: null,
  dependency: { enabled: true, lowErrorRate: 0.5, highErrorRate: 0.75 },
};

// Missing or mistyped fields fall back to Zipkin's defaults.
export function normalizeConfig(raw: unknown): UiConfig {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const dep = (r.dependency && typeof r.dependency === 'object' ? r.dependency : {}) as Record<
    string,
    unknown
  >;
  const num = (v: unknown, d: number) => (typeof v === 'number' && Number.isFinite(v) ? v : d);
  const bool = (v: unknown, d: boolean) => (typeof v === 'boolean' ? v : d);
  const str = (v: unknown) => (typeof v === 'string' && v !== '' ? v : null);
  const d = DEFAULT_CONFIG;
  return {
    environment: typeof r.environment === 'string' ? r.environment : d.environment,
    queryLimit: num(r.queryLimit, d.queryLimit),
    defaultLookback: num(r.defaultLookback, d.defaultLookback),
    searchEnabled: bool(r.searchEnabled, d.searchEnabled),
    logsUrl: str(r.logsUrl),
    supportUrl: str(r.supportUrl),
    archivePostUrl: str(r.archivePostUrl),
    archiveUrl: str(r.archiveUrl),
    dependency: {
      enabled: bool(dep.enabled, d.dependency.enabled),
      lowErrorRate: num(dep.lowErrorRate, d.dependency.lowErrorRate),
      highErrorRate: num(dep.highErrorRate, d.dependency.highErrorRate),
    },
  };
}

export async function loadConfig(): Promise<UiConfig> {
  return normalizeConfig(await getJson<unknown>('config.json'));
}
