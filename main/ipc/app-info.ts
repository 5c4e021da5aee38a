import { app } from 'electron';
import { CHANNELS } from '../../preload/desktop-api';
import { handleFromApp } from './guard';

export function registerAppInfoIpc(appUrl: string): void {
  handleFromApp(CHANNELS.appVersion, appUrl, () => app.getVersion());
}
