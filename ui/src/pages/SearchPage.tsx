// Trace search: Zipkin's query parameters (service, span name, remote service, annotationQuery,
// durations, lookback, limit) with autocomplete from the API. The form lives in the URL, so a
// search is a link and the back button works; results show a duration bar relative to the
// slowest trace found, span and service counts and errors.
import type { JSX } from 'preact';
import { useEffect, useMemo, useState } from 'preact/hooks';
import { errorMessage, isAbort } from '../api/client';
import type { UiConfig } from '../api/config';
import {
  getAutocompleteKeys,
  getAutocompleteValues,
  getRemoteServices,
  getServices,
  getSpanNames,
  searchTraces,
} from '../api/zipkin';
import { Link } from '../components/Link';
import { ErrorMessage, Loading, Notice } from '../components/Messages';
import {
  currentTerm,
  emptyForm,
  formFromUrl,
  formToApiParams,
  formToUrl,
  LOOKBACKS,
  urlHasSearch,
  type SearchForm,
} from '../search/query';
import { sortSummaries, summarizeTrace, type SortOrder, type TraceSummary } from '../search/summary';
import { navigate } from '../router';
import { serviceColor } from '../util/colors';
import { formatAgo, formatDuration, formatPercent, formatTimestamp } from '../util/format';

type Results =
  | { status: 'idle' }
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'done'; summaries: TraceSummary[]; skipped: number };

function useNames(load: (signal: AbortSignal) => Promise<string[]>, deps: unknown[], enabled = true) {
  const [names, setNames] = useState<string[]>([]);
  const [error, setError] = useState<string>();
  useEffect(() => {
    if (!enabled) {
      setNames([]);
      return undefined;
    }
    const controller = new AbortController();
    load(controller.signal).then(
      (list) => {
        setNames(list);
        setError(undefined);
      },
      (e) => {
        if (!isAbort(e)) setError(errorMessage(e));
      },
    );
    return () => controller.abort();
  }, deps);
  return { names, error };
}

