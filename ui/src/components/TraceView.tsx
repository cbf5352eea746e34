// A whole trace: summary, the verdict naming the span that dominates it, the minimap, the
// waterfall and the details of the selected span. Used for traces from the server and from files.
import { useMemo, useState } from 'preact/hooks';
import type { UiConfig } from '../api/config';
import type { Span } from '../model/span';
import { visibleRows, type TraceModel } from '../trace/trace-model';
import { serviceColor } from '../util/colors';
import { formatDuration, formatTimestamp } from '../util/format';
import { Minimap } from './Minimap';
import { SpanDetail } from './SpanDetail';
import { Waterfall } from './Waterfall';

export function downloadJson(spans: readonly Span[], traceId: string): void {
  const blob = new Blob([JSON.stringify(spans, null, 2)], { type: 'application/json' });
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = `trace-${traceId}.json`;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export function TraceView(props: {
  model: TraceModel;
  spans: readonly Span[];
  config: UiConfig;
  source?: string; // e.g. the uploaded file's name
}) {
  const { model } = props;
  const [collapsed, setCollapsed] = useState<ReadonlySet<number>>(() => new Set());
  const [selected, setSelected] = useState<number | undefined>(undefined);
  const [zoom, setZoom] = useState<[number, number] | undefined>(undefined);
  const [showCritical, setShowCritical] = useState(true);
  const [scrollRequest, setScrollRequest] = useState<{ row: number; seq: number }>();

  const visible = useMemo(() => visibleRows(model, collapsed), [model, collapsed]);
  const criticalByRow = useMemo(() => {
    const map = new Map<number, Array<[number, number]>>();
    for (const s of model.critical) {
      const list = map.get(s.row) ?? [];
      list.push([s.from, s.to]);
      map.set(s.row, list);
    }
    return map;
  }, [model]);

  const toggle = (row: number) => {
    const next = new Set(collapsed);
    if (next.has(row)) next.delete(row);
    else next.add(row);
    setCollapsed(next);
  };

  // Selecting a row hidden by a collapsed ancestor expands the ancestors.
  const reveal = (row: number) => {
    const next = new Set(collapsed);
    let changed = false;
    for (let p = model.rows[row].parent; p >= 0; p = model.rows[p].parent) {
      if (next.delete(p)) changed = true;
    }
    if (changed) setCollapsed(next);
    setSelected(row);
    setScrollRequest({ row, seq: (scrollRequest?.seq ?? 0) + 1 });
  };

  const collapseAll = () =>
    setCollapsed(new Set(model.rows.filter((r) => r.depth >= 1 && r.children.length > 0).map((r) => r.index)));

  const verdict = model.verdict;
  const verdictRow = verdict ? model.rows[verdict.row] : undefined;
  const logsUrl = props.config.logsUrl?.replace(/\{traceId\}/g, model.traceId);
  const range: [number, number] = zoom ?? [0, Math.max(1, model.duration)];

  return (
    <div class={`trace-view ${selected !== undefined ? 'with-detail' : ''}`}>
      <section class="trace-summary">
        <div class="trace-title">
          <h1 data-testid="trace-title">
            <span class="root-service" style={{ background: serviceColor(model.rootServiceName) }}>
              {model.rootServiceName}
            </span>{' '}
            {model.rootSpanName}
          </h1>
          <div class="trace-actions">
            <button type="button" onClick={() => downloadJson(props.spans, model.traceId)} data-testid="download-json">
              Download JSON
            </button>
            {logsUrl && (
              <a class="button" href={logsUrl} target="_blank" rel="noreferrer">
                Logs
              </a>
            )}
          </div>
        </div>
        <ul class="trace-stats" data-testid="trace-stats">
          <li>
            <b>{formatDuration(model.duration)}</b> duration
          </li>
          <li>
            <b>{model.services.length}</b> services
          </li>
          <li>
            <b>{model.spanCount}</b> spans
          </li>
          <li>
            <b>{model.depth}</b> deep
          </li>
          {model.errorCount > 0 && (
            <li class="errors">
              <b>{model.errorCount}</b> {model.errorCount === 1 ? 'error' : 'errors'}
            </li>
          )}
          <li class="muted">{formatTimestamp(model.timestamp)}</li>
          <li class="mono muted" data-testid="trace-id">
            {model.traceId}
          </li>
          {props.source && <li class="muted">from {props.source}</li>}
        </ul>
        {verdict && verdictRow && (
          <p class={`verdict ${verdict.dominant ? 'dominant' : 'spread'}`} data-testid="verdict">
            <span class="verdict-label">Verdict</span>
            <button type="button" class="link" onClick={() => reveal(verdict.row)} title="Show this span">
              {verdict.text}
            </button>
          </p>
        )}
        <ul class="legend">
          {model.services.map((s) => (
            <li key={s.serviceName}>
              <span class="swatch" style={{ background: serviceColor(s.serviceName) }} />
              {s.serviceName} <span class="muted">×{s.spanCount}</span>
            </li>
          ))}
        </ul>
      </section>

      <div class="trace-toolbar">
        <button type="button" onClick={() => setCollapsed(new Set())}>
          Expand all
        </button>
        <button type="button" onClick={collapseAll}>
          Collapse all
        </button>
        <label>
          <input
            type="checkbox"
            checked={showCritical}
            onChange={(e) => setShowCritical((e.currentTarget as HTMLInputElement).checked)}
          />{' '}
          Critical path
        </label>
        {zoom && (
          <button type="button" onClick={() => setZoom(undefined)} data-testid="reset-zoom">
            Reset zoom ({formatDuration(zoom[0])} – {formatDuration(zoom[1])})
          </button>
        )}
        <span class="muted hint">
          {visible.length === model.rows.length
            ? `${model.rows.length} rows`
            : `${visible.length} of ${model.rows.length} rows`}{' '}
          · drag on the overview to zoom · ↑/↓ to move
        </span>
      </div>
      <Minimap model={model} zoom={range} onZoom={setZoom} />
      <div class="trace-body">
        <Waterfall
          model={model}
          visible={visible}
          collapsed={collapsed}
          selected={selected}
          zoom={range}
          showCritical={showCritical}
          criticalByRow={criticalByRow}
          scrollRequest={scrollRequest}
          onSelect={setSelected}
          onToggle={toggle}
        />
        {selected !== undefined && model.rows[selected] && (
          <SpanDetail model={model} row={model.rows[selected]} onClose={() => setSelected(undefined)} />
        )}
      </div>
    </div>
  );
}
