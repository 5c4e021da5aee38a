import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { CHANNELS } from '../../preload/desktop-api';
import { createSecretStore, MAX_SECRET_BYTES } from '../../server/secrets/index';
import { loadDesktopSettings } from '../desktop-settings';
import { createOneTimeToken } from '../one-time-token';

const electron = vi.hoisted(() => {
  type Handler = (event: any, ...args: unknown[]) => unknown;
  class FakeNotification {
    static supported = true;
    static shown: FakeNotification[] = [];
    static isSupported = () => FakeNotification.supported;
    readonly listeners = new Map<string, () => void>();
    constructor(readonly options: { title: string; body: string }) {}
    on(event: string, listener: () => void) {
      this.listeners.set(event, listener);
    }
    show() {
      FakeNotification.shown.push(this);
    }
  }
  const window = { id: 1 };
  return {
    handlers: new Map<string, Handler>(),
    window,
    saveDialog: vi.fn(async (..._args: unknown[]): Promise<{ canceled: boolean; filePath?: string }> => ({ canceled: true })),
    FakeNotification,
    module: {} as Record<string, unknown>,
  };
});
vi.mock('electron', () => ({
  app: { getVersion: () => '0.1.0', getPath: (name: string) => `/home/me/${name}` },
  ipcMain: { handle: (channel: string, handler: any) => electron.handlers.set(channel, handler) },
  BrowserWindow: { fromWebContents: () => electron.window },
  dialog: { showSaveDialog: electron.saveDialog },
  Notification: electron.FakeNotification,
}));

const { registerDesktopIpc } = await import('./index');
const { SAVE_FILE_MAX_BYTES } = await import('./save-file');

const APP_URL = 'http://127.0.0.1:4123/';
const fromApp = { senderFrame: { url: 'http://127.0.0.1:4123/settings' }, sender: {} };
const tempDir = mkdtempSync(join(tmpdir(), 'nightshift-ipc-'));
afterAll(() => rmSync(tempDir, { recursive: true, force: true }));

const bootstrapToken = createOneTimeToken();
const settings = await loadDesktopSettings(join(tempDir, 'settings.json'));
const secretStore = createSecretStore({ kind: 'file', dataDir: tempDir });
const showOpenIncidents = vi.fn();
const focusWindow = vi.fn();
registerDesktopIpc({ appUrl: APP_URL, bootstrapToken, settings, secretStore: async () => secretStore, showOpenIncidents, focusWindow });

async function call(channel: string, ...args: unknown[]): Promise<unknown> {
  const handler = electron.handlers.get(channel);
  if (!handler) throw new Error(`no handler for ${channel}`);
  return handler(fromApp, ...args);
}

/** Valid arguments for every channel: the sender check must refuse even these. */
const VALID_ARGS: Record<keyof typeof CHANNELS, unknown[]> = {
  appVersion: [],
  bootstrapSession: [],
  saveFile: [{ defaultName: 'audit.csv', content: 'a,b\n' }],
  getSecret: ['sync.remote'],
  setSecret: ['sync.remote', 'v'],
  deleteSecret: ['sync.remote'],
  notify: [{ title: 't', body: 'b' }],
  notificationsEnabled: [],
  setNotificationsEnabled: [true],
  reportOpenIncidents: [1],
};

describe('every IPC handler checks its sender', () => {
  it('registers a handler for each channel of the contract, and no other', () => {
    expect([...electron.handlers.keys()].sort()).toEqual(Object.values(CHANNELS).sort());
  });

  for (const [method, channel] of Object.entries(CHANNELS) as Array<[keyof typeof CHANNELS, string]>) {
    it(`${method} refuses foreign origins, other ports, file: pages and destroyed frames`, async () => {
      const handler = electron.handlers.get(channel)!;
      bootstrapToken.offer('must-not-leak');
      for (const senderFrame of [
        { url: 'https://evil.example/' },
        { url: 'http://127.0.0.1:9999/' },
        { url: 'http://localhost:4123/' },
        { url: 'file:///tmp/page.html' },
        { url: 'about:blank' },
        null,
        undefined,
      ]) {
        await expect(async () => handler({ senderFrame, sender: {} }, ...VALID_ARGS[method])).rejects.toThrow(/not the Nightshift app/);
      }
      expect(bootstrapToken.take()).toBe('must-not-leak');
      expect(electron.saveDialog).not.toHaveBeenCalled();
      expect(showOpenIncidents).not.toHaveBeenCalled();
    });
  }
});

