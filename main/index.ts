import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { app, BrowserWindow } from 'electron';
import { registerAppInfoIpc } from './ipc/app-info';
import { createMainWindow } from './main-window';

// Until main forks the server (DESIGN.md §1), the page comes from a server the user started
// (NIGHTSHIFT_URL), electron-vite's dev server, or the built renderer on disk.
function appUrl(): string {
  const devUrl = app.isPackaged ? undefined : process.env.ELECTRON_RENDERER_URL;
  return (
    process.env.NIGHTSHIFT_URL ??
    devUrl ??
    pathToFileURL(join(import.meta.dirname, '../renderer/index.html')).href
  );
}

// Two instances would contend for one data dir; a second launch focuses the first window instead.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  const url = appUrl();
  const preload = join(import.meta.dirname, '../preload/index.cjs');
  let mainWindow: BrowserWindow | undefined;
  const openWindow = () => {
    mainWindow = createMainWindow({ url, preload });
    mainWindow.on('closed', () => (mainWindow = undefined));
  };

  app.on('second-instance', () => {
    if (!mainWindow) return;
    if (mainWindow.isMinimized()) mainWindow.restore();
    mainWindow.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (app.isReady() && BrowserWindow.getAllWindows().length === 0) openWindow();
  });

  void app.whenReady().then(() => {
    registerAppInfoIpc(url);
    openWindow();
  });
}
