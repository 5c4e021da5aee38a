import type { Db } from '../../db/database';
import type { Role } from '../../http/principal';

export interface SessionPrincipalRow {
  session_id: string;
  revoked_at: string | null;
  expires_at: string;
  user_id: string;
  org_id: string;
  email: string;
  role: Role;
}

export interface LoginFailureRow {
  failures: number;
  window_started_at: string;
  locked_until: string | null;
}

export interface OneTimeTokenRow {
  id: string;
  purpose: 'password_reset' | 'email_verification';
  user_id: string;
  expires_at: string;
  used_at: string | null;
}

export function authStore(db: Db) {
  const insertSession = db.prepare(
    'INSERT INTO sessions (id, user_id, org_id, created_at, expires_at, ip, user_agent) VALUES (@id, @user_id, @org_id, @created_at, @expires_at, @ip, @user_agent)',
  );
  // A session is only as good as its person's live membership of the organization it was opened in.
  const sessionPrincipal = db.prepare<[string], SessionPrincipalRow>(
    `SELECT s.id AS session_id, s.revoked_at, s.expires_at, u.id AS user_id, u.org_id, u.email, u.role
       FROM sessions s JOIN users u ON u.id = s.user_id AND u.org_id = s.org_id AND u.deleted_at IS NULL
      WHERE s.id = ?`,
  );
  const extendSession = db.prepare('UPDATE sessions SET expires_at = ? WHERE id = ?');
  const revokeSession = db.prepare('UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE id = ? AND revoked_at IS NULL');
  const revokeOthers = db.prepare('UPDATE sessions SET revoked_at = ?, revoked_reason = ? WHERE user_id = ? AND id IS NOT ? AND revoked_at IS NULL');

  const insertRefresh = db.prepare('INSERT INTO refresh_tokens (jti, session_id, created_at, expires_at) VALUES (?, ?, ?, ?)');
  const getRefresh = db.prepare<[string], { session_id: string; used_at: string | null }>('SELECT session_id, used_at FROM refresh_tokens WHERE jti = ?');
  const useRefresh = db.prepare('UPDATE refresh_tokens SET used_at = ? WHERE jti = ? AND used_at IS NULL');

  const getFailure = db.prepare<[string], LoginFailureRow>('SELECT failures, window_started_at, locked_until FROM login_failures WHERE email_key = ?');
  const putFailure = db.prepare(
    `INSERT INTO login_failures (email_key, failures, window_started_at, locked_until) VALUES (@key, @failures, @window_started_at, @locked_until)
     ON CONFLICT (email_key) DO UPDATE SET failures = excluded.failures, window_started_at = excluded.window_started_at, locked_until = excluded.locked_until`,
  );
  const clearFailure = db.prepare('DELETE FROM login_failures WHERE email_key = ?');

  const insertOneTime = db.prepare(
    'INSERT INTO one_time_tokens (id, purpose, user_id, token_hash, created_at, expires_at) VALUES (@id, @purpose, @user_id, @token_hash, @created_at, @expires_at)',
  );
  const findOneTime = db.prepare<[string, string], OneTimeTokenRow>(
    'SELECT id, purpose, user_id, expires_at, used_at FROM one_time_tokens WHERE token_hash = ? AND purpose = ?',
  );
  const useOneTime = db.prepare('UPDATE one_time_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL');
  const retireOneTime = db.prepare('UPDATE one_time_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL');

  const getInstance = db.prepare<[string], { value: string }>('SELECT value FROM instance_settings WHERE key = ?');
  const putInstance = db.prepare(
    'INSERT INTO instance_settings (key, value, updated_at) VALUES (?, ?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at',
  );

  return {
    instanceSetting: (key: string) => getInstance.get(key)?.value,
    setInstanceSetting: (key: string, value: string, now: string) => void putInstance.run(key, value, now),
    insertSession: (row: { id: string; user_id: string; org_id: string; created_at: string; expires_at: string; ip: string; user_agent: string | null }) =>
      void insertSession.run(row),
    sessionPrincipal: (sessionId: string) => sessionPrincipal.get(sessionId),
    extendSession: (id: string, expiresAt: string) => void extendSession.run(expiresAt, id),
    revokeSession: (id: string, now: string, reason: string) => revokeSession.run(now, reason, id).changes > 0,
    revokeOtherSessions: (userId: string, keepSessionId: string | null, now: string, reason: string) => revokeOthers.run(now, reason, userId, keepSessionId).changes,

    insertRefresh: (jti: string, sessionId: string, now: string, expiresAt: string) => void insertRefresh.run(jti, sessionId, now, expiresAt),
    getRefresh: (jti: string) => getRefresh.get(jti),
    useRefresh: (jti: string, now: string) => useRefresh.run(now, jti).changes > 0,

    getFailure: (key: string) => getFailure.get(key),
    putFailure: (key: string, row: LoginFailureRow) => void putFailure.run({ key, ...row }),
    clearFailure: (key: string) => void clearFailure.run(key),

    insertOneTime: (row: { id: string; purpose: OneTimeTokenRow['purpose']; user_id: string; token_hash: string; created_at: string; expires_at: string }) =>
      void insertOneTime.run(row),
    findOneTime: (hash: string, purpose: OneTimeTokenRow['purpose']) => findOneTime.get(hash, purpose),
    useOneTime: (id: string, now: string) => useOneTime.run(now, id).changes > 0,
    retireOneTime: (userId: string, purpose: OneTimeTokenRow['purpose'], now: string) => void retireOneTime.run(now, userId, purpose),
  };
}

export type AuthStore = ReturnType<typeof authStore>;
