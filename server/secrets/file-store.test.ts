import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';

// The one thing a real file system will not do on demand is fail between writing and renaming.
const faults = vi.hoisted(() => ({ failRename: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...actual,
    rename: async (from: string, to: string) => {
      if (faults.failRename) throw Object.assign(new Error('simulated crash before rename'), { code: 'EIO' });
      return actual.rename(from, to);
    },
  };
});

const { createSecretStore, secretFile, secretKeyFile, SecretStoreError, MAX_SECRET_BYTES } = await import('./index');

const dirs: string[] = [];
function dataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nightshift-secrets-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  faults.failRename = false;
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

const mode = (path: string) => statSync(path).mode & 0o777;

describe('file secret store', () => {
  it('round-trips secrets across instances and never writes them in clear', async () => {
    const dir = dataDir();
    const store = createSecretStore({ kind: 'file', dataDir: dir });
    expect(store.kind).toBe('file');
    expect(await store.get('sync.remote')).toBeNull();
    expect(await store.list()).toEqual([]);

    await store.set('sync.remote', 'nsk_top-secret');
    await store.set('smtp/password', 'pässwörd ✓');
    await store.set('sync.remote', 'nsk_rotated');

    const reopened = createSecretStore({ kind: 'file', dataDir: dir });
    expect(await reopened.get('sync.remote')).toBe('nsk_rotated');
    expect(await reopened.get('smtp/password')).toBe('pässwörd ✓');
    expect(await reopened.list()).toEqual(['smtp/password', 'sync.remote']);
    expect(readFileSync(secretFile(dir), 'utf8')).not.toMatch(/nsk_|pässwörd/);

    expect(await reopened.delete('sync.remote')).toBe(true);
    expect(await reopened.delete('sync.remote')).toBe(false);
    expect(await store.get('sync.remote')).toBeNull();
    expect(await store.list()).toEqual(['smtp/password']);
  });

  it('keeps the secret file and its key file 0600 in a 0700 folder', async () => {
    const dir = dataDir();
    const previous = process.umask(0o022);
    try {
      await createSecretStore({ kind: 'file', dataDir: dir }).set('a', 'b');
    } finally {
      process.umask(previous);
    }
    expect(mode(secretFile(dir))).toBe(0o600);
    expect(mode(secretKeyFile(dir))).toBe(0o600);
    expect(mode(join(dir, 'secrets'))).toBe(0o700);
  });

  it('uses NIGHTSHIFT_SECRET_KEY as hex or base64 and then writes no key file', async () => {
    const key = randomBytes(32);
    const dir = dataDir();
    await createSecretStore({ kind: 'file', dataDir: dir, secretKey: key.toString('hex') }).set('token', 'v1');
    expect(existsSync(secretKeyFile(dir))).toBe(false);
    expect(await createSecretStore({ kind: 'file', dataDir: dir, secretKey: key.toString('base64') }).get('token')).toBe('v1');
    expect(await createSecretStore({ kind: 'file', dataDir: dir, secretKey: key.toString('base64url') }).get('token')).toBe('v1');
  });

  it('refuses a malformed NIGHTSHIFT_SECRET_KEY when the store is created', () => {
    for (const bad of ['', 'short', randomBytes(16).toString('hex'), randomBytes(31).toString('base64'), 'z'.repeat(64)]) {
      expect(() => createSecretStore({ kind: 'file', dataDir: dataDir(), secretKey: bad })).toThrow(
        expect.objectContaining({ code: 'SECRET_KEY_INVALID', message: expect.stringMatching(/32 bytes/) }),
      );
    }
  });

  it('says clearly when the key is not the one the file was written with', async () => {
    const dir = dataDir();
    await createSecretStore({ kind: 'file', dataDir: dir, secretKey: randomBytes(32).toString('hex') }).set('token', 'v1');
    const wrong = createSecretStore({ kind: 'file', dataDir: dir, secretKey: randomBytes(32).toString('hex') });
    const failure = await wrong.get('token').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(SecretStoreError);
    expect(failure).toMatchObject({ code: 'SECRET_KEY_MISMATCH', message: expect.stringMatching(/NIGHTSHIFT_SECRET_KEY.*not the one it was written with/) });
    // A failed read must not be taken as "empty" and overwrite what is there.
    await expect(wrong.set('other', 'x')).rejects.toMatchObject({ code: 'SECRET_KEY_MISMATCH' });

    rmSync(secretKeyFile(dir), { force: true });
    await expect(createSecretStore({ kind: 'file', dataDir: dir }).get('token')).rejects.toMatchObject({
      code: 'SECRET_KEY_MISMATCH',
      message: expect.stringContaining(secretKeyFile(dir)),
    });
  });

  it('detects a tampered or foreign file', async () => {
    const dir = dataDir();
    const store = createSecretStore({ kind: 'file', dataDir: dir });
    await store.set('token', 'v1');
    const envelope = JSON.parse(readFileSync(secretFile(dir), 'utf8'));
    const data = Buffer.from(envelope.data, 'base64');
    data[0]! ^= 1;
    writeFileSync(secretFile(dir), JSON.stringify({ ...envelope, data: data.toString('base64') }));
    await expect(store.get('token')).rejects.toMatchObject({ code: 'SECRET_KEY_MISMATCH' });
    writeFileSync(secretFile(dir), 'not json');
    await expect(store.get('token')).rejects.toMatchObject({ code: 'SECRET_FILE_CORRUPT' });
  });

  it('leaves the previous file intact and no temp file behind when a write fails', async () => {
    const dir = dataDir();
    const store = createSecretStore({ kind: 'file', dataDir: dir });
    await store.set('token', 'v1');
    const before = readFileSync(secretFile(dir), 'utf8');

    faults.failRename = true;
    await expect(store.set('token', 'v2')).rejects.toThrow(/simulated crash/);
    faults.failRename = false;

    expect(readFileSync(secretFile(dir), 'utf8')).toBe(before);
    expect(readdirSync(join(dir, 'secrets')).sort()).toEqual(['secrets.enc', 'secrets.key']);
    expect(await createSecretStore({ kind: 'file', dataDir: dir }).get('token')).toBe('v1');
  });

  it('never lets a reader see a half-written file', async () => {
    const dir = dataDir();
    const writer = createSecretStore({ kind: 'file', dataDir: dir });
    const reader = createSecretStore({ kind: 'file', dataDir: dir });
    await writer.set('big', 'x');
    let writing = true;
    const reads: Array<string | null> = [];
    const readLoop = (async () => {
      while (writing) reads.push(await reader.get('big'));
    })();
    for (let i = 0; i < 40; i++) await writer.set('big', String(i % 10).repeat(MAX_SECRET_BYTES));
    writing = false;
    await readLoop;
    expect(reads.length).toBeGreaterThan(0);
    for (const value of reads) expect(value === 'x' || /^(\d)\1*$/.test(value ?? '')).toBe(true);
  });

  it('serializes concurrent writes in one process without losing any', async () => {
    const store = createSecretStore({ kind: 'file', dataDir: dataDir() });
    await Promise.all(Array.from({ length: 20 }, (_, i) => store.set(`key-${String(i).padStart(2, '0')}`, `value ${i}`)));
    expect(await store.list()).toHaveLength(20);
    expect(await store.get('key-07')).toBe('value 7');
  });

  it('validates names and values', async () => {
    const store = createSecretStore({ kind: 'file', dataDir: dataDir() });
    for (const name of ['', '.hidden', 'a b', 'x'.repeat(129), '__proto__', 'name\n']) {
      await expect(store.set(name, 'v')).rejects.toMatchObject({ code: 'SECRET_NAME_INVALID' });
      await expect(store.get(name)).rejects.toMatchObject({ code: 'SECRET_NAME_INVALID' });
    }
    await expect(store.set('ok', 'é'.repeat(MAX_SECRET_BYTES / 2 + 1))).rejects.toMatchObject({ code: 'SECRET_VALUE_INVALID' });
    await expect(store.set('ok', 42 as unknown as string)).rejects.toMatchObject({ code: 'SECRET_VALUE_INVALID' });
    await store.set('ok', 'é'.repeat(MAX_SECRET_BYTES / 2));
  });
});
