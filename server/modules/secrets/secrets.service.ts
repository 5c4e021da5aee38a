import type { Transact } from '../../db/database';
import { AppError, notFound, validation } from '../../http/errors';
import type { Principal, RequestContext } from '../../http/principal';
import { MAX_SECRET_BYTES, ORGANIZATION_SECRETS_PREFIX, SecretStoreError, type SecretStore } from '../../secrets';
import type { AuditLog } from '../audit';
import { SECRET_NAME_PATTERN, type SecretListQuery, type SecretSummary } from './secrets.schemas';

/** A secret's value by name in an organization, or null when it is not set (for runbook steps). */
export type SecretLookup = (orgId: string, name: string) => Promise<string | null>;

export interface SecretServiceDeps {
  store: SecretStore;
  audit: AuditLog;
  transact: Transact;
}

const NAME = new RegExp(SECRET_NAME_PATTERN);

/** One store serves every organization: each keeps its secrets under its own prefix. */
const prefixOf = (orgId: string): string => `${ORGANIZATION_SECRETS_PREFIX}${orgId}/`;
const keyOf = (orgId: string, name: string): string => `${prefixOf(orgId)}${name}`;

/** In words for the caller; the store's own message (file paths, D-Bus details) goes to the log with the error. */
const REASONS: Partial<Record<string, string>> = {
  KEYCHAIN_UNAVAILABLE: 'the OS keychain cannot be reached',
  SECRET_KEY_MISMATCH: 'the secret file cannot be decrypted with the configured key (NIGHTSHIFT_SECRET_KEY or the key file)',
  SECRET_FILE_CORRUPT: 'the secret file is damaged',
  SECRET_KEY_INVALID: 'the configured secret key is malformed',
};

export function createSecretService({ store, audit, transact }: SecretServiceDeps) {
  /** Any failure of the store itself is the store being unavailable, never "no such secret". */
  async function fromStore<T>(operation: () => Promise<T>): Promise<T> {
    try {
      return await operation();
    } catch (error) {
      const code = error instanceof SecretStoreError ? error.code : undefined;
      const reason = (code && REASONS[code]) ?? (store.kind === 'keychain' ? 'the OS keychain did not answer' : 'the secret file cannot be read or written');
      throw Object.assign(new AppError('SECRET_STORE_UNAVAILABLE', `Secrets cannot be used right now: ${reason}. Nothing was changed.`), { cause: error });
    }
  }

  const lookup: SecretLookup = async (orgId, name) => {
    if (!NAME.test(name)) return null;
    return fromStore(() => store.get(keyOf(orgId, name)));
  };

  return {
    /** Names only, sorted; values never leave the store through the API. */
    async list(principal: Principal, query: SecretListQuery): Promise<{ data: SecretSummary[]; meta: { total: number; limit: number; offset: number } }> {
      const limit = query.limit ?? 25;
      const offset = query.offset ?? 0;
      const prefix = prefixOf(principal.orgId);
      const names = (await fromStore(() => store.list())).filter((key) => key.startsWith(prefix)).map((key) => key.slice(prefix.length)).sort();
      return { data: names.slice(offset, offset + limit).map((name) => ({ name })), meta: { total: names.length, limit, offset } };
    },

    /** Creates or replaces; the audit row names the secret, never its value. */
    async put(context: RequestContext, principal: Principal, name: string, value: string): Promise<{ created: boolean }> {
      if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) throw validation('value', `A secret is at most ${MAX_SECRET_BYTES} bytes of UTF-8`, 'too_long');
      const key = keyOf(principal.orgId, name);
      const created = (await fromStore(() => store.get(key))) === null;
      await fromStore(() => store.set(key, value));
      // The store is not the database: the row follows the write it records, so it never claims a write that failed.
      transact(() => audit.record(context, { orgId: principal.orgId, action: created ? 'CREATE_SECRET' : 'UPDATE_SECRET', resourceType: 'secret', resourceId: name }));
      return { created };
    },

    async remove(context: RequestContext, principal: Principal, name: string): Promise<void> {
      if (!(await fromStore(() => store.delete(keyOf(principal.orgId, name))))) throw notFound('Secret');
      transact(() => audit.record(context, { orgId: principal.orgId, action: 'DELETE_SECRET', resourceType: 'secret', resourceId: name }));
    },

    /** For runbook steps (executions module): resolves a `{secret: name}` reference of the organization. */
    lookup,
  };
}

export type SecretService = ReturnType<typeof createSecretService>;