export function SearchPage(props: { config: UiConfig; search: string }) {
  const { config, search } = props;
  const [form, setForm] = useState<SearchForm>(() => formFromUrl(search, config));
  const [results, setResults] = useState<Results>({ status: 'idle' });
  const [formError, setFormError] = useState<string>();
  const [sort, setSort] = useState<SortOrder>('longest');
  const [runs, setRuns] = useState(0);

  useEffect(() => setForm(formFromUrl(search, config)), [search]);

  const services = useNames((s) => getServices(s), []);
  const service = form.serviceName.trim().toLowerCase();
  const known = services.names.includes(service);
  const spanNames = useNames((s) => getSpanNames(service, s), [service, known], known);
  const remotes = useNames((s) => getRemoteServices(service, s), [service, known], known);
  const keys = useNames((s) => getAutocompleteKeys(s), []);
  const term = currentTerm(form.annotationQuery);
  const valueKey = term.key !== undefined && keys.names.includes(term.key) ? term.key : undefined;
  const values = useNames((s) => getAutocompleteValues(valueKey!, s), [valueKey], valueKey !== undefined);

  // Run the search the URL describes (on load, submit, back and forward).
  useEffect(() => {
    if (!config.searchEnabled || !urlHasSearch(search)) {
      setResults({ status: 'idle' });
      return undefined;
    }
    const wanted = formFromUrl(search, config);
    const query = formToApiParams(wanted);
    if (!query.ok) {
      setFormError(query.error);
      setResults({ status: 'idle' });
      return undefined;
    }
    setFormError(undefined);
    setResults({ status: 'loading' });
    const controller = new AbortController();
    searchTraces(query.params, controller.signal).then(
      (traces) => {
        const summaries: TraceSummary[] = [];
        let skipped = 0;
        for (const trace of traces) {
          try {
            if (trace.length > 0) summaries.push(summarizeTrace(trace, wanted.serviceName.trim().toLowerCase() || undefined));
          } catch {
            skipped++;
          }
        }
        setResults({ status: 'done', summaries, skipped });
      },
      (e) => {
        if (!isAbort(e)) setResults({ status: 'error', message: errorMessage(e) });
      },
    );
    return () => controller.abort();
  }, [search, runs]);

  const set = (field: keyof SearchForm) => (e: JSX.TargetedEvent<HTMLInputElement | HTMLSelectElement>) =>
    setForm({ ...form, [field]: (e.currentTarget as HTMLInputElement).value });

  const onSubmit = (e: Event) => {
    e.preventDefault();
    const query = formToApiParams(form);
    if (!query.ok) {
      setFormError(query.error);
      return;
    }
    setFormError(undefined);
    const url = formToUrl(form);
    // Submitting the same search again re-runs it.
    if (url === search || (url === '' && search === '')) setRuns(runs + 1);
    navigate(url || '?lookback=' + form.lookback);
  };

  const sorted = useMemo(
    () => (results.status === 'done' ? sortSummaries(results.summaries, sort) : []),
    [results, sort],
  );
  const maxDuration = Math.max(1, ...sorted.map((s) => s.duration));
  const tagOptions = valueKey
    ? values.names.map((v) => `${term.prefix}${valueKey}=${v}`)
    : keys.names.map((k) => `${term.prefix}${k}=`);

  if (!config.searchEnabled) {
    return (
      <Notice>
        Search is disabled on this server (SEARCH_ENABLED=false). Open a trace by its id above, or upload a trace
        file.
      </Notice>
    );
  }

  return (
    <div class="search-page">
      <form class="search-form" onSubmit={onSubmit} data-testid="search-form">
        <label>
          Service
          <input
            name="serviceName"
            list="cairn-services"
            value={form.serviceName}
            onInput={set('serviceName')}
            placeholder="any"
            autoComplete="off"
          />
        </label>
        <label>
          Span name
          <input name="spanName" list="cairn-span-names" value={form.spanName} onInput={set('spanName')} placeholder="any" autoComplete="off" />
        </label>
        <label>
          Remote service
          <input
            name="remoteServiceName"
            list="cairn-remote-services"
            value={form.remoteServiceName}
            onInput={set('remoteServiceName')}
            placeholder="any"
            autoComplete="off"
          />
        </label>
        <label>
          Range
          <select name="lookback" value={form.lookback} onChange={set('lookback')}>
            {LOOKBACKS.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
            {!LOOKBACKS.some((o) => o.key === form.lookback) && <option value={form.lookback}>{form.lookback} ms</option>}
          </select>
        </label>
        <label class="wide">
          Tags and annotations
          <input
            name="annotationQuery"
            list="cairn-tags"
            value={form.annotationQuery}
            onInput={set('annotationQuery')}
            placeholder="http.method=GET and error"
            autoComplete="off"
          />
        </label>
        <label>
          Min duration
          <input name="minDuration" value={form.minDuration} onInput={set('minDuration')} placeholder="e.g. 10ms" />
        </label>
        <label>
          Max duration
          <input name="maxDuration" value={form.maxDuration} onInput={set('maxDuration')} placeholder="e.g. 2s" />
        </label>
        <label>
          Limit
          <input name="limit" type="number" min="1" value={form.limit} onInput={set('limit')} />
        </label>
        <div class="search-buttons">
          <button type="submit" class="primary" data-testid="search-button">
            Search
          </button>
          <button type="button" onClick={() => { setForm(emptyForm(config)); navigate(''); }}>
            Clear
          </button>
        </div>
        <datalist id="cairn-services">{services.names.map((n) => <option key={n} value={n} />)}</datalist>
        <datalist id="cairn-span-names">{spanNames.names.map((n) => <option key={n} value={n} />)}</datalist>
        <datalist id="cairn-remote-services">{remotes.names.map((n) => <option key={n} value={n} />)}</datalist>
        <datalist id="cairn-tags">{tagOptions.map((n) => <option key={n} value={n} />)}</datalist>
      </form>
      {formError && <ErrorMessage title="Check the search:" message={formError} />}
      {services.error && <ErrorMessage title="Could not load the service names." message={services.error} />}

      {results.status === 'idle' && (
        <Notice testId="search-hint">
          {services.names.length > 0
            ? `${services.names.length} services have traces: ${services.names.slice(0, 8).join(', ')}${services.names.length > 8 ? ', …' : ''}. `
            : ''}
          Choose filters and press Search, or search everything in the chosen range.
        </Notice>
      )}
      {results.status === 'loading' && <Loading what="traces" />}
      {results.status === 'error' && <ErrorMessage title="The search failed." message={results.message} />}
      {results.status === 'done' && (
        <section class="results" data-testid="search-results">
          <div class="results-head">
            <h2>
              {sorted.length} {sorted.length === 1 ? 'trace' : 'traces'}
            </h2>
            {results.skipped > 0 && <span class="muted">({results.skipped} without timestamps left out)</span>}
            <label class="sort">
              Sort{' '}
              <select value={sort} onChange={(e) => setSort((e.currentTarget as HTMLSelectElement).value as SortOrder)}>
                <option value="longest">longest first</option>
                <option value="shortest">shortest first</option>
                <option value="newest">newest first</option>
                <option value="oldest">oldest first</option>
                <option value="spans">most spans first</option>
              </select>
            </label>
          </div>
          {sorted.length === 0 && (
            <Notice testId="no-results">No traces match. Widen the range or remove a filter.</Notice>
          )}
          <ol class="result-list">
            {sorted.map((s) => (
              <li key={s.traceId}>
                <ResultRow summary={s} maxDuration={maxDuration} />
              </li>
            ))}
          </ol>
        </section>
      )}
    </div>
  );
}

function ResultRow(props: { summary: TraceSummary; maxDuration: number }) {
  const s = props.summary;
  return (
    <Link to={`traces/${s.traceId}`} class={`result ${s.errorType !== 'none' ? 'has-error' : ''}`} testId="search-result">
      <div class="result-head">
        <span class="result-root">
          <span class="svc-chip" style={{ background: serviceColor(s.rootServiceName) }}>
            {s.rootServiceName}
          </span>{' '}
          {s.rootSpanName}
        </span>
        <span class="result-duration">{formatDuration(s.duration)}</span>
      </div>
      <div class="result-bar" title={`${formatDuration(s.duration)} of the slowest ${formatDuration(props.maxDuration)}`}>
        <div style={{ width: `${Math.max(0.5, (s.duration / props.maxDuration) * 100)}%` }} />
      </div>
      <div class="result-meta">
        {s.slowest && (
          <span class="result-slowest" title="The span with the most time on the critical path">
            ◆ {s.slowest.serviceName} {s.slowest.name} {formatDuration(s.slowest.time)} ({formatPercent(s.slowest.share)})
          </span>
        )}
        {s.servicePercentage !== undefined && (
          <span class="result-share">{s.servicePercentage}% in the searched service</span>
        )}
        <span>{s.spanCount} spans</span>
        <span>{s.services.length} services</span>
        {s.errorCount > 0 && <span class="error-badge">{s.errorCount} {s.errorCount === 1 ? 'error' : 'errors'}</span>}
        {s.errorCount === 0 && s.errorType === 'transient' && <span class="error-badge transient">error annotation</span>}
        <span title={formatTimestamp(s.timestamp)}>{formatAgo(s.timestamp)}</span>
        <span class="mono muted">{s.traceId}</span>
      </div>
      <div class="result-services">
        {s.services.map((svc) => (
          <span key={svc.serviceName} class="svc-count">
            <span class="swatch" style={{ background: serviceColor(svc.serviceName) }} />
            {svc.serviceName} ×{svc.spanCount}
          </span>
        ))}
      </div>
    </Link>
  );
}
