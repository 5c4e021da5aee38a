import type { Db } from '../../db/database';
import { withTotal } from '../../db/paging';
import type { Role } from '../../http/principal';

export interface UserRow {
  id: string;
  org_id: string;
  email: string;
  name: string;
  role: Role;
  password_hash: string;
  email_verified_at: string | null;
  password_changed_at: string;
  created_at: string;
  updated_at: string;
  deleted_at: string | null;
}

export interface InviteRow {
  id: string;
  org_id: string;
  email: string;
  role: Role;
  token_hash: string;
  invited_by: string;
  created_at: string;
  updated_at: string;
  expires_at: string;
  accepted_at: string | null;
  accepted_user_id: string | null;
  deleted_at: string | null;
}

const USER_COLUMNS = 'id, org_id, email, name, role, password_hash, email_verified_at, password_changed_at, created_at, updated_at, deleted_at';
// Lists never need the password hash: it stays in the database.
const LISTED_COLUMNS = USER_COLUMNS.replace('password_hash', "'' AS password_hash");
const INVITE_COLUMNS = 'id, org_id, email, role, token_hash, invited_by, created_at, updated_at, expires_at, accepted_at, accepted_user_id, deleted_at';

export function usersStore(db: Db) {
  const insert = db.prepare(
    `INSERT INTO users (id, org_id, email, name, role, password_hash, email_verified_at, password_changed_at, created_at, updated_at)
     VALUES (@id, @org_id, @email, @name, @role, @password_hash, @email_verified_at, @password_changed_at, @created_at, @updated_at)`,
  );
  const byId = db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE id = ? AND deleted_at IS NULL`);
  const byEmail = db.prepare<[string], UserRow>(`SELECT ${USER_COLUMNS} FROM users WHERE lower(email) = lower(?) AND deleted_at IS NULL`);
  const list = db.prepare<[string, number, number], UserRow>(
    `SELECT ${LISTED_COLUMNS} FROM users WHERE org_id = ? AND deleted_at IS NULL ORDER BY created_at LIMIT ? OFFSET ?`,
  );
  const count = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM users WHERE org_id = ? AND deleted_at IS NULL');
  const owners = db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM users WHERE org_id = ? AND role = 'owner' AND deleted_at IS NULL`);
  const update = db.prepare('UPDATE users SET name = @name, role = @role, updated_at = @updated_at, version = version + 1 WHERE id = @id');
  const setPassword = db.prepare(
    'UPDATE users SET password_hash = ?, password_changed_at = ?, updated_at = ?, version = version + 1 WHERE id = ?',
  );
  const verify = db.prepare('UPDATE users SET email_verified_at = ?, updated_at = ?, version = version + 1 WHERE id = ? AND email_verified_at IS NULL');
  // The email is freed (suffixed) so the person can be invited again or register anew.
  const remove = db.prepare(
    `UPDATE users SET deleted_at = @now, updated_at = @now, email = email || '#deleted-' || id, version = version + 1 WHERE id = @id AND deleted_at IS NULL`,
  );

  const inviteInsert = db.prepare(
    `INSERT INTO invites (id, org_id, email, role, token_hash, invited_by, created_at, updated_at, expires_at)
     VALUES (@id, @org_id, @email, @role, @token_hash, @invited_by, @created_at, @updated_at, @expires_at)`,
  );
  const inviteById = db.prepare<[string, string], InviteRow>(`SELECT ${INVITE_COLUMNS} FROM invites WHERE id = ? AND org_id = ? AND deleted_at IS NULL`);
  const inviteByHash = db.prepare<[string], InviteRow>(`SELECT ${INVITE_COLUMNS} FROM invites WHERE token_hash = ? AND deleted_at IS NULL`);
  const inviteList = db.prepare<[string, number, number], InviteRow>(
    `SELECT ${INVITE_COLUMNS} FROM invites WHERE org_id = ? AND deleted_at IS NULL ORDER BY created_at DESC LIMIT ? OFFSET ?`,
  );
  const inviteCount = db.prepare<[string], { n: number }>('SELECT count(*) AS n FROM invites WHERE org_id = ? AND deleted_at IS NULL');
  const inviteAccept = db.prepare('UPDATE invites SET accepted_at = ?, accepted_user_id = ?, updated_at = ?, version = version + 1 WHERE id = ? AND accepted_at IS NULL');
  const inviteRevoke = db.prepare('UPDATE invites SET deleted_at = ?, updated_at = ?, version = version + 1 WHERE id = ?');

  return {
    insert: (row: Omit<UserRow, 'deleted_at'>) => void insert.run(row),
    get: (id: string) => byId.get(id),
    /** Scoped to an organization: another org's user does not exist for the caller. */
    getInOrg: (orgId: string, id: string) => {
      const row = byId.get(id);
      return row && row.org_id === orgId ? row : undefined;
    },
    findByEmail: (email: string) => byEmail.get(email),
    list: (orgId: string, limit: number, offset: number) => withTotal(list.all(orgId, limit, offset), limit, offset, () => count.get(orgId)!.n),
    countOwners: (orgId: string) => owners.get(orgId)!.n,
    update: (row: Pick<UserRow, 'id' | 'name' | 'role' | 'updated_at'>) => void update.run(row),
    setPassword: (id: string, hash: string, now: string) => void setPassword.run(hash, now, now, id),
    markVerified: (id: string, now: string) => verify.run(now, now, id).changes > 0,
    remove: (id: string, now: string) => void remove.run({ id, now }),

    insertInvite: (row: Omit<InviteRow, 'accepted_at' | 'accepted_user_id' | 'deleted_at'>) => void inviteInsert.run(row),
    getInvite: (orgId: string, id: string) => inviteById.get(id, orgId),
    findInviteByHash: (hash: string) => inviteByHash.get(hash),
    listInvites: (orgId: string, limit: number, offset: number) =>
      withTotal(inviteList.all(orgId, limit, offset), limit, offset, () => inviteCount.get(orgId)!.n),
    acceptInvite: (id: string, userId: string, now: string) => inviteAccept.run(now, userId, now, id).changes > 0,
    revokeInvite: (id: string, now: string) => void inviteRevoke.run(now, now, id),
  };
}

export type UsersStore = ReturnType<typeof usersStore>;
