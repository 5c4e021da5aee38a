import type { Transact } from '../../db/database';
import type { CredentialCache } from '../../http/credential-cache';
import { AppError } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import { addSeconds, type Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { constantTimeEqual, dummyPasswordHash, hashPassword, randomToken, sha256, verifyPassword } from '../../lib/secrets';
import type { AuditLog } from '../audit';
import type { Mailer } from '../mail';
import type { OrgService } from '../orgs';
import { toUser, type UserRow, type UserService, type UsersStore } from '../users';
import type { AcceptInviteBody, PasswordChangeBody, RegisterBody, ResetConfirmBody, TokenResponse } from './auth.schemas';
import type { AuthStore, OneTimeTokenRow } from './auth.store';
import type { Jwt } from './jwt';

export const ACCESS_TTL_SECONDS = 3600;
export const REFRESH_TTL_SECONDS = 7 * 24 * 3600;
const LOCK_THRESHOLD = 5;
const FAILURE_WINDOW_SECONDS = 15 * 60;
const LOCK_SECONDS = 15 * 60;
const RESET_TTL_SECONDS = 3600;
const VERIFY_TTL_SECONDS = 3 * 24 * 3600;

export interface AuthDeps {
  store: AuthStore;
  users: UsersStore;
  userService: UserService;
  orgs: OrgService;
  audit: AuditLog;
  mailer: Mailer;
  jwt: Jwt;
  transact: Transact;
  clock: Clock;
  allowRegistration: boolean;
  linkTo: (path: string) => string;
  credentials: CredentialCache;
  bootstrap?: BootstrapGrant;
}

/** The desktop shell's one-time key to a session of the local owner (DESIGN.md §1). */
export interface BootstrapGrant {
  tokenHash: string;
  expiresAt: number;
  used: boolean;
  ownerName: string;
}

const LOCAL_OWNER_KEY = 'local_owner_user_id';

export interface IssuedSession extends TokenResponse {
  refresh_expires_in: number;
}

const emailKey = (email: string): string => email.trim().toLowerCase();

export function createAuthService(deps: AuthDeps) {
  const { store, users, audit, jwt, transact, clock } = deps;
  const now = () => clock.now();

  /** Opens a session (a refresh-token family) and mints its first token pair; call inside a transaction. */
  function openSession(user: UserRow, context: RequestContext): IssuedSession {
    const sessionId = newId();
    const created = now();
    store.insertSession({
      id: sessionId, user_id: user.id, org_id: user.org_id, created_at: created.toISOString(),
      expires_at: addSeconds(created, REFRESH_TTL_SECONDS).toISOString(), ip: context.ip, user_agent: context.userAgent,
    });
    return mint(user, sessionId);
  }

  function mint(user: Pick<UserRow, 'id' | 'org_id' | 'email' | 'name' | 'role'>, sessionId: string): IssuedSession {
    const refreshJti = newId();
    const access = jwt.sign({ sub: user.id, org: user.org_id, sid: sessionId, typ: 'access', jti: newId() }, ACCESS_TTL_SECONDS);
    const refresh = jwt.sign({ sub: user.id, org: user.org_id, sid: sessionId, typ: 'refresh', jti: refreshJti }, REFRESH_TTL_SECONDS);
    store.insertRefresh(refreshJti, sessionId, now().toISOString(), refresh.expiresAt.toISOString());
    store.extendSession(sessionId, refresh.expiresAt.toISOString());
    return {
      access_token: access.token,
      refresh_token: refresh.token,
      token_type: 'bearer',
      expires_in: ACCESS_TTL_SECONDS,
      refresh_expires_in: REFRESH_TTL_SECONDS,
      user: { id: user.id, email: user.email, name: user.name, role: user.role },
    };
  }

  function issueOneTime(user: UserRow, purpose: OneTimeTokenRow['purpose'], ttlSeconds: number): string {
    const secret = randomToken();
    const created = now();
    store.retireOneTime(user.id, purpose, created.toISOString());
    store.insertOneTime({
      id: newId(), purpose, user_id: user.id, token_hash: sha256(secret), created_at: created.toISOString(),
      expires_at: addSeconds(created, ttlSeconds).toISOString(),
    });
    return secret;
  }

  function sendVerification(user: UserRow): void {
    const secret = issueOneTime(user, 'email_verification', VERIFY_TTL_SECONDS);
    deps.mailer.enqueue({
      orgId: user.org_id, to: user.email, subject: 'Verify your Nightshift email address',
      text: `Confirm this address for your Nightshift account: ${deps.linkTo(`/verify-email?token=${secret}`)}\n(or POST /api/v1/auth/verify-email with {"token": "${secret}"}). The link works for 3 days.\n`,
    });
  }

  /** Redeems a single-use token, or fails without saying which of invalid, used or expired it was. */
  function redeem(secret: string, purpose: OneTimeTokenRow['purpose']): UserRow {
    const row = store.findOneTime(sha256(secret), purpose);
    const user = row && users.get(row.user_id);
    if (!row || !user || row.used_at || Date.parse(row.expires_at) <= now().getTime() || !store.useOneTime(row.id, now().toISOString())) {
      throw new AppError('INVALID_ONE_TIME_TOKEN', 'This link is invalid, already used or expired; ask for a new one');
    }
    return user;
  }

  function lockedFor(key: string): number {
    const failure = store.getFailure(key);
    if (!failure?.locked_until) return 0;
    return Math.max(0, Math.ceil((Date.parse(failure.locked_until) - now().getTime()) / 1000));
  }

  function recordFailure(key: string): void {
    const current = now();
    const previous = store.getFailure(key);
    const windowOpen = previous && Date.parse(previous.window_started_at) + FAILURE_WINDOW_SECONDS * 1000 > current.getTime();
    const failures = windowOpen ? previous.failures + 1 : 1;
    store.putFailure(key, {
      failures,
      window_started_at: windowOpen ? previous.window_started_at : current.toISOString(),
      locked_until: failures >= LOCK_THRESHOLD ? addSeconds(current, LOCK_SECONDS).toISOString() : null,
    });
  }

  return {
    async register(context: RequestContext, body: RegisterBody) {
      if (!deps.allowRegistration) throw new AppError('REGISTRATION_DISABLED', 'This server does not accept new registrations; ask an admin for an invitation');
      if (body.password.toLowerCase().includes(emailKey(body.email).split('@')[0]!) && emailKey(body.email).split('@')[0]!.length >= 4) {
        throw new AppError('WEAK_PASSWORD', 'The password must not contain your email name', [{ path: 'password', code: 'weak', message: 'must not contain your email name' }]);
      }
      const passwordHash = await hashPassword(body.password);
      return transact(() => {
        if (users.findByEmail(body.email)) throw new AppError('EMAIL_TAKEN', 'An account with this email already exists; log in or reset the password');
        const organization = deps.orgs.create(body.organization_name ?? `${body.name}'s organization`);
        const created = now().toISOString();
        const user: UserRow = {
          id: newId(), org_id: organization.id, email: body.email.trim(), name: body.name, role: 'owner', password_hash: passwordHash,
          email_verified_at: null, password_changed_at: created, created_at: created, updated_at: created, deleted_at: null,
        };
        users.insert(user);
        sendVerification(user);
        audit.record(context, {
          orgId: organization.id, action: 'REGISTER', resourceType: 'user', resourceId: user.id,
          actor: { userId: user.id, email: user.email }, details: { organization_id: organization.id, organization_name: organization.name },
        });
        const session = openSession(user, context);
        return { ...session, organization: { id: organization.id, name: organization.name, slug: organization.slug } };
      });
    },

    async login(context: RequestContext, email: string, password: string): Promise<IssuedSession> {
      const key = emailKey(email);
      const lockedSeconds = lockedFor(key);
      if (lockedSeconds > 0) {
        throw new AppError('ACCOUNT_LOCKED', `Too many failed logins; try again in ${Math.ceil(lockedSeconds / 60)} min or reset the password`, undefined, {
          'Retry-After': String(lockedSeconds),
        });
      }
      const user = users.findByEmail(key);
      // An unknown email costs the same scrypt run as a wrong password, so timing does not tell them apart.
      const valid = user ? await verifyPassword(password, user.password_hash) : (await verifyPassword(password, await dummyPasswordHash()), false);
      if (!user || !valid) {
        transact(() => {
          recordFailure(key);
          audit.record(context, {
            orgId: user?.org_id ?? null, action: 'LOGIN_FAILED', resourceType: 'session',
            ...(user ? { actor: { userId: user.id, email: user.email } } : {}), details: { email: key },
          });
        });
        throw new AppError('INVALID_CREDENTIALS', 'Incorrect email or password');
      }
      return transact(() => {
        store.clearFailure(key);
        const session = openSession(user, context);
        audit.record(context, { orgId: user.org_id, action: 'LOGIN', resourceType: 'session', actor: { userId: user.id, email: user.email } });
        return session;
      });
    },

    refresh(context: RequestContext, refreshToken: string): IssuedSession {
      const claims = jwt.verify(refreshToken, 'refresh');
      const outcome = transact(() => {
        const row = store.getRefresh(claims.jti);
        if (!row || row.session_id !== claims.sid) return { error: new AppError('INVALID_TOKEN', 'Unknown refresh token') };
        const session = store.sessionPrincipal(claims.sid);
        if (!session || session.revoked_at) return { error: new AppError('TOKEN_REVOKED', 'This session has ended; log in again') };
        if (row.used_at || !store.useRefresh(claims.jti, now().toISOString())) {
          // A used refresh token came back: it was copied. End the whole family, then refuse.
          store.revokeSession(claims.sid, now().toISOString(), 'refresh_token_reuse');
          deps.credentials.invalidate();
          audit.record(context, {
            orgId: session.org_id, action: 'REVOKE_SESSION_REFRESH_REUSE', resourceType: 'session', resourceId: claims.sid,
            actor: { userId: session.user_id, email: session.email },
          });
          return { error: new AppError('REFRESH_TOKEN_REUSED', 'This refresh token was already used; the session was ended for safety. Log in again.') };
        }
        const user = users.get(session.user_id)!;
        const issued = mint(user, claims.sid);
        audit.record(context, { orgId: user.org_id, action: 'REFRESH_SESSION', resourceType: 'session', resourceId: claims.sid, actor: { userId: user.id, email: user.email } });
        return { issued };
      });
      if ('error' in outcome) throw outcome.error;
      return outcome.issued;
    },

    logout(context: RequestContext, principal: Principal | null, refreshToken: string | undefined): void {
      let sessionId = principal?.sessionId;
      if (!sessionId && refreshToken) {
        try {
          sessionId = jwt.verify(refreshToken, 'refresh').sid;
        } catch {
          // An unusable refresh token has no session left to end.
        }
      }
      if (!sessionId) return;
      const session = store.sessionPrincipal(sessionId);
      if (!session || session.revoked_at) return;
      transact(() => {
        store.revokeSession(sessionId, now().toISOString(), 'logout');
        deps.credentials.invalidate();
        audit.record(context, { orgId: session.org_id, action: 'LOGOUT', resourceType: 'session', resourceId: sessionId, actor: { userId: session.user_id, email: session.email } });
      });
    },

    /** Access JWT → principal; the session and membership are checked on every call so logout and removal bite at once. */
    principalFromJwt(token: string): Principal {
      const claims = jwt.verify(token, 'access');
      const cached = deps.credentials.get(`session:${claims.sid}`);
      if (cached) {
        if (cached.userId !== claims.sub || cached.orgId !== claims.org) throw new AppError('TOKEN_REVOKED', 'This session is no longer valid; log in again');
        return cached;
      }
      const row = store.sessionPrincipal(claims.sid);
      if (!row || row.user_id !== claims.sub || row.org_id !== claims.org) throw new AppError('TOKEN_REVOKED', 'This session is no longer valid; log in again');
      if (row.revoked_at) throw new AppError('TOKEN_REVOKED', 'This session has ended; log in again');
      const principal: Principal = { kind: 'session', userId: row.user_id, orgId: row.org_id, email: row.email, role: row.role, sessionId: row.session_id };
      deps.credentials.set(`session:${claims.sid}`, principal);
      return principal;
    },

    async changePassword(context: RequestContext, principal: Principal, body: PasswordChangeBody): Promise<void> {
      if (principal.kind !== 'session') throw new AppError('FORBIDDEN', 'Passwords are changed by their person, not by an API key');
      const user = users.get(principal.userId)!;
      if (!(await verifyPassword(body.current_password, user.password_hash))) {
        throw new AppError('INVALID_PASSWORD', 'The current password is wrong', [{ path: 'current_password', code: 'wrong', message: 'is wrong' }]);
      }
      const hash = await hashPassword(body.new_password);
      transact(() => {
        const at = now().toISOString();
        users.setPassword(user.id, hash, at);
        const ended = store.revokeOtherSessions(user.id, principal.sessionId ?? null, at, 'password_changed');
        deps.credentials.invalidate();
        audit.record(context, { orgId: user.org_id, action: 'CHANGE_PASSWORD', resourceType: 'user', resourceId: user.id, details: { other_sessions_ended: ended } });
      });
    },

    requestPasswordReset(context: RequestContext, email: string): void {
      const user = users.findByEmail(email);
      transact(() => {
        audit.record(context, { orgId: user?.org_id ?? null, action: 'REQUEST_PASSWORD_RESET', resourceType: 'user', resourceId: user?.id ?? null, details: { email: emailKey(email) } });
        if (!user) return;
        const secret = issueOneTime(user, 'password_reset', RESET_TTL_SECONDS);
        deps.mailer.enqueue({
          orgId: user.org_id, to: user.email, subject: 'Reset your Nightshift password',
          text: `Someone asked to reset the password of ${user.email}. If it was you, open within an hour: ${deps.linkTo(`/reset-password?token=${secret}`)}\n(or POST /api/v1/auth/password/reset/confirm with {"token": "${secret}", "new_password": ...}). If not, ignore this message.\n`,
        });
      });
    },

    async confirmPasswordReset(context: RequestContext, body: ResetConfirmBody): Promise<void> {
      const password = body.new_password ?? body.password;
      if (!password) throw new AppError('VALIDATION_FAILED', 'new_password is required', [{ path: 'new_password', code: 'required', message: 'is required' }]);
      const hash = await hashPassword(password);
      transact(() => {
        const user = redeem(body.token, 'password_reset');
        const at = now().toISOString();
        users.setPassword(user.id, hash, at);
        store.revokeOtherSessions(user.id, null, at, 'password_reset');
        deps.credentials.invalidate();
        store.clearFailure(emailKey(user.email));
        audit.record(context, { orgId: user.org_id, action: 'RESET_PASSWORD', resourceType: 'user', resourceId: user.id, actor: { userId: user.id, email: user.email } });
      });
    },

    verifyEmail(context: RequestContext, secret: string): void {
      transact(() => {
        const user = redeem(secret, 'email_verification');
        users.markVerified(user.id, now().toISOString());
        audit.record(context, { orgId: user.org_id, action: 'VERIFY_EMAIL', resourceType: 'user', resourceId: user.id, actor: { userId: user.id, email: user.email } });
      });
    },

    resendVerification(context: RequestContext, principal: Principal | null, email: string | undefined): void {
      const user = principal ? users.get(principal.userId) : email ? users.findByEmail(email) : undefined;
      if (!principal && !email) throw new AppError('VALIDATION_FAILED', 'email is required', [{ path: 'email', code: 'required', message: 'is required' }]);
      if (!user || user.email_verified_at) return;
      transact(() => {
        sendVerification(user);
        audit.record(context, { orgId: user.org_id, action: 'RESEND_VERIFICATION', resourceType: 'user', resourceId: user.id });
      });
    },

    async acceptInvite(context: RequestContext, body: AcceptInviteBody): Promise<IssuedSession> {
      deps.userService.openInvite(body.token);
      const hash = await hashPassword(body.password);
      return transact(() => {
        const invite = deps.userService.openInvite(body.token);
        if (users.findByEmail(invite.email)) throw new AppError('EMAIL_TAKEN', 'Someone with this email already has an account');
        const at = now().toISOString();
        const user: UserRow = {
          id: newId(), org_id: invite.org_id, email: invite.email, name: body.name, role: invite.role, password_hash: hash,
          // The invitation reached this mailbox, which is what verification proves.
          email_verified_at: at, password_changed_at: at, created_at: at, updated_at: at, deleted_at: null,
        };
        users.insert(user);
        users.acceptInvite(invite.id, user.id, at);
        audit.record(context, {
          orgId: invite.org_id, action: 'ACCEPT_INVITE', resourceType: 'invite', resourceId: invite.id,
          actor: { userId: user.id, email: user.email }, details: { user_id: user.id, role: user.role },
        });
        return openSession(user, context);
      });
    },

    /**
     * Trades the desktop's one-time bootstrap token for a session of the local owner, creating that
     * owner and their organization on first run. The token lives only in memory and works once.
     */
    async bootstrap(context: RequestContext, secret: string): Promise<IssuedSession> {
      const grant = deps.bootstrap;
      if (!grant || grant.used || grant.expiresAt <= now().getTime() || !constantTimeEqual(sha256(secret), grant.tokenHash)) {
        throw new AppError('INVALID_TOKEN', 'This bootstrap token is invalid or was already used');
      }
      grant.used = true;
      // Nobody types this password: the desktop signs in by bootstrap, and a password can be set by reset.
      const unusedPasswordHash = await hashPassword(randomToken());
      return transact(() => {
        const knownId = store.instanceSetting(LOCAL_OWNER_KEY);
        let owner = knownId ? users.get(knownId) : undefined;
        if (!owner) {
          const organization = deps.orgs.create(`${grant.ownerName}'s organization`);
          const at = now().toISOString();
          const email = users.findByEmail('owner@nightshift.local') ? `owner-${newId().slice(-12)}@nightshift.local` : 'owner@nightshift.local';
          owner = {
            id: newId(), org_id: organization.id, email, name: grant.ownerName, role: 'owner', password_hash: unusedPasswordHash,
            email_verified_at: null, password_changed_at: at, created_at: at, updated_at: at, deleted_at: null,
          };
          users.insert(owner);
          store.setInstanceSetting(LOCAL_OWNER_KEY, owner.id, at);
          audit.record(context, {
            orgId: organization.id, action: 'CREATE_LOCAL_OWNER', resourceType: 'user', resourceId: owner.id,
            actor: { userId: owner.id, email: owner.email }, details: { organization_id: organization.id },
          });
        }
        const session = openSession(owner, context);
        audit.record(context, { orgId: owner.org_id, action: 'LOGIN', resourceType: 'session', actor: { userId: owner.id, email: owner.email }, details: { method: 'desktop_bootstrap' } });
        return session;
      });
    },

    me(principal: Principal) {
      const user = users.get(principal.userId)!;
      const org = deps.orgs.get(principal.orgId);
      return { ...toUser(user), organization: { id: org.id, name: org.name, slug: org.slug, plan: org.plan } };
    },
  };
}

export type AuthService = ReturnType<typeof createAuthService>;
