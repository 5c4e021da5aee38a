import { contextBridge, ipcRenderer } from 'electron';
import { APP_VERSION_CHANNEL, type DesktopApi } from './desktop-api';

const api = {
  appVersion: (): Promise<string> => ipcRenderer.invoke(APP_VERSION_CHANNEL),
} satisfies DesktopApi;

contextBridge.exposeInMainWorld('nightshift', api);
