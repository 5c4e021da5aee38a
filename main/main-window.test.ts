import { beforeEach, describe, expect, it, vi } from 'vitest';

// The Electron binary cannot run here: a fake BrowserWindow records what the factory configures.
const electron = vi.hoisted(() => {
  type Listener = (...args: any[]) => unknown;
  class FakeBrowserWindow {
    static last: FakeBrowserWindow;
    readonly listeners = new Map<string, Listener>();
    readonly webContents = {
      listeners: new Map<string, Listener>(),
      windowOpenHandler: undefined as Listener | undefined,
      setWindowOpenHandler(handler: Listener) {
        this.windowOpenHandler = handler;
      },
      on(name: string, listener: Listener) {
        this.listeners.set(name, listener);
      },
      session: {
        permissionRequestHandler: undefined as Listener | undefined,
        permissionCheckHandler: undefined as Listener | undefined,
        setPermissionRequestHandler(handler: Listener) {
          this.permissionRequestHandler = handler;
        },
        setPermissionCheckHandler(handler: Listener) {
          this.permissionCheckHandler = handler;
        },
      },
    };
    loadURL = vi.fn(async () => undefined);
    show = vi.fn();
    constructor(readonly options: any) {
      FakeBrowserWindow.last = this;
    }
    once(name: string, listener: Listener) {
      this.listeners.set(name, listener);
    }
  }
  return { BrowserWindow: FakeBrowserWindow, shell: { openExternal: vi.fn(async (_url: string) => undefined) } };
});
vi.mock('electron', () => electron);

const { createMainWindow } = await import('./main-window');

const APP_URL = 'http://127.0.0.1:4123/';

function open() {
  createMainWindow({ url: APP_URL, preload: '/app/out/preload/index.cjs' });
  return electron.BrowserWindow.last;
}

function navigate(win: ReturnType<typeof open>, event: string, url: string) {
  const nav = { url, preventDefault: vi.fn() };
  win.webContents.listeners.get(event)?.(nav);
  return nav.preventDefault;
}

describe('createMainWindow', () => {
  let win: ReturnType<typeof open>;
  beforeEach(() => {
    win = open();
  });

  it('isolates and sandboxes the renderer', () => {
    expect(win.options.webPreferences).toEqual({
      preload: '/app/out/preload/index.cjs',
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      webSecurity: true,
      webviewTag: false,
    });
  });

  it('loads the given URL and shows the window once it has painted', () => {
    expect(win.loadURL).toHaveBeenCalledWith(APP_URL);
    expect(win.show).not.toHaveBeenCalled();
    win.listeners.get('ready-to-show')?.();
    expect(win.show).toHaveBeenCalled();
  });

  it('denies window.open, sending plain https links to the OS browser', () => {
    electron.shell.openExternal.mockClear();
    expect(win.webContents.windowOpenHandler?.({ url: 'https://example.com/runbook?x=1#step' })).toEqual({ action: 'deny' });
    expect(electron.shell.openExternal).toHaveBeenCalledExactlyOnceWith('https://example.com/runbook?x=1#step');
  });

  it('opens nothing for non-https or credential-carrying links', () => {
    electron.shell.openExternal.mockClear();
    for (const url of [
      `${APP_URL}docs`,
      'http://example.com/',
      'file:///etc/passwd',
      'javascript:alert(1)',
      'ms-settings:privacy',
      'smb://fileserver/share',
      'https://user:pass@example.com/',
      'https://token@example.com/',
      'not a url',
    ]) {
      expect(win.webContents.windowOpenHandler?.({ url })).toEqual({ action: 'deny' });
    }
    expect(electron.shell.openExternal).not.toHaveBeenCalled();
  });

  it('blocks navigation and redirects off the app origin', () => {
    for (const event of ['will-navigate', 'will-redirect']) {
      expect(win.webContents.listeners.has(event)).toBe(true);
      expect(navigate(win, event, 'https://evil.example/')).toHaveBeenCalled();
      expect(navigate(win, event, 'http://127.0.0.1:9999/')).toHaveBeenCalled();
      expect(navigate(win, event, 'file:///etc/passwd')).toHaveBeenCalled();
      expect(navigate(win, event, 'not a url')).toHaveBeenCalled();
    }
  });

  it('allows navigation within the app origin', () => {
    expect(navigate(win, 'will-navigate', 'http://127.0.0.1:4123/docs')).not.toHaveBeenCalled();
    expect(navigate(win, 'will-redirect', 'http://127.0.0.1:4123/redoc')).not.toHaveBeenCalled();
  });

  it('denies every permission request and check', () => {
    const { session } = win.webContents;
    for (const permission of ['media', 'notifications', 'geolocation', 'clipboard-read']) {
      const callback = vi.fn();
      session.permissionRequestHandler?.(win.webContents, permission, callback, {});
      expect(callback).toHaveBeenCalledWith(false);
      expect(session.permissionCheckHandler?.(win.webContents, permission, APP_URL, {})).toBe(false);
    }
  });
});
