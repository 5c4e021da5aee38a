import { createRequire } from 'node:module';
import { assertSecretName, assertSecretValue, SecretStoreError, type SecretStore } from './secret-store';

/** The part of keytar this store uses. */
export interface Keytar {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

export type LoadKeytar = () => Promise<Keytar>;

export const KEYCHAIN_SERVICE = 'nightshift';

/**
 * Loaded on first use, not at import: keytar is a native module that may be missing or built for
 * another ABI, and a process that never touches the keychain should not fail because of it. Required,
 * not import()ed: the `nightshift` bin runs its bundle as a vm Script (server/cli-loader.ts), which has
 * no loader for dynamic imports.
 */
export const loadKeytar: LoadKeytar = async () => {
  const loaded = createRequire(import.meta.url)('keytar') as Keytar & { default?: Keytar };
  return loaded.default ?? loaded;
};

export interface KeytarStoreOptions {
  /** The keychain service the secrets are filed under; tests use their own. */
  service?: string;
  load?: LoadKeytar;
}

/** Secrets in the OS keychain (Secret Service on Linux, Keychain on macOS, Credential Manager on Windows). */
export function createKeytarStore({ service = KEYCHAIN_SERVICE, load = loadKeytar }: KeytarStoreOptions = {}): SecretStore {
  let keytar: Promise<Keytar> | undefined;
  const keychain = () => {
    keytar ??= load().catch((error: unknown) => {
      keytar = undefined;
      throw new SecretStoreError('KEYCHAIN_UNAVAILABLE', `keytar could not be loaded: ${(error as Error).message}`);
    });
    return keytar;
  };
  return {
    kind: 'keychain',
    async get(name) {
      assertSecretName(name);
      return (await keychain()).getPassword(service, name);
    },
    async set(name, value) {
      assertSecretName(name);
      assertSecretValue(value);
      await (await keychain()).setPassword(service, name, value);
    },
    async delete(name) {
      assertSecretName(name);
      return (await keychain()).deletePassword(service, name);
    },
    async list() {
      const credentials = await (await keychain()).findCredentials(service);
      return credentials.map((credential) => credential.account).sort();
    },
  };
}
