import { CHANNELS } from '../../preload/desktop-api';
import { assertSecretName, assertSecretValue, ORGANIZATION_SECRETS_PREFIX, SecretStoreError, type SecretStore } from '../../server/secrets/index';
import { handleFromApp } from './guard';

/** A name the desktop itself may use: not one of the server's organization secrets, which only the API (with its roles and audit) reaches. */
function assertDesktopSecretName(name: unknown): asserts name is string {
  assertSecretName(name);
  if (name.startsWith(ORGANIZATION_SECRETS_PREFIX)) {
    throw new SecretStoreError('SECRET_NAME_INVALID', `names starting with ${ORGANIZATION_SECRETS_PREFIX} are the server's organization secrets; use the Secrets API`);
  }
}

/** The store is chosen on first use (probing the keychain takes time the window should not wait for). */
export function registerSecretsIpc(appUrl: string, store: () => Promise<SecretStore>): void {
  handleFromApp(CHANNELS.getSecret, appUrl, async (_event, name) => {
    assertDesktopSecretName(name);
    return (await store()).get(name);
  });
  handleFromApp(CHANNELS.setSecret, appUrl, async (_event, name, value) => {
    assertDesktopSecretName(name);
    assertSecretValue(value);
    await (await store()).set(name, value);
  });
  handleFromApp(CHANNELS.deleteSecret, appUrl, async (_event, name) => {
    assertDesktopSecretName(name);
    return (await store()).delete(name);
  });
}
