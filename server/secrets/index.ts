import { createFileStore } from './file-store';
import { createKeytarStore, KEYCHAIN_SERVICE, loadKeytar, type LoadKeytar } from './keytar-store';
import type { SecretStore } from './secret-store';

export { assertSecretName, assertSecretValue, MAX_SECRET_BYTES, ORGANIZATION_SECRETS_PREFIX, SecretStoreError, type SecretStore, type SecretStoreErrorCode } from './secret-store';
export { parseSecretKey, secretFile, secretKeyFile } from './file-store';

export type SecretStoreChoice =
  | { kind: 'keychain'; service?: string; load?: LoadKeytar }
  | { kind: 'file'; dataDir: string; secretKey?: string };

/** The store is always named by the caller; nothing here falls back from one kind to the other. */
export function createSecretStore(choice: SecretStoreChoice): SecretStore {
  return choice.kind === 'keychain' ? createKeytarStore(choice) : createFileStore(choice);
}

export type KeychainDetection = { available: true } | { available: false; reason: string };

export interface DetectOptions {
  service?: string;
  load?: LoadKeytar;
  /** A locked keychain may wait for the person to unlock it; past this, it counts as unavailable. */
  timeoutMs?: number;
}

/** Whether the OS keychain works here, and if not, why, in words a person can act on. */
export async function detectSecretStore({ service = KEYCHAIN_SERVICE, load = loadKeytar, timeoutMs = 10_000 }: DetectOptions = {}): Promise<KeychainDetection> {
  let keytar;
  try {
    keytar = await load();
  } catch (error) {
    return { available: false, reason: `keytar could not be loaded (${(error as Error).message})` };
  }
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
  });
  try {
    await Promise.race([keytar.findCredentials(service), timeout]);
    return { available: true };
  } catch (error) {
    return { available: false, reason: `the OS keychain did not answer (${(error as Error).message})` };
  } finally {
    clearTimeout(timer);
  }
}
