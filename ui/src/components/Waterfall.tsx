// The waterfall: one row per span in tree order, a collapsible name column with self time, and a
// timeline bar per span with the critical path drawn over it. Only the rows in view (plus a few)
// are in the DOM, so a trace of tens of thousands of spans scrolls as smoothly as a small one.
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TraceModel, TraceRow } from '../trace/trace-model';
import { serviceColor } from '../util/colors';
import { formatDuration } from '../util/format';

export const ROW_HEIGHT = 26;
const OVERSCAN = 12;
const INDENT = 14;
const MAX_INDENT_DEPTH = 24;

export interface WaterfallProps {
  model: TraceModel;
  visible: number[]; // row indexes shown, in order
  collapsed: ReadonlySet<number>;
  selected?: number;
  zoom: [number, number]; // µs from the trace start
  showCritical: boolean;
  criticalByRow: ReadonlyMap<number, Array<[number, number]>>;
  scrollRequest: { row: number; seq: number } | undefined;
  onSelect(row: number): void;
  onToggle(row: number): void;
}

function pct(value: number): string {
  return `${value.toFixed(4)}%`;
}

export function Waterfall(props: WaterfallProps) {
  const { model, visible, zoom } = props;
  const body = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(600);
  const [scrollbar, setScrollbar] = useState(0);
  const frame = useRef(0);

  useLayoutEffect(() => {
    const el = body.current;
    if (!el) return undefined;
    const measure = () => {
      setHeight(el.clientHeight || 600);
      // Header and grid sit outside the scroller: they leave room for its scrollbar.
      setScrollbar(el.offsetWidth - el.clientWidth);
    };
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, [visible.length > 0]);

  useEffect(() => () => cancelAnimationFrame(frame.current), []);

  // Bring a requested row into view (verdict click, keyboard).
  useEffect(() => {
    const request = props.scrollRequest;
    const el = body.current;
    if (!request || !el) return;
    const position = visible.indexOf(request.row);
    if (position < 0) return;
    const top = position * ROW_HEIGHT;
    if (top < el.scrollTop || top + ROW_HEIGHT > el.scrollTop + el.clientHeight) {
      el.scrollTop = Math.max(0, top - el.clientHeight / 3);
      setScrollTop(el.scrollTop);
    }
  }, [props.scrollRequest]);

  const onScroll = () => {
    cancelAnimationFrame(frame.current);
    frame.current = requestAnimationFrame(() => setScrollTop(body.current?.scrollTop ?? 0));
  };

  const onKeyDown = (e: JSX.TargetedKeyboardEvent<HTMLDivElement>) => {
    if (visible.length === 0) return;
    const position = props.selected === undefined ? -1 : visible.indexOf(props.selected);
    const row = props.selected === undefined ? undefined : model.rows[props.selected];
    if (e.key === 'ArrowDown' || e.key === 'j') {
      props.onSelect(visible[Math.min(visible.length - 1, position + 1)]);
    } else if (e.key === 'ArrowUp' || e.key === 'k') {
      props.onSelect(visible[Math.max(0, position - 1)]);
    } else if (row && e.key === 'ArrowLeft' && row.children.length > 0 && !props.collapsed.has(row.index)) {
      props.onToggle(row.index);
    } else if (row && e.key === 'ArrowRight' && props.collapsed.has(row.index)) {
      props.onToggle(row.index);
    } else {
      return;
    }
    e.preventDefault();
  };

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(visible.length, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  const range = Math.max(1, zoom[1] - zoom[0]);
  const ticks = [0, 0.25, 0.5, 0.75, 1].map((f) => zoom[0] + f * range);

  return (
    <div class="waterfall" data-testid="waterfall">
      <div class="wf-header" style={{ paddingRight: `${scrollbar}px` }}>
        <div class="wf-name-col">
          <span>Service · span</span>
          <span class="wf-self" title="Time in the span itself, not in its children">self</span>
        </div>
        <div class="wf-time-col wf-ticks">
          {ticks.map((t, i) => (
            <span key={i} style={{ left: pct(i * 25) }} class={i === 4 ? 'last' : i === 0 ? 'first' : ''}>
              {formatDuration(t)}
            </span>
          ))}
        </div>
      </div>
      <div
        class="wf-body"
        ref={body}
        onScroll={onScroll}
        tabIndex={0}
        onKeyDown={onKeyDown}
        data-testid="waterfall-body"
      >
        <div class="wf-spacer" style={{ height: `${visible.length * ROW_HEIGHT}px` }}>
          {visible.slice(first, last).map((rowIndex, i) => (
            <WaterfallRow
              key={rowIndex}
              row={model.rows[rowIndex]}
              top={(first + i) * ROW_HEIGHT}
              zoomFrom={zoom[0]}
              range={range}
              selected={props.selected === rowIndex}
              dominant={model.verdict?.dominant === true && model.verdict.row === rowIndex}
              collapsed={props.collapsed.has(rowIndex)}
              critical={props.showCritical ? props.criticalByRow.get(rowIndex) : undefined}
              onSelect={props.onSelect}
              onToggle={props.onToggle}
            />
          ))}
        </div>
      </div>
      {/* Grid lines drawn once over the rows, not per row: scrolling repaints less. */}
      <div class="wf-grid" style={{ right: `${scrollbar}px` }} aria-hidden="true">
        <div class="wf-name-col" />
        <div class="wf-time-col" />
      </div>
    </div>
  );
}

function WaterfallRow(props: {
  row: TraceRow;
  top: number;
  zoomFrom: number;
  range: number;
  selected: boolean;
  dominant: boolean;
  collapsed: boolean;
  critical?: Array<[number, number]>;
  onSelect(row: number): void;
  onToggle(row: number): void;
}) {
  const { row, zoomFrom, range } = props;
  const left = ((row.start - zoomFrom) / range) * 100;
  const width = Math.max((row.duration / range) * 100, 0);
  const end = left + width;
  const color = serviceColor(row.serviceName);
  const depth = Math.min(row.depth, MAX_INDENT_DEPTH);
  // The duration label goes right of the bar, else left of it, else inside its visible part.
  const shownFrom = Math.max(0, left);
  const shownTo = Math.min(100, end);
  let labelStyle: Record<string, string>;
  let labelClass = 'wf-duration';
  if (end <= 82) {
    labelStyle = { left: `calc(${pct(Math.max(0, end))} + 4px)` };
  } else if (left >= 18) {
    labelStyle = { right: `calc(${pct(100 - left)} + 4px)` };
  } else {
    labelStyle = { right: `calc(${pct(100 - shownTo)} + 4px)` };
    if (shownTo - shownFrom > 12) labelClass += ' inside';
  }
  const classes = ['wf-row'];
  if (props.selected) classes.push('selected');
  if (props.dominant) classes.push('dominant');
  if (row.errorType !== 'none') classes.push(`error-${row.errorType}`);
  return (
    <div
      class={classes.join(' ')}
      style={{ top: `${props.top}px`, height: `${ROW_HEIGHT}px` }}
      onClick={() => props.onSelect(row.index)}
      data-testid="span-row"
      data-row={row.index}
      aria-selected={props.selected}
      role="row"
    >
      <div class="wf-name-col" style={{ paddingLeft: `${4 + depth * INDENT}px` }}>
        {row.children.length > 0 ? (
          <button
            type="button"
            class="wf-toggle"
            aria-label={props.collapsed ? 'Expand' : 'Collapse'}
            aria-expanded={!props.collapsed}
            onClick={(e) => {
              e.stopPropagation();
              props.onToggle(row.index);
            }}
          >
            {props.collapsed ? '▸' : '▾'}
          </button>
        ) : (
          <span class="wf-toggle-space" />
        )}
        {row.depth > MAX_INDENT_DEPTH && <span class="wf-depth">{row.depth}</span>}
        {props.dominant && (
          <span class="wf-dominant" title="Dominates the trace (see the verdict)">
            ◆
          </span>
        )}
        <span class="wf-service" style={{ borderColor: color }}>
          {row.serviceName}
        </span>
        <span class="wf-span-name" title={row.name}>
          {row.name}
        </span>
        {props.collapsed && <span class="wf-hidden">+{row.descendants}</span>}
        <span class="wf-self">{formatDuration(row.selfTime)}</span>
      </div>
      <div class="wf-time-col">
        <div
          class="wf-bar"
          style={{ left: pct(left), width: `max(${pct(width)}, 2px)`, background: color }}
        />
        {props.critical?.map(([from, to], i) => (
          <div
            key={i}
            class="wf-critical"
            style={{ left: pct(((from - zoomFrom) / range) * 100), width: `max(${pct(((to - from) / range) * 100)}, 2px)` }}
          />
        ))}
        <span class={labelClass} style={labelStyle}>
          {formatDuration(row.duration)}
        </span>
      </div>
    </div>
  );
}
