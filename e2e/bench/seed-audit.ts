/**
 * Fills one organization's audit log straight in SQLite (the API has no bulk insert): `rows` entries,
 * in one transaction, spread back in time so that newest-first (by seq) is also newest-first by
 * created_at. The rows the server already wrote (registration, ...) are moved after the seeded ones.
 */
import Database from 'better-sqlite3';
import { v7 as uuidv7 } from 'uuid';
import { round } from '../../server/bench/stats';

const ACTIONS = [
  ['LOGIN', 'user'],
  ['UPDATE_USER', 'user'],
  ['CREATE_API_KEY', 'api_key'],
  ['REVOKE_API_KEY', 'api_key'],
  ['CREATE_INCIDENT', 'incident'],
  ['UPDATE_ORGANIZATION', 'organization'],
] as const;

export interface SeedOptions {
  dbFile: string;
  orgId: string;
  userId: string;
  email: string;
  rows: number;
  /** Time between two seeded entries (ms). */
  spacingMs?: number;
}

export interface SeedResult {
  rows_inserted: number;
  org_rows_after: number;
  insert_ms: number;
}

export function seedAuditRows(options: SeedOptions): SeedResult {
  const { dbFile, orgId, userId, email, rows, spacingMs = 15_000 } = options;
  const db = new Database(dbFile, { fileMustExist: true });
  try {
    db.pragma('busy_timeout = 5000');
    const insert = db.prepare(
      `INSERT INTO audit_log (seq, id, org_id, created_at, actor_user_id, actor_email, ip, user_agent, request_id, action, resource_type, resource_id, meta)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '{}')`,
    );
    const started = process.hrtime.bigint();
    const oldest = Date.now() - (rows + 1) * spacingMs;
    db.transaction(() => {
      // Existing rows (seq 1..k) make room: the seeded history takes seq 1..rows, older than them.
      db.prepare('UPDATE audit_log SET seq = seq + ?').run(rows);
      for (let i = 0; i < rows; i++) {
        const at = oldest + i * spacingMs;
        const [action, resourceType] = ACTIONS[i % ACTIONS.length]!;
        const resourceId = resourceType === 'organization' ? orgId : uuidv7({ msecs: at });
        const ip = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
        insert.run(i + 1, uuidv7({ msecs: at }), orgId, new Date(at).toISOString(), userId, email, ip, 'nightshift-bench/1.0', `bench-${i}`, action, resourceType, resourceId);
      }
    })();
    const insertMs = Number(process.hrtime.bigint() - started) / 1e6;
    const { n } = db.prepare('SELECT count(*) AS n FROM audit_log WHERE org_id = ?').get(orgId) as { n: number };
    return { rows_inserted: rows, org_rows_after: n, insert_ms: round(insertMs, 0) };
  } finally {
    db.close();
  }
}
