import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ServerStartError, type ServerReady, type SupervisorOptions } from './server-supervisor';

const userData = mkdtempSync(join(tmpdir(), 'nightshift-main-'));
afterAll(() => rmSync(userData, { recursive: true, force: true }));

const fakes = vi.hoisted(() => {
  type Listener = (...args: any[]) => unknown;
  const state = {
    lock: true,
    appListeners: new Map<string, Listener>(),
    quit: vi.fn(),
    showErrorBox: vi.fn(),
    windows: [] as Array<{ url: string; preload: string; listeners: Map<string, Listener> }>,
    supervisor: undefined as
      | undefined
      | { options: Record<string, any>; start: ReturnType<typeof vi.fn>; stop: ReturnType<typeof vi.fn> },
    start: (): Promise<ServerReady> => Promise.resolve({ url: 'http://127.0.0.1:40001', port: 40001, bootstrapToken: 'boot' }),
    registered: undefined as undefined | Record<string, any>,
    userData: '',
  };
  return state;
});

vi.mock('electron', () => ({
  app: {
    name: 'Nightshift',
    isPackaged: false,
    requestSingleInstanceLock: () => fakes.lock,
    quit: fakes.quit,
    on: (event: string, listener: (...args: any[]) => unknown) => fakes.appListeners.set(event, listener),
    whenReady: () => Promise.resolve(),
    getPath: () => fakes.userData,
    getVersion: () => '0.1.0',
    setAboutPanelOptions: vi.fn(),
    showAboutPanel: vi.fn(),
  },
  dialog: { showErrorBox: fakes.showErrorBox },
  Menu: { buildFromTemplate: (template: unknown) => template, setApplicationMenu: vi.fn() },
}));
vi.mock('./main-window', () => ({
  createMainWindow: (options: { url: string; preload: string }) => {
    const window = { ...options, listeners: new Map(), on: (event: string, listener: () => void) => window.listeners.set(event, listener) };
    fakes.windows.push(window);
    return window;
  },
}));
vi.mock('./tray', () => ({ createTray: () => ({ setOpenIncidents: vi.fn() }) }));
// Probing the real keychain is secret-store-choice.test.ts's business; here it answers at once.
vi.mock('./secret-store-choice', () => ({ chooseSecretStoreKind: async () => 'keychain', chooseSecretStore: vi.fn() }));
vi.mock('./ipc/index', () => ({ registerDesktopIpc: (deps: Record<string, any>) => (fakes.registered = deps) }));
vi.mock('./server-process', async (importOriginal) => ({
  ...(await importOriginal<typeof import('./server-process')>()),
  createServerProcess: (options: SupervisorOptions & { mainDir: string; dataDir: string }) => {
    fakes.supervisor = { options, start: vi.fn(() => fakes.start()), stop: vi.fn(async () => undefined) };
    return fakes.supervisor;
  },
}));

async function launch() {
  vi.resetModules();
  await import('./index');
  // whenReady().then(startDesktop) and the awaits inside it.
  await new Promise((resolve) => setTimeout(resolve, 20));
}

beforeEach(() => {
  fakes.lock = true;
  fakes.appListeners.clear();
  fakes.quit.mockClear();
  fakes.showErrorBox.mockClear();
  fakes.windows.length = 0;
  fakes.supervisor = undefined;
  fakes.registered = undefined;
  fakes.userData = mkdtempSync(join(userData, 'run-'));
  fakes.start = () => Promise.resolve({ url: 'http://127.0.0.1:40001', port: 40001, bootstrapToken: 'boot' });
});

describe('main process lifecycle', () => {
  it('a second instance quits at once and starts nothing', async () => {
    fakes.lock = false;
    await launch();
    expect(fakes.quit).toHaveBeenCalled();
    expect(fakes.supervisor).toBeUndefined();
  });

  it('starts the server in the data dir, then opens the window on the server URL with the bootstrap token on offer', async () => {
    await launch();
    expect(fakes.supervisor!.options).toMatchObject({ dataDir: join(fakes.userData, 'data'), secretStore: 'keychain' });
    expect(fakes.windows).toHaveLength(1);
    expect(fakes.windows[0]!.url).toBe('http://127.0.0.1:40001/');
    expect(fakes.windows[0]!.preload).toMatch(/preload[/\\]index\.cjs$/);
    expect(fakes.registered!.appUrl).toBe('http://127.0.0.1:40001/');
    expect(fakes.registered!.bootstrapToken.take()).toBe('boot');
  });

  it('asks for last run’s port next time', async () => {
    await launch();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const dir = fakes.userData;
    fakes.appListeners.clear();
    await launch();
    expect(fakes.userData).toBe(dir);
    expect(fakes.supervisor!.options.preferredPort).toBe(40001);
  });

  it('shows the start failure in a dialog and quits, with no window', async () => {
    fakes.start = () => Promise.reject(new ServerStartError('error', 'the data directory /d is in use by another Nightshift (pid 7)', 'DATA_DIR_LOCKED'));
    await launch();
    expect(fakes.showErrorBox).toHaveBeenCalledWith('Nightshift could not start', expect.stringMatching(/in use by another Nightshift[\s\S]*Data folder:/));
    expect(fakes.quit).toHaveBeenCalled();
    expect(fakes.windows).toHaveLength(0);
  });

  it('stays quiet when the start was cut short by quitting', async () => {
    fakes.start = () => Promise.reject(new ServerStartError('stopped', 'the app is quitting'));
    await launch();
    expect(fakes.showErrorBox).not.toHaveBeenCalled();
  });

  it('shows a dialog and quits when the server dies for good after starting', async () => {
    await launch();
    fakes.supervisor!.options.onFailed(new ServerStartError('crashed', 'the server stopped unexpectedly (code 139) after being restarted once'));
    expect(fakes.showErrorBox).toHaveBeenCalledWith('Nightshift stopped', expect.stringMatching(/restarted once/));
    expect(fakes.quit).toHaveBeenCalled();
  });

  it('offers the restarted server’s new bootstrap token', async () => {
    await launch();
    fakes.registered!.bootstrapToken.take();
    fakes.supervisor!.options.onRestarted({ url: 'http://127.0.0.1:40001', port: 40001, bootstrapToken: 'boot-2' });
    expect(fakes.registered!.bootstrapToken.take()).toBe('boot-2');
  });

  it('holds the quit until the server has closed, then quits for real', async () => {
    await launch();
    let finishStop!: () => void;
    fakes.supervisor!.stop.mockImplementationOnce(() => new Promise<void>((resolve) => (finishStop = resolve)));
    const beforeQuit = fakes.appListeners.get('before-quit')!;
    const event = { preventDefault: vi.fn() };
    beforeQuit(event);
    expect(event.preventDefault).toHaveBeenCalled();
    expect(fakes.supervisor!.stop).toHaveBeenCalledTimes(1);
    expect(fakes.quit).not.toHaveBeenCalled();
    finishStop();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(fakes.quit).toHaveBeenCalledTimes(1);
    const again = { preventDefault: vi.fn() };
    beforeQuit(again);
    expect(again.preventDefault).not.toHaveBeenCalled();
  });
});
