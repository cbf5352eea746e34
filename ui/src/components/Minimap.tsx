// An overview of the whole trace (every span as a thin line) with the zoomed window shaded.
// Dragging across it zooms the waterfall to that time range; a double click zooms out again.
import type { JSX } from 'preact';
import { useEffect, useLayoutEffect, useRef, useState } from 'preact/hooks';
import type { TraceModel } from '../trace/trace-model';
import { serviceColor } from '../util/colors';

const HEIGHT = 56;

export function Minimap(props: {
  model: TraceModel;
  zoom: [number, number];
  onZoom(range: [number, number] | undefined): void;
}) {
  const { model, zoom } = props;
  const wrap = useRef<HTMLDivElement>(null);
  const canvas = useRef<HTMLCanvasElement>(null);
  const [width, setWidth] = useState(800);
  const [drag, setDrag] = useState<[number, number] | undefined>();

  useLayoutEffect(() => {
    const el = wrap.current;
    if (!el) return undefined;
    setWidth(el.clientWidth || 800);
    const observer = new ResizeObserver(() => setWidth(el.clientWidth || 800));
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  useEffect(() => {
    const c = canvas.current;
    const ctx = c?.getContext('2d');
    if (!c || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    c.width = Math.round(width * ratio);
    c.height = Math.round(HEIGHT * ratio);
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, HEIGHT);
    const n = model.rows.length;
    const duration = Math.max(1, model.duration);
    const rowHeight = Math.max(1, Math.min(6, HEIGHT / Math.max(1, n)));
    for (const row of model.rows) {
      const y = n <= HEIGHT / rowHeight ? row.index * rowHeight : (row.index / n) * (HEIGHT - 1);
      ctx.fillStyle = row.errorType === 'critical' ? '#d43f3a' : serviceColor(row.serviceName);
      ctx.fillRect((row.start / duration) * width, y, Math.max(1, (row.duration / duration) * width), Math.max(1, rowHeight - 1));
    }
  }, [model, width]);

  const toTime = (clientX: number) => {
    const rect = wrap.current!.getBoundingClientRect();
    const fraction = Math.min(1, Math.max(0, (clientX - rect.left) / rect.width));
    return fraction * model.duration;
  };

  const onMouseDown = (e: JSX.TargetedMouseEvent<HTMLDivElement>) => {
    if (e.button !== 0) return;
    e.preventDefault();
    const start = toTime(e.clientX);
    setDrag([start, start]);
    const move = (m: MouseEvent) => setDrag([start, toTime(m.clientX)]);
    const up = (m: MouseEvent) => {
      window.removeEventListener('mousemove', move);
      window.removeEventListener('mouseup', up);
      setDrag(undefined);
      const end = toTime(m.clientX);
      const from = Math.min(start, end);
      const to = Math.max(start, end);
      // A click (no real drag) does not zoom.
      if ((to - from) / Math.max(1, model.duration) > 0.005) props.onZoom([from, to]);
    };
    window.addEventListener('mousemove', move);
    window.addEventListener('mouseup', up);
  };

  const shown = drag ? [Math.min(drag[0], drag[1]), Math.max(drag[0], drag[1])] : zoom;
  const duration = Math.max(1, model.duration);
  const left = (shown[0] / duration) * 100;
  const right = (shown[1] / duration) * 100;
  return (
    <div
      class="minimap"
      ref={wrap}
      onMouseDown={onMouseDown}
      onDblClick={() => props.onZoom(undefined)}
      title="Drag to zoom into a time range, double-click to zoom out"
      data-testid="minimap"
    >
      <canvas ref={canvas} style={{ width: `${width}px`, height: `${HEIGHT}px` }} />
      <div class="minimap-shade" style={{ left: 0, width: `${left}%` }} />
      <div class="minimap-shade" style={{ left: `${right}%`, right: 0 }} />
      <div class="minimap-window" style={{ left: `${left}%`, width: `${Math.max(0.2, right - left)}%` }} />
    </div>
  );
}
