import { describe, expect, it, vi } from 'vitest';
import { ServerStartError } from './server-supervisor';

const electron = vi.hoisted(() => {
  const forks: Array<{ path: string; args: string[]; options: any; listeners: Map<string, (value: any) => void> }> = [];
  return {
    forks,
    utilityProcess: {
      fork(path: string, args: string[], options: any) {
        const child = { path, args, options, listeners: new Map<string, (value: any) => void>() };
        forks.push(child);
        return {
          on: (event: string, listener: (value: any) => void) => child.listeners.set(event, listener),
          postMessage: vi.fn(),
          kill: vi.fn(() => true),
        };
      },
    },
  };
});
vi.mock('electron', () => electron);

const { createServerProcess, describeServerFailure } = await import('./server-process');

describe('the server utility process', () => {
  it('forks the built host beside the main bundle, on this machine only, asking for a bootstrap token and naming the secret store', async () => {
    const server = createServerProcess({ mainDir: '/app/out/main', dataDir: '/home/me/.config/Nightshift/data', secretStore: 'keychain' });
    const started = server.start();
    const [child] = electron.forks;
    expect(child!.path).toBe('/app/out/server/electron-host.js');
    expect(child!.args).toEqual(['--data-dir', '/home/me/.config/Nightshift/data', '--host', '127.0.0.1', '--port', '0', '--renderer-dir', '/app/out/renderer']);
    // The server keeps runbook secrets in the store main chose.
    expect(child!.options).toMatchObject({ serviceName: 'Nightshift server', env: expect.objectContaining({ NIGHTSHIFT_BOOTSTRAP: '1', NIGHTSHIFT_SECRET_STORE: 'keychain' }) });
    child!.listeners.get('message')!({ type: 'ready', url: 'http://127.0.0.1:40001', bootstrapToken: 'tok' });
    await expect(started).resolves.toEqual({ url: 'http://127.0.0.1:40001', port: 40001, bootstrapToken: 'tok' });
  });
});

describe('the start failure dialog', () => {
  it('explains a locked data dir, a taken port and a timeout, and names the data folder', () => {
    const locked = describeServerFailure(
      new ServerStartError('error', 'the data directory /d is in use by another Nightshift (pid 7); stop it or choose another --data-dir', 'DATA_DIR_LOCKED'),
      '/d',
    );
    expect(locked).toMatch(/in use by another Nightshift[\s\S]*nightshift serve[\s\S]*Data folder: \/d$/);
    expect(describeServerFailure(new ServerStartError('error', 'listen EADDRINUSE 127.0.0.1:45000', 'EADDRINUSE'), '/d')).toMatch(/Another program is using the port/);
    expect(describeServerFailure(new ServerStartError('timeout', 'the server did not start within 30 s'), '/d')).toMatch(/took too long/);
  });
});
