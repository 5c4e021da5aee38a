import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadDesktopSettings } from './desktop-settings';

const dirs: string[] = [];
const file = () => {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-settings-'));
  dirs.push(dir);
  return join(dir, 'desktop-settings.json');
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('desktop settings', () => {
  it('starts with notifications off, and remembers changes across launches', async () => {
    const path = file();
    const settings = await loadDesktopSettings(path);
    expect(settings.get()).toEqual({ notificationsEnabled: false });
    await settings.update({ notificationsEnabled: true, serverPort: 45123 });
    await settings.update({ secretStore: 'file' });
    expect((await loadDesktopSettings(path)).get()).toEqual({ notificationsEnabled: true, serverPort: 45123, secretStore: 'file' });
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(path, '..'))).toEqual(['desktop-settings.json']);
  });

  it('falls back to defaults for a missing, corrupt or odd file', async () => {
    const path = file();
    writeFileSync(path, '{ not json');
    expect((await loadDesktopSettings(path)).get()).toEqual({ notificationsEnabled: false });
    writeFileSync(path, JSON.stringify({ notificationsEnabled: 'yes', serverPort: 70000, secretStore: 'cloud', extra: 1 }));
    expect((await loadDesktopSettings(path)).get()).toEqual({ notificationsEnabled: false });
  });

  it('writes the last of several quick updates', async () => {
    const path = file();
    const settings = await loadDesktopSettings(path);
    await Promise.all([settings.update({ serverPort: 1001 }), settings.update({ serverPort: 1002 }), settings.update({ notificationsEnabled: true })]);
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ notificationsEnabled: true, serverPort: 1002 });
  });
});
