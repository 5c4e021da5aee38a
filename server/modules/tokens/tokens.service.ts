import { API_KEY_PREFIX } from '../../http/auth';
import type { Transact } from '../../db/database';
import type { CredentialCache } from '../../http/credential-cache';
import { AppError, notFound } from '../../http/errors';
import { roleAtLeast, type Principal, type RequestContext, type Role } from '../../http/principal';
import { expandScopes, isValidScope, scopesBeyond } from '../../http/scopes';
import type { Clock } from '../../lib/clock';
import { newId } from '../../lib/ids';
import { randomToken, sha256 } from '../../lib/secrets';
import type { AuditLog } from '../audit';
import type { Token, TokenCreate } from './tokens.schemas';
import type { TokenRow, TokensStore } from './tokens.store';

const LAST_USED_RESOLUTION_MS = 60_000;

function toToken(row: TokenRow): Token {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scopes: JSON.parse(row.scopes) as string[],
    user_id: row.user_id,
    expires_at: row.expires_at,
    daily_mutation_limit: row.daily_mutation_limit,
    daily_log_bytes_limit: row.daily_log_bytes_limit,
    last_used_at: row.last_used_at,
    created_at: row.created_at,
  };
}

/** The tighter of two optional limits; null means none. */
function tighter<T extends number | string>(requested: T | null, ceiling: T | null): T | null {
  if (ceiling === null) return requested;
  if (requested === null) return ceiling;
  return requested < ceiling ? requested : ceiling;
}

const utcDay = (date: Date): string => date.toISOString().slice(0, 10);

function secondsToUtcMidnight(now: Date): number {
  const midnight = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate() + 1);
  return Math.max(1, Math.ceil((midnight - now.getTime()) / 1000));
}

