// The one-line verdict of a trace: which span dominates it. "Dominates" means the most time on
// the critical path (critical-path.ts), that is the span whose own work (not its children's) the
// request waited for longest; making it faster is what would make the trace faster.
import { formatDuration, formatPercent } from '../util/format';

export interface VerdictRow {
  serviceName: string;
  name: string;
  kind?: string;
  children: number[];
  parent: number;
  duration: number;
  criticalTime: number;
  remoteServiceName?: string;
}

export interface Verdict {
  row: number; // the dominating row
  time: number; // its time on the critical path (µs)
  total: number; // the duration it is compared with (µs)
  share: number; // time / total
  dominant: boolean; // false when no span has a large share (a "death by a thousand cuts")
  text: string;
}

// Below this share no single span is said to dominate.
export const DOMINANT_SHARE = 0.3;

export function computeVerdict(model: {
  rows: readonly VerdictRow[];
  duration: number;
}): Verdict | undefined {
  const { rows } = model;
  let best = -1;
  for (let i = 0; i < rows.length; i++) {
    if (rows[i].criticalTime > 0 && (best < 0 || rows[i].criticalTime > rows[best].criticalTime)) {
      best = i;
    }
  }
  if (best < 0) return undefined;
  // Compared with the root request when there is one, else with the whole trace.
  const topLevel = rows.filter((r) => r.parent < 0);
  const total =
    topLevel.length === 1 && topLevel[0].duration > 0 ? topLevel[0].duration : model.duration;
  if (total <= 0) return undefined;
  const row = rows[best];
  const time = row.criticalTime;
  const share = Math.min(1, time / total);
  const what = `${row.serviceName} ${row.name}`;
  const amount = `${formatDuration(time)} of ${formatDuration(total)} (${formatPercent(share)})`;
  const waitingOnRemote =
    row.children.length === 0 && row.kind === 'CLIENT' && row.remoteServiceName
      ? `, waiting for ${row.remoteServiceName}`
      : '';
  if (share >= DOMINANT_SHARE) {
    return {
      row: best,
      time,
      total,
      share,
      dominant: true,
      text: `${what} dominates: ${amount} on the critical path${waitingOnRemote}`,
    };
  }
  return {
    row: best,
    time,
    total,
    share,
    dominant: false,
    text: `No single span dominates; the largest is ${what}: ${amount} on the critical path${waitingOnRemote}`,
  };
}
