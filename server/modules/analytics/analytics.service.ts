import { validation } from '../../http/errors';
import type { Principal } from '../../http/principal';
import type { Clock } from '../../lib/clock';
import { MAX_PERIODS, type Analytics, type AnalyticsQuery, type Grouping, type Period } from './analytics.schemas';
import type { AnalyticsStore, GroupRow } from './analytics.store';

const DAY_MS = 86_400_000;
export const DEFAULT_RANGE_DAYS = 30;

const emptySeverities = () => ({ critical: 0, high: 0, medium: 0, low: 0 });
const emptyStatuses = () => ({ active: 0, investigating: 0, identified: 0, monitoring: 0, mitigated: 0, resolved: 0 });

/** The start (UTC midnight) of the period holding `at`: its day, or the Monday of its week. */
export function periodStart(at: Date, grouping: Grouping): Date {
  const day = Date.UTC(at.getUTCFullYear(), at.getUTCMonth(), at.getUTCDate());
  if (grouping === 'day') return new Date(day);
  const sinceMonday = (new Date(day).getUTCDay() + 6) % 7;
  return new Date(day - sinceMonday * DAY_MS);
}

const mean = (sum: number | null, count: number): number | null => (count === 0 || sum === null ? null : Math.round((sum / count) * 1000) / 1000);

interface Tally {
  incidents: number;
  acknowledged: number;
  ackSeconds: number;
  resolved: number;
  resolveSeconds: number;
  bySeverity: Record<string, number>;
}

const emptyTally = (): Tally => ({ incidents: 0, acknowledged: 0, ackSeconds: 0, resolved: 0, resolveSeconds: 0, bySeverity: emptySeverities() });

function add(tally: Tally, row: GroupRow): void {
  tally.incidents += row.incidents;
  tally.acknowledged += row.acknowledged;
  tally.ackSeconds += row.ack_seconds ?? 0;
  tally.resolved += row.resolved;
  tally.resolveSeconds += row.resolve_seconds ?? 0;
  tally.bySeverity[row.severity] = (tally.bySeverity[row.severity] ?? 0) + row.incidents;
}

/** MTTA, MTTR and incident counts over a date range, whole and per day or week (000's /analytics). */
export function createAnalyticsService(deps: { store: AnalyticsStore; clock: Clock }) {
  return {
    report(principal: Principal, query: AnalyticsQuery): Analytics {
      const grouping = query.group_by ?? 'day';
      const to = query.to ? new Date(query.to) : deps.clock.now();
      const from = query.from ? new Date(query.from) : new Date(to.getTime() - DEFAULT_RANGE_DAYS * DAY_MS);
      if (from.getTime() >= to.getTime()) throw validation('from', '`from` must be before `to`', 'range');

      const starts: Date[] = [];
      const step = grouping === 'day' ? DAY_MS : 7 * DAY_MS;
      for (let t = periodStart(from, grouping).getTime(); t < to.getTime(); t += step) {
        if (starts.length === MAX_PERIODS) throw validation('from', `The range holds more than ${MAX_PERIODS} periods of a ${grouping}; narrow it or group by week`, 'range');
        starts.push(new Date(t));
      }

      const filter = { orgId: principal.orgId, from: from.toISOString(), to: to.toISOString(), ...(query.service_id ? { serviceId: query.service_id } : {}) };
      const whole = emptyTally();
      const byStatus: Record<string, number> = emptyStatuses();
      const periods = new Map(starts.map((start) => [start.toISOString().slice(0, 10), emptyTally()]));
      for (const row of deps.store.groups(filter, grouping)) {
        add(whole, row);
        byStatus[row.status] = (byStatus[row.status] ?? 0) + row.incidents;
        const period = periods.get(row.period);
        if (period) add(period, row);
      }

      const series: Period[] = starts.map((start) => {
        const tally = periods.get(start.toISOString().slice(0, 10))!;
        return {
          period_start: start.toISOString(),
          incidents: tally.incidents,
          acknowledged: tally.acknowledged,
          resolved: tally.resolved,
          mtta_seconds: mean(tally.ackSeconds, tally.acknowledged),
          mttr_seconds: mean(tally.resolveSeconds, tally.resolved),
          by_severity: tally.bySeverity as Period['by_severity'],
        };
      });

      return {
        from: filter.from,
        to: filter.to,
        group_by: grouping,
        service_id: query.service_id ?? null,
        incidents: whole.incidents,
        open: whole.incidents - (byStatus.resolved ?? 0),
        acknowledged: whole.acknowledged,
        resolved: whole.resolved,
        mtta_seconds: mean(whole.ackSeconds, whole.acknowledged),
        mttr_seconds: mean(whole.resolveSeconds, whole.resolved),
        by_severity: whole.bySeverity as Analytics['by_severity'],
        by_status: byStatus as Analytics['by_status'],
        by_service: deps.store.byService(filter),
        series,
      };
    },
  };
}

export type AnalyticsService = ReturnType<typeof createAnalyticsService>;