export function createTokenService(deps: { store: TokensStore; audit: AuditLog; transact: Transact; clock: Clock; credentials: CredentialCache }) {
  const { store, audit, transact, clock, credentials } = deps;
  const lastTouched = new Map<string, number>();

  function canManage(principal: Principal, row: TokenRow): boolean {
    return row.user_id === principal.userId || roleAtLeast(principal.role, 'admin');
  }

  return {
    create(context: RequestContext, principal: Principal, input: TokenCreate): Token & { token: string } {
      const scopes = input.scopes ?? ['*'];
      const invalid = scopes.filter((s) => !isValidScope(s));
      if (invalid.length) {
        throw new AppError('INVALID_SCOPE', `Unknown scope ${invalid.map((s) => `"${s}"`).join(', ')}`,
          invalid.map((s) => ({ path: 'scopes', code: 'invalid_scope', message: `Unknown scope "${s}"` })));
      }
      if (principal.token) {
        const beyond = scopesBeyond(principal.token.scopes, scopes);
        if (beyond.length) {
          throw new AppError('PAT_SCOPE_INSUFFICIENT', `This API key cannot grant scopes it does not have: ${beyond.map((s) => `"${s}"`).join(', ')}`,
            beyond.map((s) => ({ path: 'scopes', code: 'beyond_own_scopes', message: `The calling key lacks "${s}"` })));
        }
      }
      // A key minted by a key lives no longer and spends no more than its parent: caps bound an agent.
      const parent = principal.token;
      const requestedExpiry = input.expires_at ?? input.expiresAt ?? null;
      const expiresAt = tighter(requestedExpiry && new Date(requestedExpiry).toISOString(), parent?.expiresAt ?? null);
      const now = clock.now();
      if (expiresAt && Date.parse(expiresAt) <= now.getTime()) {
        throw new AppError('VALIDATION_FAILED', 'expires_at must be in the future', [{ path: 'expires_at', code: 'in_past', message: 'must be in the future' }]);
      }
      const secret = `${API_KEY_PREFIX}${randomToken()}`;
      const row = {
        id: newId(),
        org_id: principal.orgId,
        user_id: principal.userId,
        name: input.name,
        prefix: secret.slice(0, API_KEY_PREFIX.length + 8),
        token_hash: sha256(secret),
        scopes: JSON.stringify(scopes),
        expires_at: expiresAt,
        daily_mutation_limit: tighter(input.daily_mutation_limit ?? input.dailyMutationLimit ?? null, parent?.dailyMutationLimit ?? null),
        daily_log_bytes_limit: tighter(input.daily_log_bytes_limit ?? input.dailyLogBytesLimit ?? null, parent?.dailyLogBytesLimit ?? null),
        created_at: now.toISOString(),
        updated_at: now.toISOString(),
      };
      transact(() => {
        store.insert(row);
        audit.record(context, {
          orgId: principal.orgId,
          action: 'CREATE_API_KEY',
          resourceType: 'api_key',
          resourceId: row.id,
          details: { name: row.name, prefix: row.prefix, scopes, expires_at: row.expires_at },
        });
      });
      return { ...toToken({ ...row, last_used_at: null, deleted_at: null }), token: secret };
    },

    list(principal: Principal, options: { mine: boolean; limit: number; offset: number }) {
      const all = !options.mine && roleAtLeast(principal.role, 'admin');
      const { rows, total } = all
        ? store.listForOrg(principal.orgId, options.limit, options.offset)
        : store.listForUser(principal.orgId, principal.userId, options.limit, options.offset);
      return { data: rows.map(toToken), meta: { total, limit: options.limit, offset: options.offset } };
    },

    revoke(context: RequestContext, principal: Principal, id: string): void {
      const row = store.get(principal.orgId, id);
      // Someone else's key is invisible to a non-admin, exactly like another org's.
      if (!row || !canManage(principal, row)) throw notFound('API key');
      transact(() => {
        store.revoke(id, clock.now().toISOString());
        credentials.invalidate();
        audit.record(context, {
          orgId: principal.orgId,
          action: 'REVOKE_API_KEY',
          resourceType: 'api_key',
          resourceId: id,
          snapshot: { name: row.name, prefix: row.prefix, user_id: row.user_id, scopes: JSON.parse(row.scopes) },
        });
      });
    },

    revokeAllForUser(userId: string): number {
      credentials.invalidate();
      return store.revokeAllForUser(userId, clock.now().toISOString());
    },

    /** Turns a presented key into a principal, or throws 401 without saying more than needed. */
    resolve(secret: string): Principal {
      if (!secret.startsWith(API_KEY_PREFIX)) throw new AppError('INVALID_TOKEN', 'Invalid API key');
      const hash = sha256(secret);
      const now = clock.now();
      let principal = credentials.get(`key:${hash}`);
      if (!principal) {
        const row = store.findByHash(hash);
        if (!row) throw new AppError('INVALID_TOKEN', 'Invalid API key');
        if (row.deleted_at) throw new AppError('TOKEN_REVOKED', 'This API key was revoked');
        principal = {
          kind: 'token',
          userId: row.user_id,
          orgId: row.org_id,
          email: row.owner_email,
          role: row.owner_role as Role,
          token: {
            id: row.id,
            prefix: row.prefix,
            scopes: expandScopes(JSON.parse(row.scopes) as string[]),
            dailyMutationLimit: row.daily_mutation_limit,
            dailyLogBytesLimit: row.daily_log_bytes_limit,
            expiresAt: row.expires_at,
          },
        };
        credentials.set(`key:${hash}`, principal);
      }
      const grant = principal.token!;
      if (grant.expiresAt && Date.parse(grant.expiresAt) <= now.getTime()) throw new AppError('TOKEN_EXPIRED', 'This API key has expired');
      // last_used_at is for people, to the minute; writing it on every request would tax every read.
      const touched = lastTouched.get(grant.id) ?? 0;
      if (now.getTime() - touched >= LAST_USED_RESOLUTION_MS) {
        lastTouched.set(grant.id, now.getTime());
        store.touch(grant.id, now.toISOString());
      }
      return principal;
    },

    /** One mutation against the key's daily cap (UTC day); 429 once the cap is reached. */
    chargeMutation(principal: Principal): void {
      const grant = principal.token;
      if (!grant || grant.dailyMutationLimit === null) return;
      const now = clock.now();
      const day = utcDay(now);
      transact(() => {
        if (store.usage(grant.id, day).mutations >= grant.dailyMutationLimit!) {
          throw new AppError('PAT_DAILY_LIMIT_EXCEEDED', `This API key reached its daily limit of ${grant.dailyMutationLimit} mutations`, undefined, {
            'Retry-After': String(secondsToUtcMidnight(now)),
          });
        }
        store.addUsage(grant.id, day, 1, 0);
      });
    },

    /** Log bytes against the key's daily cap; used by log ingest. */
    chargeLogBytes(principal: Principal, bytes: number): void {
      const grant = principal.token;
      if (!grant || grant.dailyLogBytesLimit === null) return;
      const now = clock.now();
      const day = utcDay(now);
      transact(() => {
        if (store.usage(grant.id, day).log_bytes + bytes > grant.dailyLogBytesLimit!) {
          throw new AppError('PAT_DAILY_LIMIT_EXCEEDED', `This API key reached its daily limit of ${grant.dailyLogBytesLimit} log bytes`, undefined, {
            'Retry-After': String(secondsToUtcMidnight(now)),
          });
        }
        store.addUsage(grant.id, day, 0, bytes);
      });
    },
  };
}

export type TokenService = ReturnType<typeof createTokenService>;
