// /dependency: the services and the calls between them over a chosen range, with call and error
// counts. A service or a link opens its details with a link to the matching trace search.
import { useEffect, useMemo, useState } from 'preact/hooks';
import { errorMessage, isAbort } from '../api/client';
import type { UiConfig } from '../api/config';
import { getDependencies } from '../api/zipkin';
import { Link } from '../components/Link';
import { ErrorMessage, Loading, Notice } from '../components/Messages';
import { buildDependencyGraph, layoutGraph, type GraphLayout, type PositionedEdge } from '../deps/graph';
import type { DependencyLink } from '../model/span';
import { navigate } from '../router';
import { LOOKBACKS, lookbackMs } from '../search/query';
import { formatPercent } from '../util/format';

type Selection = { type: 'node'; name: string } | { type: 'edge'; parent: string; child: string };

type State =
  | { status: 'loading' }
  | { status: 'error'; message: string }
  | { status: 'ok'; links: DependencyLink[]; fetchedAt: number };

const DEFAULT_LOOKBACK = '1d';

function edgePath(e: PositionedEdge): string {
  if (e.points.length === 0) return '';
  const [first, ...rest] = e.points;
  if (rest.length === 1) return `M${first.x},${first.y} L${rest[0].x},${rest[0].y}`;
  // A smooth curve through dagre's control points.
  let d = `M${first.x},${first.y}`;
  for (let i = 0; i < rest.length - 1; i++) {
    const mid = { x: (rest[i].x + rest[i + 1].x) / 2, y: (rest[i].y + rest[i + 1].y) / 2 };
    d += ` Q${rest[i].x},${rest[i].y} ${mid.x},${mid.y}`;
  }
  const end = rest[rest.length - 1];
  return `${d} L${end.x},${end.y}`;
}

export function DependencyPage(props: { config: UiConfig; search: string }) {
  const { config } = props;
  const params = new URLSearchParams(props.search);
  const lookback = params.get('lookback') ?? DEFAULT_LOOKBACK;
  const endParam = params.get('endTs') ?? '';
  const [state, setState] = useState<State>({ status: 'loading' });
  const [selection, setSelection] = useState<Selection>();
  const [runs, setRuns] = useState(0);

  useEffect(() => {
    const ms = lookbackMs(lookback);
    const endTs = endParam === '' ? Date.now() : Number(endParam);
    if (ms === undefined || !Number.isInteger(endTs) || endTs <= 0) {
      setState({ status: 'error', message: `The range "${lookback}" ending at "${endParam}" is not valid.` });
      return undefined;
    }
    setState({ status: 'loading' });
    const controller = new AbortController();
    getDependencies(endTs, ms, controller.signal).then(
      (links) => setState({ status: 'ok', links, fetchedAt: endTs }),
      (e) => {
        if (!isAbort(e)) setState({ status: 'error', message: errorMessage(e) });
      },
    );
    return () => controller.abort();
  }, [lookback, endParam, runs]);

  const layout = useMemo<GraphLayout | undefined>(() => {
    if (state.status !== 'ok' || state.links.length === 0) return undefined;
    return layoutGraph(buildDependencyGraph(state.links, config.dependency));
  }, [state, config]);

  if (!config.dependency.enabled) {
    return <Notice>The dependency graph is disabled on this server (ZIPKIN_UI_DEPENDENCY_ENABLED=false).</Notice>;
  }

  const totals = layout
    ? layout.edges.reduce((t, e) => ({ calls: t.calls + e.callCount, errors: t.errors + e.errorCount }), { calls: 0, errors: 0 })
    : undefined;
  const searchLookback = LOOKBACKS.some((o) => o.key === lookback) ? lookback : DEFAULT_LOOKBACK;

  return (
    <div class="dependency-page">
      <div class="dep-toolbar">
        <label>
          Range{' '}
          <select
            value={lookback}
            data-testid="dependency-range"
            onChange={(e) => {
              setSelection(undefined);
              navigate(`dependency?lookback=${(e.currentTarget as HTMLSelectElement).value}`);
            }}
          >
            {LOOKBACKS.map((o) => (
              <option key={o.key} value={o.key}>
                {o.label}
              </option>
            ))}
          </select>
        </label>
        <button type="button" onClick={() => setRuns(runs + 1)}>
          Refresh
        </button>
        {layout && totals && (
          <span class="muted" data-testid="dependency-summary">
            {layout.nodes.length} services, {layout.edges.length} links, {totals.calls} calls
            {totals.errors > 0 ? `, ${totals.errors} errors` : ''}
          </span>
        )}
      </div>
      {state.status === 'loading' && <Loading what="dependencies" />}
      {state.status === 'error' && <ErrorMessage title="Could not load the dependency graph." message={state.message} />}
      {state.status === 'ok' && !layout && (
        <Notice testId="no-dependencies">
          No calls between services in this range. Links appear once traces of calls between instrumented services
          are stored (the RocksDB store links a trace a few seconds after its last span arrived).
        </Notice>
      )}
      {layout && (
        <div class="dep-body">
          <div class="dep-canvas">
            <svg
              class="dep-graph"
              data-testid="dependency-graph"
              viewBox={`0 0 ${layout.width} ${layout.height}`}
              width={layout.width}
              height={layout.height}
              role="img"
              aria-label="Service dependency graph"
            >
              <defs>
                {(['none', 'some', 'low', 'high'] as const).map((level) => (
                  <marker key={level} id={`arrow-${level}`} viewBox="0 0 10 10" refX="9" refY="5" markerUnits="userSpaceOnUse" markerWidth="10" markerHeight="10" orient="auto">
                    <path d="M0,0 L10,5 L0,10 z" class={`arrowhead level-${level}`} />
                  </marker>
                ))}
              </defs>
              {layout.edges.map((e) => {
                const active = selection?.type === 'edge' && selection.parent === e.parent && selection.child === e.child;
                return (
                  <g
                    key={`${e.parent}>${e.child}`}
                    class={`dep-edge level-${e.level} ${active ? 'active' : ''}`}
                    onClick={() => setSelection({ type: 'edge', parent: e.parent, child: e.child })}
                    data-testid="dep-edge"
                  >
                    <path d={edgePath(e)} class="hit" />
                    <path
                      d={edgePath(e)}
                      marker-end={`url(#arrow-${e.level})`}
                      style={{ strokeWidth: `${Math.min(6, 1.2 + Math.log10(1 + e.callCount))}px` }}
                    />
                    <text x={e.labelX} y={e.labelY} text-anchor="middle">
                      {e.callCount}
                      {e.errorCount > 0 ? ` (${e.errorCount} err)` : ''}
                    </text>
                  </g>
                );
              })}
              {layout.nodes.map((n) => {
                const active = selection?.type === 'node' && selection.name === n.name;
                return (
                  <g
                    key={n.name}
                    class={`dep-node ${active ? 'active' : ''} ${n.errorsIn > 0 ? 'has-errors' : ''}`}
                    transform={`translate(${n.x},${n.y})`}
                    onClick={() => setSelection({ type: 'node', name: n.name })}
                    data-testid="dep-node"
                    data-service={n.name}
                  >
                    <rect x={-n.width / 2} y={-n.height / 2} width={n.width} height={n.height} rx="8" />
                    <text text-anchor="middle" dy="0.35em">
                      {n.name}
                    </text>
                  </g>
                );
              })}
            </svg>
          </div>
          <DependencyDetail layout={layout} selection={selection} lookback={searchLookback} onClose={() => setSelection(undefined)} />
        </div>
      )}
    </div>
  );
}

