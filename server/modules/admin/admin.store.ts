import type { Db } from '../../db/database';

export interface OrgUsage {
  users: number;
  api_keys: number;
  invites_pending: number;
  audit_events: number;
  sessions_active: number;
}

/** Counts across the foundation's tables, for /admin/stats, /billing and /me's quota. */
export function adminStore(db: Db) {
  const usage = db.prepare<{ org: string; now: string }, OrgUsage>(
    `SELECT
       (SELECT count(*) FROM users WHERE org_id = @org AND deleted_at IS NULL) AS users,
       (SELECT count(*) FROM api_tokens WHERE org_id = @org AND deleted_at IS NULL) AS api_keys,
       (SELECT count(*) FROM invites WHERE org_id = @org AND deleted_at IS NULL AND accepted_at IS NULL AND expires_at > @now) AS invites_pending,
       (SELECT count(*) FROM audit_log WHERE org_id = @org) AS audit_events,
       (SELECT count(*) FROM sessions WHERE org_id = @org AND revoked_at IS NULL AND expires_at > @now) AS sessions_active`,
  );
  const size = db.prepare<[], { bytes: number }>('SELECT page_count * page_size AS bytes FROM pragma_page_count(), pragma_page_size()');
  return {
    usage: (orgId: string, now: string) => usage.get({ org: orgId, now })!,
    databaseBytes: () => size.get()!.bytes,
  };
}

export type AdminStore = ReturnType<typeof adminStore>;
