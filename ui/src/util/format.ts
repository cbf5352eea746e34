// Human-readable durations and times. Inputs are microseconds, as in Zipkin's model.

// "850µs", "3.25ms", "30.1ms", "320ms", "1.23s", "12.3s", "95s".
export function formatDuration(micros: number | undefined): string {
  if (micros === undefined || !Number.isFinite(micros)) return '';
  const us = Math.max(0, micros);
  if (us < 1000) return `${Math.round(us)}µs`;
  if (us < 1_000_000) return withUnit(us / 1000, 'ms');
  return withUnit(us / 1_000_000, 's');
}

function withUnit(value: number, unit: string): string {
  if (value >= 100) return `${Math.round(value)}${unit}`;
  if (value >= 10) return `${trimZeros(value.toFixed(1))}${unit}`;
  return `${trimZeros(value.toFixed(2))}${unit}`;
}

function trimZeros(text: string): string {
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}

// Percent with at most one decimal below 10%: "93%", "4.5%", "0%".
export function formatPercent(fraction: number): string {
  if (!Number.isFinite(fraction) || fraction <= 0) return '0%';
  const pct = fraction * 100;
  if (pct < 10) return `${trimZeros(pct.toFixed(1))}%`;
  return `${Math.round(pct)}%`;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

// Local date and time with milliseconds: "2024-05-01 13:45:12.345".
export function formatTimestamp(micros: number | undefined): string {
  if (!micros) return '';
  const d = new Date(micros / 1000);
  if (Number.isNaN(d.getTime())) return '';
  return (
    `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
    `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}.` +
    pad(d.getMilliseconds(), 3)
  );
}

// "3 minutes ago", "2 hours ago", "just now": for search results.
export function formatAgo(micros: number, nowMs: number = Date.now()): string {
  const seconds = Math.round((nowMs - micros / 1000) / 1000);
  if (seconds < 5) return 'just now';
  if (seconds < 60) return `${seconds} seconds ago`;
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return minutes === 1 ? '1 minute ago' : `${minutes} minutes ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 48) return hours === 1 ? '1 hour ago' : `${hours} hours ago`;
  return `${Math.round(hours / 24)} days ago`;
}

// Parses a duration typed by a person into microseconds: "250" (µs, Zipkin's unit), "250us",
// "250µs", "1.5ms", "2s", "1m". Returns undefined for empty input, NaN for malformed input.
export function parseDurationInput(text: string): number | undefined {
  const trimmed = text.trim().toLowerCase();
  if (trimmed === '') return undefined;
  const match = /^(\d+(?:\.\d+)?)\s*(us|µs|μs|ms|s|m)?$/.exec(trimmed);
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  const unit = match[2] ?? 'us';
  const factor: Record<string, number> = {
    us: 1,
    µs: 1,
    μs: 1,
    ms: 1000,
    s: 1_000_000,
    m: 60_000_000,
  };
  return Math.round(value * factor[unit]);
}
