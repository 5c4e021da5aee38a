import type { Statement } from 'better-sqlite3';
import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';
import type { ServiceStatus } from './services.schemas';

export interface ServiceRow {
  id: string;
  org_id: string;
  slug: string;
  name: string;
  description: string;
  current_status: ServiceStatus;
  visibility: 'public' | 'internal';
  /** JSON array of strings. */
  tags: string;
  created_at: string;
  updated_at: string;
}

export interface HistoryRow {
  id: string;
  service_id: string;
  status: ServiceStatus;
  changed_by: string | null;
  started_at: string;
  ended_at: string | null;
}

export interface ServiceFilter {
  orgId: string;
  status?: ServiceStatus;
  visibility?: 'public' | 'internal';
  words?: string[];
  tag?: string;
}

export type ServiceChanges = Partial<Pick<ServiceRow, 'slug' | 'name' | 'description' | 'current_status' | 'visibility' | 'tags'>>;
const CHANGEABLE = new Set(['slug', 'name', 'description', 'current_status', 'visibility', 'tags']);

const COLUMNS = 's.id, s.org_id, s.slug, s.name, s.description, s.current_status, s.visibility, s.tags, s.created_at, s.updated_at';

function where(filter: ServiceFilter): { sql: string; params: unknown[] } {
  const clauses = ['s.org_id = ?', 's.deleted_at IS NULL'];
  const params: unknown[] = [filter.orgId];
  const add = (clause: string, ...values: unknown[]) => {
    clauses.push(clause);
    params.push(...values);
  };
  if (filter.status) add('s.current_status = ?', filter.status);
  if (filter.visibility) add('s.visibility = ?', filter.visibility);
  if (filter.tag) add('EXISTS (SELECT 1 FROM json_each(s.tags) WHERE value = ?)', filter.tag);
  for (const word of filter.words ?? []) {
    const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    add(`(s.name LIKE ? ESCAPE '\\' OR s.slug LIKE ? ESCAPE '\\' OR s.description LIKE ? ESCAPE '\\')`, pattern, pattern, pattern);
  }
  return { sql: clauses.join(' AND '), params };
}

export function servicesStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO services (id, org_id, slug, name, description, current_status, visibility, tags, created_at, updated_at)
     VALUES (@id, @org_id, @slug, @name, @description, @current_status, @visibility, @tags, @created_at, @updated_at)`,
  );
  const byId = db.prepare<[string, string], ServiceRow>(`SELECT ${COLUMNS} FROM services s WHERE s.id = ? AND s.org_id = ? AND s.deleted_at IS NULL`);
  const bySlug = db.prepare<[string, string], { id: string }>('SELECT id FROM services WHERE org_id = ? AND slug = ? AND deleted_at IS NULL');
  const remove = db.prepare<[string, string, string, string]>(
    'UPDATE services SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND org_id = ? AND deleted_at IS NULL',
  );
  const insertHistory = db.prepare(
    `INSERT INTO service_status_history (id, org_id, service_id, status, changed_by, started_at)
     VALUES (@id, @org_id, @service_id, @status, @changed_by, @started_at)`,
  );
  const HISTORY = `SELECT id, service_id, status, changed_by, started_at,
      lead(started_at) OVER (ORDER BY started_at, id) AS ended_at
    FROM service_status_history WHERE service_id = ?`;
  const historyPage = db.prepare<[string, number, number], HistoryRow>(`SELECT * FROM (${HISTORY}) ORDER BY started_at DESC, id DESC LIMIT ? OFFSET ?`);
  const historyCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM service_status_history WHERE service_id = ?');
  // The status in force at `since` (the last row before it) and every change after.
  const historySince = db.prepare<[string, string, string, string], { status: ServiceStatus; started_at: string }>(
    `SELECT status, started_at FROM (
       SELECT status, started_at, id FROM (SELECT status, started_at, id FROM service_status_history WHERE service_id = ? AND started_at <= ? ORDER BY started_at DESC, id DESC LIMIT 1)
       UNION ALL
       SELECT status, started_at, id FROM service_status_history WHERE service_id = ? AND started_at > ?
     ) ORDER BY started_at, id`,
  );
  const updates = new Map<string, Statement>();

  return {
    insert: (row: ServiceRow) => void insert.run(row),
    get: (orgId: string, id: string) => byId.get(id, orgId),
    /** The live services among `ids`, in no particular order. */
    getMany(orgId: string, ids: readonly string[]): ServiceRow[] {
      if (ids.length === 0) return [];
      return db.prepare(`SELECT ${COLUMNS} FROM services s WHERE s.org_id = ? AND s.deleted_at IS NULL AND s.id IN (${ids.map(() => '?').join(', ')})`).all(orgId, ...ids) as ServiceRow[];
    },
    slugOwner: (orgId: string, slug: string) => bySlug.get(orgId, slug)?.id ?? null,
    update(orgId: string, id: string, changes: ServiceChanges, at: string): void {
      const fields = Object.keys(changes).filter((f) => changes[f as keyof ServiceChanges] !== undefined && CHANGEABLE.has(f)).sort();
      const key = fields.join(',');
      let statement = updates.get(key);
      if (!statement) {
        statement = db.prepare(`UPDATE services SET ${[...fields.map((f) => `${f} = @${f}`), 'updated_at = @at', 'version = version + 1'].join(', ')} WHERE id = @id AND org_id = @org_id`);
        updates.set(key, statement);
      }
      statement.run({ ...Object.fromEntries(fields.map((f) => [f, changes[f as keyof ServiceChanges]])), at, id, org_id: orgId });
    },
    remove: (orgId: string, id: string, at: string) => void remove.run(at, at, id, orgId),
    list(filter: ServiceFilter, limit: number, offset: number): { rows: ServiceRow[]; total: number } {
      const { sql, params } = where(filter);
      const rows = db.prepare(`SELECT ${COLUMNS} FROM services s WHERE ${sql} ORDER BY s.name, s.id LIMIT ? OFFSET ?`).all(...params, limit, offset) as ServiceRow[];
      return withTotal(rows, limit, offset, () => (db.prepare(`SELECT count(*) AS n FROM services s WHERE ${sql}`).get(...params) as { n: number }).n);
    },
    insertHistory: (row: Omit<HistoryRow, 'ended_at'> & { org_id: string }) => void insertHistory.run(row),
    history: (serviceId: string, limit: number, offset: number) => ({
      rows: historyPage.all(serviceId, limit, offset),
      total: historyCount.get(serviceId)!.n,
    }),
    historySince: (serviceId: string, since: string) => historySince.all(serviceId, since, serviceId, since),
  };
}

export type ServicesStore = ReturnType<typeof servicesStore>;
