import { contextBridge, ipcRenderer } from 'electron';
import { CHANNELS, type DesktopApi } from './desktop-api';

// Each method passes exactly its own arguments: the page never gets ipcRenderer or a channel name.
const api = {
  appVersion: () => ipcRenderer.invoke(CHANNELS.appVersion),
  bootstrapSession: () => ipcRenderer.invoke(CHANNELS.bootstrapSession),
  saveFile: (request) => ipcRenderer.invoke(CHANNELS.saveFile, request),
  getSecret: (name) => ipcRenderer.invoke(CHANNELS.getSecret, name),
  setSecret: (name, value) => ipcRenderer.invoke(CHANNELS.setSecret, name, value),
  deleteSecret: (name) => ipcRenderer.invoke(CHANNELS.deleteSecret, name),
  notify: (notification) => ipcRenderer.invoke(CHANNELS.notify, notification),
  notificationsEnabled: () => ipcRenderer.invoke(CHANNELS.notificationsEnabled),
  setNotificationsEnabled: (enabled) => ipcRenderer.invoke(CHANNELS.setNotificationsEnabled, enabled),
  reportOpenIncidents: (count) => ipcRenderer.invoke(CHANNELS.reportOpenIncidents, count),
} satisfies DesktopApi;

contextBridge.exposeInMainWorld('nightshift', api);
