import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';

export interface TokenRow {
  id: string;
  org_id: string;
  user_id: string;
  name: string;
  prefix: string;
  scopes: string;
  expires_at: string | null;
  daily_mutation_limit: number | null;
  daily_log_bytes_limit: number | null;
  last_used_at: string | null;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface TokenWithOwner extends TokenRow {
  owner_role: string;
  owner_email: string;
}

export type TokenInsert = Omit<TokenRow, 'last_used_at' | 'deleted_at'> & { token_hash: string };

const COLUMNS = 'id, org_id, user_id, name, prefix, scopes, expires_at, daily_mutation_limit, daily_log_bytes_limit, last_used_at, created_at, updated_at, deleted_at';

export function tokensStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO api_tokens (id, org_id, user_id, name, prefix, token_hash, scopes, expires_at, daily_mutation_limit, daily_log_bytes_limit, created_at, updated_at)
     VALUES (@id, @org_id, @user_id, @name, @prefix, @token_hash, @scopes, @expires_at, @daily_mutation_limit, @daily_log_bytes_limit, @created_at, @updated_at)`,
  );
  // The owner must still be a live member of the token's organization: leaving the org ends the token.
  const byHash = db.prepare<[string], TokenWithOwner>(
    `SELECT t.id, t.org_id, t.user_id, t.name, t.prefix, t.scopes, t.expires_at, t.daily_mutation_limit, t.daily_log_bytes_limit,
            t.last_used_at, t.created_at, t.updated_at, t.deleted_at, u.role AS owner_role, u.email AS owner_email
       FROM api_tokens t JOIN users u ON u.id = t.user_id AND u.org_id = t.org_id AND u.deleted_at IS NULL
      WHERE t.token_hash = ?`,
  );
  const byId = db.prepare<[string, string], TokenRow>(`SELECT ${COLUMNS} FROM api_tokens WHERE id = ? AND org_id = ? AND deleted_at IS NULL`);
  const listOrg = db.prepare<[string, number, number], TokenRow>(
    `SELECT ${COLUMNS} FROM api_tokens WHERE org_id = ? AND deleted_at IS NULL ORDER BY created_at DESC LIMIT ? OFFSET ?`,
  );
  const countOrg = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM api_tokens WHERE org_id = ? AND deleted_at IS NULL');
  const listUser = db.prepare<[string, string, number, number], TokenRow>(
    `SELECT ${COLUMNS} FROM api_tokens WHERE org_id = ? AND user_id = ? AND deleted_at IS NULL ORDER BY created_at DESC LIMIT ? OFFSET ?`,
  );
  const countUser = db.prepare<[string, string], { n: number }>(
    'SELECT count(*) AS n FROM api_tokens WHERE org_id = ? AND user_id = ? AND deleted_at IS NULL',
  );
  const revoke = db.prepare('UPDATE api_tokens SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND deleted_at IS NULL');
  const revokeForUser = db.prepare('UPDATE api_tokens SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE user_id = ? AND deleted_at IS NULL');
  const touch = db.prepare('UPDATE api_tokens SET last_used_at = ? WHERE id = ?');
  const usage = db.prepare<[string, string], { mutations: number; log_bytes: number }>(
    'SELECT mutations, log_bytes FROM token_usage WHERE token_id = ? AND day = ?',
  );
  const addUsage = db.prepare(
    `INSERT INTO token_usage (token_id, day, mutations, log_bytes) VALUES (?, ?, ?, ?)
     ON CONFLICT (token_id, day) DO UPDATE SET mutations = mutations + excluded.mutations, log_bytes = log_bytes + excluded.log_bytes`,
  );
  return {
    insert: (row: TokenInsert) => void insert.run(row),
    findByHash: (hash: string) => byHash.get(hash),
    get: (orgId: string, id: string) => byId.get(id, orgId),
    listForOrg: (orgId: string, limit: number, offset: number) =>
      withTotal(listOrg.all(orgId, limit, offset), limit, offset, () => countOrg.get(orgId)!.n),
    listForUser: (orgId: string, userId: string, limit: number, offset: number) =>
      withTotal(listUser.all(orgId, userId, limit, offset), limit, offset, () => countUser.get(orgId, userId)!.n),
    revoke: (id: string, now: string) => revoke.run(now, now, id).changes > 0,
    revokeAllForUser: (userId: string, now: string) => revokeForUser.run(now, now, userId).changes,
    touch: (id: string, now: string) => void touch.run(now, id),
    usage: (tokenId: string, day: string) => usage.get(tokenId, day) ?? { mutations: 0, log_bytes: 0 },
    addUsage: (tokenId: string, day: string, mutations: number, logBytes: number) => void addUsage.run(tokenId, day, mutations, logBytes),
  };
}

export type TokensStore = ReturnType<typeof tokensStore>;
