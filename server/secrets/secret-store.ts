/**
 * Where Nightshift keeps credentials that must never reach the database, logs or audit diffs
 * (DESIGN.md §8): the OS keychain, or an encrypted file in the data dir.
 */
export interface SecretStore {
  readonly kind: 'keychain' | 'file';
  /** The value, or null when no secret has that name. */
  get(name: string): Promise<string | null>;
  set(name: string, value: string): Promise<void>;
  /** Whether a secret was there to delete. */
  delete(name: string): Promise<boolean>;
  /** The names of the stored secrets, sorted; never their values. */
  list(): Promise<string[]>;
}

export type SecretStoreErrorCode =
  | 'SECRET_NAME_INVALID'
  | 'SECRET_VALUE_INVALID'
  | 'SECRET_KEY_INVALID'
  | 'SECRET_KEY_MISMATCH'
  | 'SECRET_FILE_CORRUPT'
  | 'KEYCHAIN_UNAVAILABLE';

export class SecretStoreError extends Error {
  constructor(
    readonly code: SecretStoreErrorCode,
    message: string,
  ) {
    super(message);
    this.name = 'SecretStoreError';
  }
}

/**
 * Names under this prefix belong to the server's organizations (runbook secrets, `/api/v1/secrets`),
 * where roles and audit apply; the desktop's own bridge never reaches them.
 */
export const ORGANIZATION_SECRETS_PREFIX = 'org/';

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._:@/-]{0,127}$/;
/** Windows Credential Manager holds at most 2,560 bytes per credential; both stores keep to it. */
export const MAX_SECRET_BYTES = 2560;

export function assertSecretName(name: unknown): asserts name is string {
  if (typeof name !== 'string' || !NAME_PATTERN.test(name)) {
    throw new SecretStoreError(
      'SECRET_NAME_INVALID',
      'a secret name is 1-128 characters of letters, digits and . _ : @ / -, starting with a letter or digit',
    );
  }
}

export function assertSecretValue(value: unknown): asserts value is string {
  if (typeof value !== 'string') throw new SecretStoreError('SECRET_VALUE_INVALID', 'a secret value must be a string');
  if (Buffer.byteLength(value, 'utf8') > MAX_SECRET_BYTES) {
    throw new SecretStoreError('SECRET_VALUE_INVALID', `a secret value is at most ${MAX_SECRET_BYTES} bytes`);
  }
}
