import { createSecretStore, detectSecretStore, type KeychainDetection, type SecretStore } from '../server/secrets/index';
import type { DesktopSettings } from './desktop-settings';

export interface SecretStoreChoiceOptions {
  dataDir: string;
  settings: DesktopSettings;
  /** NIGHTSHIFT_SECRET_KEY, for the encrypted-file store. */
  secretKey?: string;
  detect?: () => Promise<KeychainDetection>;
  warn?: (message: string) => void;
}

/**
 * Chooses the store once, on first use: the OS keychain where it answers, else the encrypted file. The
 * choice is remembered, so a keychain that is down one day surfaces as an error instead of secrets
 * quietly landing in (and later being missing from) the other store.
 */
export async function chooseSecretStore({ dataDir, settings, secretKey, detect = detectSecretStore, warn = console.warn }: SecretStoreChoiceOptions): Promise<SecretStore> {
  let kind = settings.get().secretStore;
  if (!kind) {
    const detection = await detect();
    kind = detection.available ? 'keychain' : 'file';
    if (!detection.available) warn(`Nightshift: the OS keychain is not available (${detection.reason}); secrets go to an encrypted file in ${dataDir}`);
    await settings.update({ secretStore: kind });
  }
  return kind === 'keychain' ? createSecretStore({ kind }) : createSecretStore({ kind, dataDir, ...(secretKey ? { secretKey } : {}) });
}
