// Everything about one row of the trace: ids, timing (with self time and time on the critical
// path), annotations relative to the trace start, tags with the endpoints that reported them, the
// endpoints of each side, and the raw span JSON.
import type { TraceModel, TraceRow } from '../trace/trace-model';
import { formatEndpoint } from '../trace/span-row';
import { serviceColor } from '../util/colors';
import { formatDuration, formatPercent, formatTimestamp } from '../util/format';

export function SpanDetail(props: { model: TraceModel; row: TraceRow; onClose(): void }) {
  const { model, row } = props;
  const parentRow = row.parent >= 0 ? model.rows[row.parent] : undefined;
  return (
    <aside class="span-detail" data-testid="span-detail" aria-label="Span details">
      <header>
        <div>
          <span class="detail-service" style={{ background: serviceColor(row.serviceName) }}>
            {row.serviceName}
          </span>
          <h2 data-testid="span-detail-name">{row.name}</h2>
        </div>
        <button type="button" class="close" onClick={props.onClose} aria-label="Close span details">
          ×
        </button>
      </header>
      {row.errorType !== 'none' && (
        <div class={`message error error-${row.errorType}`}>
          {row.errorType === 'critical'
            ? `Failed: ${row.tags.find((t) => t.key === 'error')?.value || 'error tag set'}`
            : 'An error annotation was recorded'}
        </div>
      )}
      <dl class="facts">
        <dt>Duration</dt>
        <dd>{formatDuration(row.duration) || '–'}</dd>
        <dt>Self time</dt>
        <dd>{formatDuration(row.selfTime) || '0µs'}</dd>
        <dt>Critical path</dt>
        <dd>
          {row.criticalTime > 0
            ? `${formatDuration(row.criticalTime)} (${formatPercent(row.criticalTime / Math.max(1, model.duration))} of the trace)`
            : 'not on it'}
        </dd>
        <dt>Start</dt>
        <dd>
          +{formatDuration(row.start) || '0µs'} <span class="muted">{formatTimestamp(row.timestamp)}</span>
        </dd>
        <dt>Kind</dt>
        <dd>{row.kind ?? 'local'}</dd>
        <dt>Span ID</dt>
        <dd class="mono" data-testid="span-detail-id">{row.spanId}</dd>
        <dt>Parent ID</dt>
        <dd class="mono">
          {row.parentId ?? 'none (root)'}
          {parentRow && <span class="muted"> {parentRow.serviceName} {parentRow.name}</span>}
        </dd>
        <dt>Trace ID</dt>
        <dd class="mono">{model.traceId}</dd>
        <dt>Services</dt>
        <dd>{row.serviceNames.join(', ') || '–'}</dd>
      </dl>

      <h3>Annotations</h3>
      {row.annotations.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <table class="kv" data-testid="span-annotations">
          <thead>
            <tr>
              <th>Time</th>
              <th>Event</th>
              <th>Endpoint</th>
            </tr>
          </thead>
          <tbody>
            {row.annotations.map((a, i) => (
              <tr key={i} class={a.derived ? 'derived' : ''}>
                <td class="mono" title={formatTimestamp(a.timestamp)}>
                  +{formatDuration(a.timestamp - model.timestamp) || '0µs'}
                </td>
                <td>{a.value}</td>
                <td class="muted">{a.endpoint}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Tags</h3>
      {row.tags.length === 0 ? (
        <p class="muted">None.</p>
      ) : (
        <table class="kv" data-testid="span-tags">
          <tbody>
            {row.tags.map((t, i) => (
              <tr key={i} class={t.key === 'error' ? 'tag-error' : ''}>
                <th>{t.key}</th>
                <td>
                  <span class="tag-value">{t.value}</span>
                  {row.spans.length > 1 && t.endpoints.length > 0 && (
                    <span class="muted small"> {t.endpoints.join(', ')}</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h3>Endpoints</h3>
      <table class="kv">
        <tbody>
          {row.spans.map((span, i) => (
            <tr key={i}>
              <th>{span.kind ?? 'LOCAL'}{span.shared ? ' (shared)' : ''}</th>
              <td>
                <div>local: {formatEndpoint(span.localEndpoint) || '–'}</div>
                {span.remoteEndpoint && <div>remote: {formatEndpoint(span.remoteEndpoint)}</div>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>

      <details class="raw">
        <summary>Span JSON</summary>
        <pre>{JSON.stringify(row.spans.length === 1 ? row.spans[0] : row.spans, null, 2)}</pre>
      </details>
    </aside>
  );
}
