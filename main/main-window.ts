import { BrowserWindow, shell } from 'electron';
import { isAppUrl } from './app-url';
import { externalHttpsUrl } from './external-links';

export interface MainWindowOptions {
  /** The page to load: the server's own URL in the desktop shell. */
  url: string;
  /** Absolute path of the bundled preload script. */
  preload: string;
}

export function createMainWindow({ url, preload }: MainWindowOptions): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 800,
    show: false,
    title: 'Nightshift',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    },
  });
  const { webContents } = win;

  // The console is one window: a link that would open another goes to the OS browser if it is a plain
  // https link, and nowhere otherwise.
  webContents.setWindowOpenHandler(({ url: target }) => {
    const external = externalHttpsUrl(target);
    if (external) void shell.openExternal(external);
    return { action: 'deny' };
  });
  webContents.on('will-navigate', (event) => {
    if (!isAppUrl(event.url, url)) event.preventDefault();
  });
  webContents.on('will-redirect', (event) => {
    if (!isAppUrl(event.url, url)) event.preventDefault();
  });
  // The console needs no camera, notifications or geolocation; a page that asks is not ours.
  webContents.session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  webContents.session.setPermissionCheckHandler(() => false);

  win.once('ready-to-show', () => win.show());
  void win.loadURL(url);
  return win;
}
