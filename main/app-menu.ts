import type { MenuItemConstructorOptions } from 'electron';

export interface AppMenuOptions {
  appName: string;
  isMac: boolean;
  /** Developer tools only in an unpackaged app: a shipped console has nothing to debug for its user. */
  isDev: boolean;
  showAbout(): void;
}

export function appMenuTemplate({ appName, isMac, isDev, showAbout }: AppMenuOptions): MenuItemConstructorOptions[] {
  const quit: MenuItemConstructorOptions = { label: `Quit ${appName}`, role: 'quit', accelerator: 'CmdOrCtrl+Q' };
  const about: MenuItemConstructorOptions = { label: `About ${appName}`, click: showAbout };
  const view: MenuItemConstructorOptions[] = [
    { label: 'Reload', role: 'reload', accelerator: 'CmdOrCtrl+R' },
    ...(isDev
      ? [{ label: 'Toggle Developer Tools', role: 'toggleDevTools', accelerator: isMac ? 'Alt+Cmd+I' : 'Ctrl+Shift+I' } as const]
      : []),
    { type: 'separator' },
    { role: 'resetZoom', accelerator: 'CmdOrCtrl+0' },
    { role: 'zoomIn', accelerator: 'CmdOrCtrl+=' },
    { role: 'zoomOut', accelerator: 'CmdOrCtrl+-' },
    { type: 'separator' },
    { role: 'togglefullscreen' },
  ];
  return [
    ...(isMac ? [{ label: appName, submenu: [about, { type: 'separator' }, { role: 'hide' }, { role: 'hideOthers' }, { role: 'unhide' }, { type: 'separator' }, quit] } satisfies MenuItemConstructorOptions] : []),
    ...(isMac ? [] : [{ label: 'File', submenu: [quit] } satisfies MenuItemConstructorOptions]),
    // Without an Edit menu, copy and paste shortcuts do nothing on macOS.
    { label: 'Edit', role: 'editMenu' },
    { label: 'View', submenu: view },
    { label: 'Window', role: 'windowMenu' },
    ...(isMac ? [] : [{ label: 'Help', submenu: [about] } satisfies MenuItemConstructorOptions]),
  ];
}
