import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';

export interface ProcedureRow {
  id: string;
  org_id: string;
  title: string;
  description: string;
  /** JSON array of strings. */
  tags: string;
  /** JSON array of service ids. */
  service_ids: string;
  /** JSON object of label → value. */
  alert_labels: string;
  step_count: number;
  latest_version: number;
  created_by: string | null;
  updated_by: string | null;
  created_at: string;
  updated_at: string;
}

export interface VersionRow {
  id: string;
  org_id: string;
  procedure_id: string;
  version: number;
  title: string;
  description: string;
  tags: string;
  service_ids: string;
  alert_labels: string;
  /** JSON arrays in the API's shape. */
  variables: string;
  steps: string;
  step_count: number;
  change_note: string | null;
  created_by: string | null;
  created_at: string;
}

export interface VersionInfoRow {
  version: number;
  title: string;
  step_count: number;
  change_note: string | null;
  created_by: string | null;
  created_by_name: string | null;
  created_at: string;
}

export interface ProcedureFilter {
  orgId: string;
  words?: string[];
  tag?: string;
  serviceId?: string;
}

const COLUMNS = `p.id, p.org_id, p.title, p.description, p.tags, p.service_ids, p.alert_labels, p.step_count, p.latest_version,
  p.created_by, p.updated_by, p.created_at, p.updated_at`;

function where(filter: ProcedureFilter): { sql: string; params: unknown[] } {
  const clauses = ['p.org_id = ?', 'p.deleted_at IS NULL'];
  const params: unknown[] = [filter.orgId];
  if (filter.tag) {
    clauses.push('EXISTS (SELECT 1 FROM json_each(p.tags) WHERE value = ?)');
    params.push(filter.tag);
  }
  if (filter.serviceId) {
    clauses.push('EXISTS (SELECT 1 FROM json_each(p.service_ids) WHERE value = ?)');
    params.push(filter.serviceId);
  }
  for (const word of filter.words ?? []) {
    const pattern = `%${word.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    clauses.push(`(p.title LIKE ? ESCAPE '\\' OR p.description LIKE ? ESCAPE '\\' OR p.tags LIKE ? ESCAPE '\\')`);
    params.push(pattern, pattern, pattern);
  }
  return { sql: clauses.join(' AND '), params };
}

export function proceduresStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO procedures (id, org_id, title, description, tags, service_ids, alert_labels, step_count, latest_version, created_by, updated_by, created_at, updated_at)
     VALUES (@id, @org_id, @title, @description, @tags, @service_ids, @alert_labels, @step_count, @latest_version, @created_by, @updated_by, @created_at, @updated_at)`,
  );
  const update = db.prepare(
    `UPDATE procedures SET title = @title, description = @description, tags = @tags, service_ids = @service_ids, alert_labels = @alert_labels,
       step_count = @step_count, latest_version = @latest_version, updated_by = @updated_by, updated_at = @updated_at, version = version + 1
     WHERE id = @id AND org_id = @org_id AND deleted_at IS NULL`,
  );
  const byId = db.prepare<[string, string], ProcedureRow>(`SELECT ${COLUMNS} FROM procedures p WHERE p.id = ? AND p.org_id = ? AND p.deleted_at IS NULL`);
  const remove = db.prepare<[string, string, string, string]>(
    'UPDATE procedures SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND org_id = ? AND deleted_at IS NULL',
  );
  const insertVersion = db.prepare(
    `INSERT INTO procedure_versions (id, org_id, procedure_id, version, title, description, tags, service_ids, alert_labels, variables, steps, step_count,
       change_note, created_by, created_at)
     VALUES (@id, @org_id, @procedure_id, @version, @title, @description, @tags, @service_ids, @alert_labels, @variables, @steps, @step_count,
       @change_note, @created_by, @created_at)`,
  );
  const versionOf = db.prepare<[string, number], VersionRow>('SELECT * FROM procedure_versions WHERE procedure_id = ? AND version = ?');
  const versionPage = db.prepare<[string, number, number], VersionInfoRow>(
    `SELECT v.version, v.title, v.step_count, v.change_note, v.created_by, u.name AS created_by_name, v.created_at
     FROM procedure_versions v LEFT JOIN users u ON u.id = v.created_by
     WHERE v.procedure_id = ? ORDER BY v.version DESC LIMIT ? OFFSET ?`,
  );
  const versionCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM procedure_versions WHERE procedure_id = ?');

  return {
    insert: (row: ProcedureRow) => void insert.run(row),
    /** Makes `row` the procedure's latest state (its new version is inserted separately). */
    update: (row: Omit<ProcedureRow, 'created_by' | 'created_at'>) => void update.run(row),
    get: (orgId: string, id: string) => byId.get(id, orgId),
    remove: (orgId: string, id: string, at: string) => void remove.run(at, at, id, orgId),

    insertVersion: (row: VersionRow) => void insertVersion.run(row),
    /** One version of a procedure; the caller has checked the procedure is the org's. */
    version: (procedureId: string, version: number) => versionOf.get(procedureId, version),
    versions: (procedureId: string, limit: number, offset: number) => ({
      rows: versionPage.all(procedureId, limit, offset),
      total: versionCount.get(procedureId)!.n,
    }),

    /** Newest updated first. */
    list(filter: ProcedureFilter, limit: number, offset: number): { rows: ProcedureRow[]; total: number } {
      const { sql, params } = where(filter);
      const rows = db.prepare(`SELECT ${COLUMNS} FROM procedures p WHERE ${sql} ORDER BY p.updated_at DESC, p.id DESC LIMIT ? OFFSET ?`)
        .all(...params, limit, offset) as ProcedureRow[];
      return withTotal(rows, limit, offset, () => (db.prepare(`SELECT count(*) AS n FROM procedures p WHERE ${sql}`).get(...params) as { n: number }).n);
    },

    /** Live procedures that could be suggested: linked to one of `serviceIds`, or matching alerts by labels. */
    candidates(orgId: string, serviceIds: readonly string[]): ProcedureRow[] {
      const services = serviceIds.length > 0
        ? ` OR EXISTS (SELECT 1 FROM json_each(p.service_ids) WHERE value IN (${serviceIds.map(() => '?').join(', ')}))`
        : '';
      return db.prepare(`SELECT ${COLUMNS} FROM procedures p WHERE p.org_id = ? AND p.deleted_at IS NULL AND (p.alert_labels <> '{}'${services})`)
        .all(orgId, ...serviceIds) as ProcedureRow[];
    },
  };
}

export type ProceduresStore = ReturnType<typeof proceduresStore>;