function DependencyDetail(props: {
  layout: GraphLayout;
  selection: Selection | undefined;
  lookback: string;
  onClose(): void;
}) {
  const { layout, selection, lookback } = props;
  if (!selection) {
    return (
      <aside class="dep-detail muted">
        Click a service or a link for its calls and errors, and to search its traces.
      </aside>
    );
  }
  if (selection.type === 'edge') {
    const e = layout.edges.find((x) => x.parent === selection.parent && x.child === selection.child);
    if (!e) return null;
    return (
      <aside class="dep-detail" data-testid="dependency-detail">
        <header>
          <h2>
            {e.parent} → {e.child}
          </h2>
          <button type="button" class="close" onClick={props.onClose} aria-label="Close">
            ×
          </button>
        </header>
        <dl class="facts">
          <dt>Calls</dt>
          <dd>{e.callCount}</dd>
          <dt>Errors</dt>
          <dd>
            {e.errorCount} ({formatPercent(e.errorRate)})
          </dd>
        </dl>
        <Link to={`?serviceName=${encodeURIComponent(e.parent)}&remoteServiceName=${encodeURIComponent(e.child)}&lookback=${lookback}`} class="button primary" testId="dependency-search">
          Search these calls
        </Link>
      </aside>
    );
  }
  const n = layout.nodes.find((x) => x.name === selection.name);
  if (!n) return null;
  const callers = layout.edges.filter((e) => e.child === n.name);
  const callees = layout.edges.filter((e) => e.parent === n.name);
  const list = (edges: PositionedEdge[], other: (e: PositionedEdge) => string) =>
    edges.length === 0 ? (
      <p class="muted">none</p>
    ) : (
      <table class="kv">
        <tbody>
          {edges.map((e) => (
            <tr key={other(e)}>
              <th>{other(e)}</th>
              <td>
                {e.callCount} calls{e.errorCount > 0 && <span class="error-text">, {e.errorCount} errors</span>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    );
  return (
    <aside class="dep-detail" data-testid="dependency-detail">
      <header>
        <h2>{n.name}</h2>
        <button type="button" class="close" onClick={props.onClose} aria-label="Close">
          ×
        </button>
      </header>
      <h3>Called by</h3>
      {list(callers, (e) => e.parent)}
      <h3>Calls</h3>
      {list(callees, (e) => e.child)}
      <Link to={`?serviceName=${encodeURIComponent(n.name)}&lookback=${lookback}`} class="button primary" testId="dependency-search">
        Search traces of {n.name}
      </Link>
    </aside>
  );
}
