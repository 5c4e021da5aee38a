import type { ServiceStatus } from './services.schemas';

/**
 * How much of each state counts as downtime (Statuspage's convention): a major outage is down, a
 * partial outage a third down (0.3), degraded performance still up. Maintenance is excluded from
 * both the downtime and the time it is measured over.
 */
export const DOWNTIME_WEIGHT: Record<Exclude<ServiceStatus, 'under_maintenance'> | 'none', number> = {
  none: 0,
  operational: 0,
  degraded_performance: 0,
  partial_outage: 0.3,
  major_outage: 1,
};

/** An open incident's impact on the service between two instants (epoch ms; `to` null = still open). */
export interface ImpactSpan {
  from: number;
  to: number | null;
  impact: keyof typeof DOWNTIME_WEIGHT;
}

export interface UptimeInput {
  /** Epoch ms; the caller clamps it to the service's creation. */
  start: number;
  end: number;
  /** The status in force at `start` first, then every change, oldest first (epoch ms). */
  history: Array<{ status: ServiceStatus; at: number }>;
  impacts: ImpactSpan[];
}

/** Percent of the measured time the service was up, rounded down to two decimals (never 100 after any downtime). */
export function uptimePercent({ start, end, history, impacts }: UptimeInput): number {
  if (end <= start) return 100;
  const cuts = new Set<number>([start, end]);
  for (const h of history) if (h.at > start && h.at < end) cuts.add(h.at);
  for (const span of impacts) {
    if (span.from > start && span.from < end) cuts.add(span.from);
    if (span.to !== null && span.to > start && span.to < end) cuts.add(span.to);
  }
  const points = [...cuts].sort((a, b) => a - b);
  let measured = 0;
  let down = 0;
  let h = 0;
  for (let i = 0; i < points.length - 1; i++) {
    const a = points[i]!;
    const b = points[i + 1]!;
    while (h + 1 < history.length && history[h + 1]!.at <= a) h += 1;
    const status = history[h] && history[h]!.at <= a ? history[h]!.status : 'operational';
    if (status === 'under_maintenance') continue;
    let weight = DOWNTIME_WEIGHT[status];
    for (const span of impacts) {
      if (span.from <= a && (span.to === null || span.to >= b)) weight = Math.max(weight, DOWNTIME_WEIGHT[span.impact]);
    }
    measured += b - a;
    down += weight * (b - a);
  }
  if (measured === 0) return 100;
  return Math.floor((100 * (measured - down)) / measured * 100 + 1e-6) / 100;
}
