import type { Transact } from '../../db/database';
import { AppError, notFound } from '../../http/errors';
import { roleAtLeast, type Principal, type RequestContext, type Role } from '../../http/principal';
import { addSeconds, type Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { randomToken, sha256 } from '../../lib/secrets';
import type { AuditLog } from '../audit';
import type { Mailer } from '../mail';
import type { Invite, InviteCreate, User, UserPatch } from './users.schemas';
import type { InviteRow, UserRow, UsersStore } from './users.store';

const INVITE_TTL_SECONDS = 7 * 24 * 3600;

export const toUser = (row: UserRow): User => ({
  id: row.id,
  org_id: row.org_id,
  email: row.email,
  name: row.name,
  role: row.role,
  email_verified: row.email_verified_at !== null,
  created_at: row.created_at,
  updated_at: row.updated_at,
});

const toMember = (row: UserRow) => ({ user_id: row.id, email: row.email, name: row.name, role: row.role, joined_at: row.created_at });

export interface UsersDeps {
  store: UsersStore;
  audit: AuditLog;
  mailer: Mailer;
  transact: Transact;
  clock: Clock;
  invitesEnabled: (orgId: string) => boolean;
  /** Called when someone's access narrows or ends (role change, removal). */
  accessChanged: () => void;
  linkTo: (path: string) => string;
}

export function createUserService(deps: UsersDeps) {
  const { store, audit, transact, clock } = deps;

  const toInvite = (row: InviteRow): Invite => ({
    id: row.id,
    email: row.email,
    role: row.role,
    invited_by: row.invited_by,
    status: row.accepted_at ? 'accepted' : Date.parse(row.expires_at) <= clock.now().getTime() ? 'expired' : 'pending',
    created_at: row.created_at,
    expires_at: row.expires_at,
    accepted_at: row.accepted_at,
  });

  function load(principal: Principal, id: string): UserRow {
    const row = store.getInOrg(principal.orgId, id);
    if (!row) throw notFound('User');
    return row;
  }

  /** Owners are managed only by owners, and the last owner always stays one. */
  function assertCanChangeRole(principal: Principal, target: UserRow, role: Role): void {
    if (!roleAtLeast(principal.role, 'admin')) throw new AppError('INSUFFICIENT_ROLE', 'Changing roles needs the admin role or higher');
    if ((role === 'owner' || target.role === 'owner') && principal.role !== 'owner') {
      throw new AppError('INSUFFICIENT_ROLE', 'Only an owner can grant or take away the owner role');
    }
    if (target.role === 'owner' && role !== 'owner' && store.countOwners(target.org_id) <= 1) {
      throw new AppError('SOLE_OWNER', 'This is the organization\'s only owner; make someone else owner first');
    }
  }

  return {
    list(principal: Principal, limit: number, offset: number) {
      const { rows, total } = store.list(principal.orgId, limit, offset);
      return { data: rows.map(toUser), meta: { total, limit, offset } };
    },

    members(principal: Principal, limit: number, offset: number) {
      const { rows, total } = store.list(principal.orgId, limit, offset);
      return { data: rows.map(toMember), meta: { total, limit, offset } };
    },

    get: (principal: Principal, id: string): User => toUser(load(principal, id)),

    update(context: RequestContext, principal: Principal, id: string, patch: UserPatch): User {
      const target = load(principal, id);
      const isSelf = target.id === principal.userId;
      if (!isSelf && !roleAtLeast(principal.role, 'admin')) throw new AppError('INSUFFICIENT_ROLE', 'Changing another person needs the admin role or higher');
      if (!isSelf && target.role === 'owner' && principal.role !== 'owner') throw new AppError('INSUFFICIENT_ROLE', 'Only an owner can change an owner');
      if (patch.role !== undefined && patch.role !== target.role) assertCanChangeRole(principal, target, patch.role);
      const next = { id: target.id, name: patch.name ?? target.name, role: patch.role ?? target.role, updated_at: clock.now().toISOString() };
      transact(() => {
        // Checked again inside the transaction: two demotions racing must not leave zero owners.
        if (next.role !== 'owner' && target.role === 'owner' && store.countOwners(target.org_id) <= 1) {
          throw new AppError('SOLE_OWNER', 'This is the organization\'s only owner; make someone else owner first');
        }
        store.update(next);
        if (next.role !== target.role) deps.accessChanged();
        audit.record(context, {
          orgId: principal.orgId, action: 'UPDATE_USER', resourceType: 'user', resourceId: target.id,
          changes: { before: { name: target.name, role: target.role }, after: { name: next.name, role: next.role } },
        });
      });
      return toUser({ ...target, ...next });
    },

    remove(context: RequestContext, principal: Principal, id: string): void {
      const target = load(principal, id);
      if (target.id !== principal.userId && !roleAtLeast(principal.role, 'admin')) throw new AppError('INSUFFICIENT_ROLE', 'Removing people needs the admin role or higher');
      if (target.role === 'owner' && principal.role !== 'owner') throw new AppError('INSUFFICIENT_ROLE', 'Only an owner can remove an owner');
      transact(() => {
        if (target.role === 'owner' && store.countOwners(target.org_id) <= 1) {
          throw new AppError('SOLE_OWNER', 'The organization\'s only owner cannot be removed');
        }
        // Sessions and API keys of a removed user stop at once: both are checked against live membership.
        store.remove(target.id, clock.now().toISOString());
        deps.accessChanged();
        audit.record(context, {
          orgId: principal.orgId, action: 'DELETE_USER', resourceType: 'user', resourceId: target.id,
          snapshot: { email: target.email, name: target.name, role: target.role, created_at: target.created_at },
        });
      });
    },

    createInvite(context: RequestContext, principal: Principal, input: InviteCreate): Invite {
      if (!deps.invitesEnabled(principal.orgId)) throw new AppError('FORBIDDEN', 'Invitations are turned off in the organization settings');
      const role = input.role ?? 'engineer';
      if (role === 'owner' && principal.role !== 'owner') throw new AppError('INSUFFICIENT_ROLE', 'Only an owner can invite another owner');
      if (store.findByEmail(input.email)) throw new AppError('EMAIL_TAKEN', 'Someone with this email already has an account');
      const secret = randomToken();
      const now = clock.now();
      const row = {
        id: newId(), org_id: principal.orgId, email: input.email.trim(), role, token_hash: sha256(secret), invited_by: principal.userId,
        created_at: now.toISOString(), updated_at: now.toISOString(), expires_at: addSeconds(now, INVITE_TTL_SECONDS).toISOString(),
      };
      transact(() => {
        store.insertInvite(row);
        deps.mailer.enqueue({
          orgId: principal.orgId,
          to: row.email,
          subject: 'You are invited to Nightshift',
          text: `${principal.email} invited you to join their Nightshift organization as ${role}.\n\nAccept within 7 days: ${deps.linkTo(`/accept-invite?token=${secret}`)}\n(or POST /api/v1/auth/accept-invite with {"token": "${secret}", "name": ..., "password": ...})\n`,
        });
        audit.record(context, { orgId: principal.orgId, action: 'CREATE_INVITE', resourceType: 'invite', resourceId: row.id, details: { email: row.email, role } });
      });
      return toInvite({ ...row, accepted_at: null, accepted_user_id: null, deleted_at: null });
    },

    listInvites(principal: Principal, limit: number, offset: number) {
      const { rows, total } = store.listInvites(principal.orgId, limit, offset);
      return { data: rows.map(toInvite), meta: { total, limit, offset } };
    },

    revokeInvite(context: RequestContext, principal: Principal, id: string): void {
      const row = store.getInvite(principal.orgId, id);
      if (!row) throw notFound('Invite');
      transact(() => {
        store.revokeInvite(id, clock.now().toISOString());
        audit.record(context, { orgId: principal.orgId, action: 'REVOKE_INVITE', resourceType: 'invite', resourceId: id, snapshot: { email: row.email, role: row.role } });
      });
    },

    /** A pending, unexpired invite for this secret, or an error that says nothing more. */
    openInvite(secret: string): InviteRow {
      const row = store.findInviteByHash(sha256(secret));
      if (!row || row.accepted_at || Date.parse(row.expires_at) <= clock.now().getTime()) {
        throw new AppError('INVALID_ONE_TIME_TOKEN', 'This invitation is invalid, used or expired');
      }
      return row;
    },
  };
}

export type UserService = ReturnType<typeof createUserService>;
