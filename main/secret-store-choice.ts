import { createSecretStore, detectSecretStore, type KeychainDetection, type SecretStore } from '../server/secrets/index';
import type { DesktopSettings } from './desktop-settings';

export type SecretStoreKind = 'keychain' | 'file';

export interface SecretStoreChoiceOptions {
  dataDir: string;
  settings: DesktopSettings;
  /** NIGHTSHIFT_SECRET_KEY, for the encrypted-file store. */
  secretKey?: string;
  detect?: () => Promise<KeychainDetection>;
  warn?: (message: string) => void;
}

/**
 * Chooses the kind once, at first launch: the OS keychain where it answers, else the encrypted file. The
 * choice is remembered, so a keychain that is down one day surfaces as an error instead of secrets
 * quietly landing in (and later being missing from) the other store. Main and the server process (its
 * runbook secrets) both use the kind chosen here.
 */
export async function chooseSecretStoreKind({ dataDir, settings, detect = detectSecretStore, warn = console.warn }: Omit<SecretStoreChoiceOptions, 'secretKey'>): Promise<SecretStoreKind> {
  let kind = settings.get().secretStore;
  if (!kind) {
    const detection = await detect();
    kind = detection.available ? 'keychain' : 'file';
    if (!detection.available) warn(`Nightshift: the OS keychain is not available (${detection.reason}); secrets go to an encrypted file in ${dataDir}`);
    await settings.update({ secretStore: kind });
  }
  return kind;
}

/** The store of the chosen kind (choosing it first if no launch has yet). */
export async function chooseSecretStore(options: SecretStoreChoiceOptions): Promise<SecretStore> {
  const kind = await chooseSecretStoreKind(options);
  const { dataDir, secretKey } = options;
  return kind === 'keychain' ? createSecretStore({ kind }) : createSecretStore({ kind, dataDir, ...(secretKey ? { secretKey } : {}) });
}
