import type { Db } from '../../db/database';

export interface AuditRow {
  seq: number;
  id: string;
  org_id: string | null;
  created_at: string;
  actor_user_id: string | null;
  actor_token_id: string | null;
  actor_email: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  action: string;
  resource_type: string;
  resource_id: string | null;
  meta: string;
}

export type AuditInsert = Omit<AuditRow, 'seq'>;

export interface AuditFilter {
  orgId: string;
  action?: string;
  actorUserId?: string;
  actorTokenId?: string;
  resourceType?: string;
  resourceId?: string;
  from?: string;
  to?: string;
}

function where(filter: AuditFilter): { sql: string; params: unknown[] } {
  const clauses = ['org_id = ?'];
  const params: unknown[] = [filter.orgId];
  const add = (clause: string, value: unknown) => {
    clauses.push(clause);
    params.push(value);
  };
  if (filter.action) add('action = ?', filter.action);
  if (filter.actorUserId) add('actor_user_id = ?', filter.actorUserId);
  if (filter.actorTokenId) add('actor_token_id = ?', filter.actorTokenId);
  if (filter.resourceType) add('resource_type = ?', filter.resourceType);
  if (filter.resourceId) add('resource_id = ?', filter.resourceId);
  if (filter.from) add('created_at >= ?', filter.from);
  if (filter.to) add('created_at <= ?', filter.to);
  return { sql: clauses.join(' AND '), params };
}

export function auditStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO audit_log (id, org_id, created_at, actor_user_id, actor_token_id, actor_email, ip, user_agent, request_id, action, resource_type, resource_id, meta)
     VALUES (@id, @org_id, @created_at, @actor_user_id, @actor_token_id, @actor_email, @ip, @user_agent, @request_id, @action, @resource_type, @resource_id, @meta)`,
  );
  // Bounded batches keep each write transaction short, so retention never stalls other writers.
  const purge = db.prepare(
    'DELETE FROM audit_log WHERE seq IN (SELECT seq FROM audit_log WHERE org_id = ? AND created_at < ? ORDER BY seq LIMIT ?)',
  );
  const countAll = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM audit_log WHERE org_id = ?');
  return {
    insert: (row: AuditInsert) => void insert.run(row),
    /** Newest first. */
    list(filter: AuditFilter, limit: number, offset: number): AuditRow[] {
      const { sql, params } = where(filter);
      return db.prepare(`SELECT * FROM audit_log WHERE ${sql} ORDER BY seq DESC LIMIT ? OFFSET ?`).all(...params, limit, offset) as AuditRow[];
    },
    count(filter: AuditFilter): number {
      const { sql, params } = where(filter);
      return (db.prepare(`SELECT count(*) AS n FROM audit_log WHERE ${sql}`).get(...params) as { n: number }).n;
    },
    /** Keyset page, newest first, for exports that must not hold every row at once. */
    pageBefore(filter: AuditFilter, beforeSeq: number, size: number): AuditRow[] {
      const { sql, params } = where(filter);
      return db.prepare(`SELECT * FROM audit_log WHERE ${sql} AND seq < ? ORDER BY seq DESC LIMIT ?`).all(...params, beforeSeq, size) as AuditRow[];
    },
    countForOrg: (orgId: string) => countAll.get(orgId)!.n,
    purgeBatch: (orgId: string, before: string, batch: number) => purge.run(orgId, before, batch).changes,
  };
}

export type AuditStore = ReturnType<typeof auditStore>;
