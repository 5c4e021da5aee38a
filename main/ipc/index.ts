import type { SecretStore } from '../../server/secrets/index';
import type { DesktopSettings } from '../desktop-settings';
import type { OneTimeToken } from '../one-time-token';
import { registerAppInfoIpc } from './app-info';
import { registerBootstrapSessionIpc } from './bootstrap-session';
import { registerNotificationsIpc } from './notifications';
import { registerOpenIncidentsIpc } from './open-incidents';
import { registerSaveFileIpc } from './save-file';
import { registerSecretsIpc } from './secrets';

export interface DesktopIpcDeps {
  /** The server's URL: only frames of this origin are answered. */
  appUrl: string;
  bootstrapToken: OneTimeToken;
  settings: DesktopSettings;
  secretStore: () => Promise<SecretStore>;
  showOpenIncidents(count: number | null): void;
  focusWindow(): void;
}

/** Every channel of preload/desktop-api.ts, each behind the sender check. */
export function registerDesktopIpc(deps: DesktopIpcDeps): void {
  registerAppInfoIpc(deps.appUrl);
  registerBootstrapSessionIpc(deps.appUrl, deps.bootstrapToken);
  registerSaveFileIpc(deps.appUrl);
  registerSecretsIpc(deps.appUrl, deps.secretStore);
  registerNotificationsIpc(deps.appUrl, deps.settings, deps.focusWindow);
  registerOpenIncidentsIpc(deps.appUrl, deps.showOpenIncidents);
}
