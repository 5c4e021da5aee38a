import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSecretStore, detectSecretStore } from './index';

const root = resolve(import.meta.dirname, '../..');
const probe = 'server/secrets/testing/keychain-probe.ts';

// gnome-keyring keeps its keyrings under the home and runtime dirs: a throwaway pair, so the test never
// touches (or trips over) the login keyring of whoever runs it.
const home = mkdtempSync(join(tmpdir(), 'nightshift-keyring-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));
const isolated = { HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home, XDG_CONFIG_HOME: join(home, 'config') };

/** Runs the probe in a child and returns its JSON line; `underKeyring` gives it a real Secret Service. */
function runProbe(underKeyring: boolean, baseEnv: NodeJS.ProcessEnv = process.env): any {
  const env = { ...baseEnv, ...isolated };
  const service = `nightshift-test-${randomUUID()}`;
  const node = `node --import tsx ${probe} ${service}`;
  const [command, args] = underKeyring
    ? ['dbus-run-session', ['--', 'sh', '-c', `echo pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null; exec ${node}`]]
    : ['sh', ['-c', `exec ${node}`]];
  const run = spawnSync(command, args as string[], { cwd: root, env, encoding: 'utf8', timeout: 30_000 });
  if (run.error) throw new Error(`${command} could not run (${run.error.message}); the keychain tests need apt packages dbus, gnome-keyring`);
  const line = run.stdout.trim().split('\n').at(-1);
  if (run.status !== 0 || !line) throw new Error(`the keychain probe failed (exit ${run.status}):\n${run.stdout}\n${run.stderr}`);
  return JSON.parse(line);
}

describe('keychain secret store (real Secret Service: gnome-keyring in a private D-Bus session)', () => {
  it('detects the keychain and stores, lists, overwrites and deletes secrets in it', () => {
    expect(runProbe(true)).toEqual({
      detection: { available: true },
      kind: 'keychain',
      before: null,
      afterSet: 'nsk_second',
      unicode: 'pässwörd ✓',
      reopened: 'nsk_second',
      listed: ['smtp/password', 'sync.remote'],
      deleted: true,
      deletedAgain: false,
      afterDelete: null,
      invalidName: 'SECRET_NAME_INVALID',
      listedAtEnd: [],
    });
  });

  it('reports why the keychain is unavailable when no Secret Service can be reached', () => {
    const { DBUS_SESSION_BUS_ADDRESS: _bus, DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...env } = process.env;
    const result = runProbe(false, env);
    expect(result.detection.available).toBe(false);
    expect(result.detection.reason).toMatch(/^the OS keychain did not answer \(.*D-Bus.*\)$/);
  });
});

describe('keychain store without keytar', () => {
  const broken = async () => {
    throw new Error('was compiled against a different Node.js version');
  };

  it('detection says keytar itself could not load', async () => {
    expect(await detectSecretStore({ load: broken })).toEqual({
      available: false,
      reason: 'keytar could not be loaded (was compiled against a different Node.js version)',
    });
  });

  it('the store fails with a stable code rather than at import', async () => {
    const store = createSecretStore({ kind: 'keychain', load: broken });
    await expect(store.get('token')).rejects.toMatchObject({ code: 'KEYCHAIN_UNAVAILABLE', message: expect.stringMatching(/different Node/) });
  });

  it('a keychain that never answers counts as unavailable after the timeout', async () => {
    const silent = async () => ({
      findCredentials: () => new Promise<never>(() => undefined),
      getPassword: async () => null,
      setPassword: async () => undefined,
      deletePassword: async () => false,
    });
    expect(await detectSecretStore({ load: silent, timeoutMs: 20 })).toEqual({ available: false, reason: 'the OS keychain did not answer (no answer within 20 ms)' });
  });
});
