import type { Db } from '../../db/database';
import type { Grouping } from './analytics.schemas';

/** Incidents of one period, severity and status, with the sums the means are made of. */
export interface GroupRow {
  period: string;
  severity: string;
  status: string;
  incidents: number;
  acknowledged: number;
  ack_seconds: number | null;
  resolved: number;
  resolve_seconds: number | null;
}

export interface ServiceCountRow {
  service_id: string;
  name: string;
  incidents: number;
}

export interface AnalyticsFilter {
  orgId: string;
  from: string;
  to: string;
  serviceId?: string;
}

// UTC periods: a day is the date; a week is the Monday it starts on.
const PERIOD: Record<Grouping, string> = {
  day: 'substr(i.created_at, 1, 10)',
  week: "date(i.created_at, '-6 days', 'weekday 1')",
};

const AFFECTS = 'EXISTS (SELECT 1 FROM incident_services l WHERE l.incident_id = i.id AND l.service_id = ? AND l.deleted_at IS NULL)';

function where(filter: AnalyticsFilter): { sql: string; params: unknown[] } {
  const clauses = ['i.org_id = ?', 'i.deleted_at IS NULL', 'i.created_at >= ?', 'i.created_at < ?'];
  const params: unknown[] = [filter.orgId, filter.from, filter.to];
  if (filter.serviceId !== undefined) {
    clauses.push(AFFECTS);
    params.push(filter.serviceId);
  }
  return { sql: clauses.join(' AND '), params };
}

/** Reads the incident tables of migrations 0002 and 0004; writes nothing. */
export function analyticsStore(db: Db) {
  return {
    groups(filter: AnalyticsFilter, grouping: Grouping): GroupRow[] {
      const { sql, params } = where(filter);
      return db.prepare(
        `SELECT ${PERIOD[grouping]} AS period, i.severity, i.status, count(*) AS incidents,
                count(i.acknowledged_at) AS acknowledged,
                sum((julianday(i.acknowledged_at) - julianday(i.created_at)) * 86400) AS ack_seconds,
                count(i.resolved_at) AS resolved,
                sum((julianday(i.resolved_at) - julianday(i.created_at)) * 86400) AS resolve_seconds
           FROM incidents i WHERE ${sql}
          GROUP BY period, i.severity, i.status`,
      ).all(...params) as GroupRow[];
    },

    byService(filter: AnalyticsFilter): ServiceCountRow[] {
      const { sql, params } = where(filter);
      return db.prepare(
        `SELECT s.id AS service_id, s.name, count(DISTINCT i.id) AS incidents
           FROM incidents i
           JOIN incident_services l ON l.incident_id = i.id AND l.deleted_at IS NULL
           JOIN services s ON s.id = l.service_id AND s.org_id = i.org_id
          WHERE ${sql}
          GROUP BY s.id ORDER BY incidents DESC, s.name, s.id`,
      ).all(...params) as ServiceCountRow[];
    },
  };
}

export type AnalyticsStore = ReturnType<typeof analyticsStore>;
