import { CHANNELS } from '../../preload/desktop-api';
import { assertSecretName, assertSecretValue, type SecretStore } from '../../server/secrets/index';
import { handleFromApp } from './guard';

/** The store is chosen on first use (probing the keychain takes time the window should not wait for). */
export function registerSecretsIpc(appUrl: string, store: () => Promise<SecretStore>): void {
  handleFromApp(CHANNELS.getSecret, appUrl, async (_event, name) => {
    assertSecretName(name);
    return (await store()).get(name);
  });
  handleFromApp(CHANNELS.setSecret, appUrl, async (_event, name, value) => {
    assertSecretName(name);
    assertSecretValue(value);
    await (await store()).set(name, value);
  });
  handleFromApp(CHANNELS.deleteSecret, appUrl, async (_event, name) => {
    assertSecretName(name);
    return (await store()).delete(name);
  });
}