describe('app version and bootstrap session', () => {
  it('answers the app version', async () => {
    expect(await call(CHANNELS.appVersion)).toBe('0.1.0');
  });

  it('hands the bootstrap token out once', async () => {
    bootstrapToken.offer('boot-123');
    expect(await call(CHANNELS.bootstrapSession)).toEqual({ token: 'boot-123' });
    expect(await call(CHANNELS.bootstrapSession)).toBeNull();
  });
});

describe('saveFile', () => {
  beforeEach(() => electron.saveDialog.mockClear());

  it('asks where to save, offering the suggested name in Downloads, then writes the content', async () => {
    const target = join(tempDir, 'chosen.csv');
    electron.saveDialog.mockResolvedValueOnce({ canceled: false, filePath: target });
    expect(await call(CHANNELS.saveFile, { defaultName: 'audit-2026-11-23.csv', content: 'id,action\n1,ünïcode\n' })).toEqual({ saved: true, path: target });
    expect(electron.saveDialog).toHaveBeenCalledWith(electron.window, { defaultPath: '/home/me/downloads/audit-2026-11-23.csv' });
    expect(readFileSync(target, 'utf8')).toBe('id,action\n1,ünïcode\n');
  });

  it('writes nothing when the person cancels', async () => {
    electron.saveDialog.mockResolvedValueOnce({ canceled: true });
    expect(await call(CHANNELS.saveFile, { defaultName: 'a.csv', content: 'x' })).toEqual({ saved: false });
  });

  it('refuses malformed requests before opening a dialog', async () => {
    const bad: unknown[] = [
      undefined,
      null,
      'audit.csv',
      ['audit.csv', 'x'],
      {},
      { defaultName: 'a.csv' },
      { defaultName: 'a.csv', content: 'x', path: '/etc/passwd' },
      { defaultName: 'a.csv', content: 42 },
      { defaultName: 'a.csv', content: new Uint8Array(3) },
      { defaultName: 7, content: 'x' },
      { defaultName: '', content: 'x' },
      { defaultName: '   ', content: 'x' },
      { defaultName: '..', content: 'x' },
      { defaultName: '../../.bashrc', content: 'x' },
      { defaultName: '/etc/cron.d/job', content: 'x' },
      { defaultName: 'C:\\Windows\\x.csv', content: 'x' },
      { defaultName: 'a\u0000.csv', content: 'x' },
      { defaultName: 'a\n.csv', content: 'x' },
      { defaultName: 'x'.repeat(256), content: 'x' },
    ];
    for (const request of bad) {
      await expect(call(CHANNELS.saveFile, request)).rejects.toThrow(/saveFile request|defaultName|content/);
    }
    expect(electron.saveDialog).not.toHaveBeenCalled();
  });

  it('caps the content at 50 MiB, in bytes', async () => {
    await expect(call(CHANNELS.saveFile, { defaultName: 'a.csv', content: 'x'.repeat(SAVE_FILE_MAX_BYTES + 1) })).rejects.toThrow(/at most/);
    // Fewer characters than the cap, more bytes: 'é' is two bytes in UTF-8.
    await expect(call(CHANNELS.saveFile, { defaultName: 'a.csv', content: 'é'.repeat(SAVE_FILE_MAX_BYTES / 2 + 1) })).rejects.toThrow(/bytes/);
    expect(electron.saveDialog).not.toHaveBeenCalled();
  });
});

