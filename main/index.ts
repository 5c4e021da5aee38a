import { join } from 'node:path';
import { app, BrowserWindow, dialog, Menu } from 'electron';
import { type SecretStore } from '../server/secrets/index';
import { appMenuTemplate } from './app-menu';
import { loadDesktopSettings } from './desktop-settings';
import { registerDesktopIpc } from './ipc/index';
import { createMainWindow } from './main-window';
import { createOneTimeToken } from './one-time-token';
import { chooseSecretStore, chooseSecretStoreKind } from './secret-store-choice';
import { createServerProcess, describeServerFailure } from './server-process';
import type { ServerStartError, ServerSupervisor } from './server-supervisor';
import { createTray, type AppTray } from './tray';

const mainDir = import.meta.dirname;
const preload = join(mainDir, '../preload/index.cjs');
// out/main → the repo (or app.asar) root, where resources/ sits.
const trayIcon = join(mainDir, '../../resources/tray.png');

let mainWindow: BrowserWindow | undefined;
let server: ServerSupervisor | undefined;
let serverStopped = false;
let tray: AppTray | undefined;

function showWindow(appUrl: string): void {
  if (!mainWindow) {
    mainWindow = createMainWindow({ url: appUrl, preload });
    // A closed window no longer reports a count; an old number in the tray would be a wrong one.
    mainWindow.on('closed', () => {
      mainWindow = undefined;
      tray?.setOpenIncidents(null);
    });
    return;
  }
  if (mainWindow.isMinimized()) mainWindow.restore();
  mainWindow.show();
  mainWindow.focus();
}

function fail(title: string, error: ServerStartError, dataDir: string): void {
  dialog.showErrorBox(title, describeServerFailure(error, dataDir));
  app.quit();
}

async function startDesktop(): Promise<void> {
  const userData = app.getPath('userData');
  const dataDir = join(userData, 'data');
  Menu.setApplicationMenu(
    Menu.buildFromTemplate(
      appMenuTemplate({ appName: app.name, isMac: process.platform === 'darwin', isDev: !app.isPackaged, showAbout: () => app.showAboutPanel() }),
    ),
  );
  const settings = await loadDesktopSettings(join(userData, 'desktop-settings.json'));
  const bootstrapToken = createOneTimeToken();
  // Decided before the server starts, which keeps its runbook secrets in the same store; only the first
  // launch probes the keychain, later ones read the remembered choice.
  const secretStoreKind = await chooseSecretStoreKind({ dataDir, settings });
  server = createServerProcess({
    mainDir,
    dataDir,
    secretStore: secretStoreKind,
    preferredPort: settings.get().serverPort,
    // Same port, same URL: the window and its session carry on; only a fresh token is on offer.
    onRestarted: (ready) => bootstrapToken.offer(ready.bootstrapToken),
    onFailed: (error) => fail('Nightshift stopped', error, dataDir),
  });

  let ready;
  try {
    ready = await server.start();
  } catch (error) {
    if ((error as ServerStartError).reason !== 'stopped') fail('Nightshift could not start', error as ServerStartError, dataDir);
    return;
  }
  bootstrapToken.offer(ready.bootstrapToken);
  void settings.update({ serverPort: ready.port }).catch((error: unknown) => console.warn(`Nightshift: could not save settings: ${(error as Error).message}`));

  const appUrl = `${ready.url}/`;
  let secretStore: Promise<SecretStore> | undefined;
  tray = createTray({ iconPath: trayIcon, onOpen: () => showWindow(appUrl), onQuit: () => app.quit() });
  registerDesktopIpc({
    appUrl,
    bootstrapToken,
    settings,
    secretStore: () => (secretStore ??= chooseSecretStore({ dataDir, settings, secretKey: process.env.NIGHTSHIFT_SECRET_KEY })),
    showOpenIncidents: (count) => tray?.setOpenIncidents(count),
    focusWindow: () => showWindow(appUrl),
  });
  app.on('second-instance', () => showWindow(appUrl));
  app.on('activate', () => showWindow(appUrl));
  showWindow(appUrl);
}

// Two instances would contend for one data dir; a second launch focuses the first window instead.
if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.setAboutPanelOptions({ applicationName: 'Nightshift', applicationVersion: app.getVersion(), copyright: 'Offline-first operations console' });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  // Quitting waits for the server to close: in-flight requests finish and SQLite checkpoints its WAL.
  app.on('before-quit', (event) => {
    if (serverStopped || !server) return;
    event.preventDefault();
    void server.stop().finally(() => {
      serverStopped = true;
      app.quit();
    });
  });
  app.whenReady().then(startDesktop).catch((error: unknown) => {
    dialog.showErrorBox('Nightshift could not start', (error as Error).stack ?? String(error));
    app.quit();
  });
}
