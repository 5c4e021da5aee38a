import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { loadDesktopSettings } from './desktop-settings';
import { chooseSecretStore, chooseSecretStoreKind } from './secret-store-choice';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-choice-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('choosing the secret store', () => {
  it('uses the keychain when it answers, and remembers that', async () => {
    const dir = tempDir();
    const settings = await loadDesktopSettings(join(dir, 'settings.json'));
    const detect = vi.fn(async () => ({ available: true as const }));
    expect((await chooseSecretStore({ dataDir: dir, settings, detect })).kind).toBe('keychain');
    expect(settings.get().secretStore).toBe('keychain');
    // The server process is told the same kind; nothing probes again.
    expect(await chooseSecretStoreKind({ dataDir: dir, settings: await loadDesktopSettings(join(dir, 'settings.json')), detect })).toBe('keychain');
    expect(detect).toHaveBeenCalledTimes(1);
  });

  it('falls back to the encrypted file with a warning naming the reason, and stays there', async () => {
    const dir = tempDir();
    const settings = await loadDesktopSettings(join(dir, 'settings.json'));
    const warn = vi.fn();
    const store = await chooseSecretStore({
      dataDir: dir,
      settings,
      secretKey: randomBytes(32).toString('hex'),
      detect: async () => ({ available: false, reason: 'the OS keychain did not answer (Cannot autolaunch D-Bus)' }),
      warn,
    });
    expect(store.kind).toBe('file');
    await store.set('sync.remote', 'v');
    expect(warn).toHaveBeenCalledWith(expect.stringMatching(/Cannot autolaunch D-Bus.*encrypted file/));

    // The keychain working later does not move the secrets out from under the person.
    const detect = vi.fn(async () => ({ available: true as const }));
    const again = await chooseSecretStore({ dataDir: dir, settings: await loadDesktopSettings(join(dir, 'settings.json')), detect });
    expect(again.kind).toBe('file');
    expect(detect).not.toHaveBeenCalled();
  });
});
