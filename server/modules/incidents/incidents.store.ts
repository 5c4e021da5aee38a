import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';
import type { Severity, Status } from './incidents.schemas';

export interface IncidentRow {
  id: string;
  org_id: string;
  title: string;
  description: string;
  severity: Severity;
  status: Status;
  visibility: 'public' | 'internal';
  assignee_id: string | null;
  assignee_name: string | null;
  created_by: string | null;
  acknowledged_at: string | null;
  acknowledged_by: string | null;
  resolved_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface IncidentFilter {
  orgId: string;
  status?: Status;
  /** Not resolved. */
  open?: boolean;
  severity?: Severity;
  words?: string[];
  from?: string;
  to?: string;
}

const SELECT = `SELECT i.id, i.org_id, i.title, i.description, i.severity, i.status, i.visibility, i.assignee_id, u.name AS assignee_name,
  i.created_by, i.acknowledged_at, i.acknowledged_by, i.resolved_at, i.created_at, i.updated_at
  FROM incidents i LEFT JOIN users u ON u.id = i.assignee_id`;

function where(filter: IncidentFilter): { sql: string; params: unknown[] } {
  const clauses = ['i.org_id = ?', 'i.deleted_at IS NULL'];
  const params: unknown[] = [filter.orgId];
  const add = (clause: string, ...values: unknown[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (filter.status) add('i.status = ?', filter.status);
  if (filter.open) add("i.status <> 'resolved'");
  if (filter.severity) add('i.severity = ?', filter.severity);
  if (filter.from) add('i.created_at >= ?', filter.from);
  if (filter.to) add('i.created_at <= ?', filter.to);
  for (const word of filter.words ?? []) {
    const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    add(`(i.title LIKE ? ESCAPE '\\' OR i.description LIKE ? ESCAPE '\\')`, pattern, pattern);
  }
  return { sql: clauses.join(' AND '), params };
}

export function incidentsStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO incidents (id, org_id, title, description, severity, status, visibility, assignee_id, created_by, created_at, updated_at)
     VALUES (@id, @org_id, @title, @description, @severity, @status, @visibility, @assignee_id, @created_by, @created_at, @updated_at)`,
  );
  const byId = db.prepare<[string, string], IncidentRow>(`${SELECT} WHERE i.id = ? AND i.org_id = ? AND i.deleted_at IS NULL`);
  return {
    insert: (row: Omit<IncidentRow, 'assignee_name' | 'acknowledged_at' | 'acknowledged_by' | 'resolved_at'>) => void insert.run(row),
    get: (orgId: string, id: string) => byId.get(id, orgId),
    /** Newest first. */
    list(filter: IncidentFilter, limit: number, offset: number): { rows: IncidentRow[]; total: number } {
      const { sql, params } = where(filter);
      const rows = db.prepare(`${SELECT} WHERE ${sql} ORDER BY i.created_at DESC, i.id DESC LIMIT ? OFFSET ?`).all(...params, limit, offset) as IncidentRow[];
      return withTotal(rows, limit, offset, () => (db.prepare(`SELECT count(*) AS n FROM incidents i WHERE ${sql}`).get(...params) as { n: number }).n);
    },
  };
}

export type IncidentsStore = ReturnType<typeof incidentsStore>;
