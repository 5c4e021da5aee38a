import type { Db } from '../db/database';

export interface IdempotencyRow {
  method: string;
  path: string;
  body_hash: string;
  state: 'in_flight' | 'done';
  status_code: number | null;
  content_type: string | null;
  response_body: string | null;
  created_at: string;
}

export function idempotencyStore(db: Db) {
  const get = db.prepare<[string, string], IdempotencyRow>(
    'SELECT method, path, body_hash, state, status_code, content_type, response_body, created_at FROM idempotency_keys WHERE scope = ? AND key = ?',
  );
  const claim = db.prepare(
    `INSERT INTO idempotency_keys (scope, key, method, path, body_hash, state, created_at) VALUES (?, ?, ?, ?, ?, 'in_flight', ?)
     ON CONFLICT (scope, key) DO UPDATE SET method = excluded.method, path = excluded.path, body_hash = excluded.body_hash,
       state = 'in_flight', status_code = NULL, content_type = NULL, response_body = NULL, created_at = excluded.created_at`,
  );
  const complete = db.prepare(
    `UPDATE idempotency_keys SET state = 'done', status_code = ?, content_type = ?, response_body = ? WHERE scope = ? AND key = ?`,
  );
  const release = db.prepare(`DELETE FROM idempotency_keys WHERE scope = ? AND key = ? AND state = 'in_flight'`);
  const purge = db.prepare('DELETE FROM idempotency_keys WHERE created_at < ?');
  const purgeInFlight = db.prepare(`DELETE FROM idempotency_keys WHERE state = 'in_flight'`);
  return {
    get: (scope: string, key: string) => get.get(scope, key),
    claim: (scope: string, key: string, method: string, path: string, bodyHash: string, now: string) =>
      claim.run(scope, key, method, path, bodyHash, now),
    complete: (scope: string, key: string, status: number, contentType: string | null, body: string) =>
      complete.run(status, contentType, body, scope, key),
    release: (scope: string, key: string) => release.run(scope, key),
    purgeOlderThan: (cutoff: string) => purge.run(cutoff).changes,
    purgeInFlight: () => purgeInFlight.run().changes,
  };
}

export type IdempotencyStore = ReturnType<typeof idempotencyStore>;