describe('secrets', () => {
  it('stores, reads and deletes through the secret store', async () => {
    expect(await call(CHANNELS.getSecret, 'sync.remote')).toBeNull();
    await call(CHANNELS.setSecret, 'sync.remote', 'nsk_abc');
    expect(await call(CHANNELS.getSecret, 'sync.remote')).toBe('nsk_abc');
    expect(await secretStore.get('sync.remote')).toBe('nsk_abc');
    expect(await call(CHANNELS.deleteSecret, 'sync.remote')).toBe(true);
    expect(await call(CHANNELS.deleteSecret, 'sync.remote')).toBe(false);
  });

  it('validates names and values', async () => {
    // org/… are the server's organization secrets (runbooks): the API's roles and audit guard them, not this bridge.
    for (const name of [undefined, 42, '', 'has space', '../x', 'x'.repeat(129), { toString: () => 'a' }, 'org/some-org/db_password']) {
      await expect(call(CHANNELS.getSecret, name)).rejects.toMatchObject({ code: 'SECRET_NAME_INVALID' });
      await expect(call(CHANNELS.setSecret, name, 'v')).rejects.toMatchObject({ code: 'SECRET_NAME_INVALID' });
      await expect(call(CHANNELS.deleteSecret, name)).rejects.toMatchObject({ code: 'SECRET_NAME_INVALID' });
    }
    for (const value of [undefined, null, 1, ['v'], 'v'.repeat(MAX_SECRET_BYTES + 1)]) {
      await expect(call(CHANNELS.setSecret, 'ok', value)).rejects.toMatchObject({ code: 'SECRET_VALUE_INVALID' });
    }
    expect(await secretStore.list()).toEqual([]);
  });
});

describe('notifications', () => {
  beforeEach(() => {
    electron.FakeNotification.shown.length = 0;
    electron.FakeNotification.supported = true;
  });

  it('are off until the person opts in, and the choice is persisted', async () => {
    expect(await call(CHANNELS.notificationsEnabled)).toBe(false);
    expect(await call(CHANNELS.notify, { title: 'Incident opened', body: 'Redis failover' })).toBe(false);
    expect(electron.FakeNotification.shown).toHaveLength(0);

    await call(CHANNELS.setNotificationsEnabled, true);
    expect(await call(CHANNELS.notificationsEnabled)).toBe(true);
    expect((await loadDesktopSettings(join(tempDir, 'settings.json'))).get().notificationsEnabled).toBe(true);

    expect(await call(CHANNELS.notify, { title: 'Incident opened', body: 'Redis failover' })).toBe(true);
    const [shown] = electron.FakeNotification.shown;
    expect(shown!.options).toEqual({ title: 'Incident opened', body: 'Redis failover' });
    shown!.listeners.get('click')!();
    expect(focusWindow).toHaveBeenCalled();

    await call(CHANNELS.setNotificationsEnabled, false);
    expect(await call(CHANNELS.notify, { title: 'Incident opened', body: 'again' })).toBe(false);
  });

  it('report false where the OS has no notifications', async () => {
    await call(CHANNELS.setNotificationsEnabled, true);
    electron.FakeNotification.supported = false;
    expect(await call(CHANNELS.notify, { title: 't', body: 'b' })).toBe(false);
  });

  it('validate their arguments', async () => {
    for (const notification of [undefined, 'hi', { title: 't' }, { title: 't', body: 'b', icon: '/etc/x.png' }, { title: 1, body: 'b' }, { title: 't'.repeat(201), body: 'b' }, { title: 't', body: 'b'.repeat(2001) }]) {
      await expect(call(CHANNELS.notify, notification)).rejects.toThrow(/notification|title|body/);
    }
    for (const enabled of [undefined, 'true', 1, null]) {
      await expect(call(CHANNELS.setNotificationsEnabled, enabled)).rejects.toThrow(/enabled must be true or false/);
    }
  });
});

describe('open incident count', () => {
  it('goes to the tray, and null clears it', async () => {
    await call(CHANNELS.reportOpenIncidents, 3);
    await call(CHANNELS.reportOpenIncidents, 0);
    await call(CHANNELS.reportOpenIncidents, null);
    expect(showOpenIncidents.mock.calls).toEqual([[3], [0], [null]]);
  });

  it('must be a sane integer', async () => {
    showOpenIncidents.mockClear();
    for (const count of [undefined, -1, 1.5, Number.NaN, Infinity, 1_000_001, '3', [3]]) {
      await expect(call(CHANNELS.reportOpenIncidents, count)).rejects.toThrow(/count must be/);
    }
    expect(showOpenIncidents).not.toHaveBeenCalled();
  });
});
