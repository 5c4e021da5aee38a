import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadConfig } from '../../config';
import { createSecretStore, secretFile } from '../../secrets';
import { buildPrivateCli, type PrivateCli } from '../../testing/cli-process';
import { call, createApiKey, expectError, inviteMember, register, startTestServer, type Account, type TestServer } from '../../testing/harness';

const dirs: string[] = [];
const tempDir = (prefix: string) => {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** Every byte the server persisted in the data dir but the secret store's own file: database, WAL, keys. */
function persistedOutsideTheStore(dataDir: string): string {
  const files: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (path !== secretFile(dataDir)) files.push(path);
    }
  };
  walk(dataDir);
  return files.map((file) => readFileSync(file).toString('latin1')).join('\n');
}

describe('secrets API over the encrypted file store', () => {
  let server: TestServer;
  let owner: Account;
  beforeAll(async () => {
    server = await startTestServer();
    owner = await register(server.api, 'Secret Owner');
  });
  afterAll(() => server?.stop());

  it('sets, lists by name, replaces and deletes secrets; values never come back, and the audit log names them only', async () => {
    const value = `pg-${randomBytes(12).toString('hex')}`;
    const replaced = `pg-${randomBytes(12).toString('hex')}`;
    const put = await call(server.api, 'PUT', '/secrets/pg_password', { token: owner.accessToken, body: { value } });
    expect(put.status).toBe(204);
    expect(put.text).toBe('');
    expect((await call(server.api, 'PUT', '/secrets/api.token-2', { token: owner.accessToken, body: { value: 'other ✓' } })).status).toBe(204);
    expect((await call(server.api, 'PUT', '/secrets/pg_password', { token: owner.accessToken, body: { value: replaced } })).status).toBe(204);

    const list = await call(server.api, 'GET', '/secrets', { token: owner.accessToken });
    expect(list.status).toBe(200);
    expect(list.body).toEqual({ data: [{ name: 'api.token-2' }, { name: 'pg_password' }], meta: { total: 2, limit: 25, offset: 0 } });
    expect((await call(server.api, 'GET', '/secrets?limit=1&offset=1', { token: owner.accessToken })).body).toEqual({
      data: [{ name: 'pg_password' }], meta: { total: 2, limit: 1, offset: 1 },
    });

    // The server keeps them in its store, under the organization's prefix, and nowhere else.
    const store = createSecretStore({ kind: 'file', dataDir: server.dataDir });
    expect(await store.get(`org/${owner.orgId}/pg_password`)).toBe(replaced);
    expect(readFileSync(secretFile(server.dataDir), 'utf8')).not.toContain(replaced);

    expect((await call(server.api, 'DELETE', '/secrets/pg_password', { token: owner.accessToken })).status).toBe(204);
    expectError(await call(server.api, 'DELETE', '/secrets/pg_password', { token: owner.accessToken }), 404, 'NOT_FOUND');
    expect((await call(server.api, 'GET', '/secrets', { token: owner.accessToken })).body.data).toEqual([{ name: 'api.token-2' }]);
    expect(await store.get(`org/${owner.orgId}/pg_password`)).toBeNull();

    const audit = await call(server.api, 'GET', '/audit-logs?resource_type=secret&limit=100', { token: owner.accessToken });
    expect(audit.status).toBe(200);
    expect(audit.body.data.map((e: any) => [e.action, e.resource_id]).reverse()).toEqual([
      ['CREATE_SECRET', 'pg_password'],
      ['CREATE_SECRET', 'api.token-2'],
      ['UPDATE_SECRET', 'pg_password'],
      ['DELETE_SECRET', 'pg_password'],
    ]);
    expect(audit.body.data.every((e: any) => e.actor_user_id === owner.userId)).toBe(true);
    const persisted = persistedOutsideTheStore(server.dataDir);
    for (const secret of [value, replaced]) {
      expect(audit.text).not.toContain(secret);
      expect(persisted).not.toContain(secret);
    }
  });

  it('keeps each organization to its own secrets under the same names', async () => {
    const other = await register(server.api, 'Other Org');
    await call(server.api, 'PUT', '/secrets/shared_name', { token: owner.accessToken, body: { value: 'value of the first org' } });
    await call(server.api, 'PUT', '/secrets/shared_name', { token: other.accessToken, body: { value: 'value of the second org' } });
    await call(server.api, 'PUT', '/secrets/only_first', { token: owner.accessToken, body: { value: 'x' } });

    expect((await call(server.api, 'GET', '/secrets', { token: other.accessToken })).body.data).toEqual([{ name: 'shared_name' }]);
    expectError(await call(server.api, 'DELETE', '/secrets/only_first', { token: other.accessToken }), 404, 'NOT_FOUND');
    const store = createSecretStore({ kind: 'file', dataDir: server.dataDir });
    expect(await store.get(`org/${owner.orgId}/shared_name`)).toBe('value of the first org');
    expect(await store.get(`org/${other.orgId}/shared_name`)).toBe('value of the second org');
    expect(await store.get(`org/${owner.orgId}/only_first`)).toBe('x');
  });

  it('lets engineers see the names, only admins change them, and API keys need the secrets scopes', async () => {
    const engineer = await inviteMember(server.api, owner, 'engineer');
    const viewer = await inviteMember(server.api, owner, 'viewer');
    const admin = await inviteMember(server.api, owner, 'admin');
    expect((await call(server.api, 'GET', '/secrets', { token: engineer.accessToken })).status).toBe(200);
    expectError(await call(server.api, 'PUT', '/secrets/x', { token: engineer.accessToken, body: { value: 'v' } }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(server.api, 'DELETE', '/secrets/only_first', { token: engineer.accessToken }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(server.api, 'GET', '/secrets', { token: viewer.accessToken }), 403, 'INSUFFICIENT_ROLE');
    expect((await call(server.api, 'PUT', '/secrets/set_by_admin', { token: admin.accessToken, body: { value: 'v' } })).status).toBe(204);

    const reader = await createApiKey(server.api, owner.accessToken, { name: 'reader', scopes: ['secrets:read'] });
    const unrelated = await createApiKey(server.api, owner.accessToken, { name: 'incidents', scopes: ['incidents:*'] });
    const writer = await createApiKey(server.api, owner.accessToken, { name: 'writer', scopes: ['secrets:*'] });
    expect((await call(server.api, 'GET', '/secrets', { headers: { 'x-api-key': reader.token } })).status).toBe(200);
    expectError(await call(server.api, 'PUT', '/secrets/x', { headers: { 'x-api-key': reader.token }, body: { value: 'v' } }), 403, 'PAT_SCOPE_INSUFFICIENT');
    expectError(await call(server.api, 'GET', '/secrets', { headers: { 'x-api-key': unrelated.token } }), 403, 'PAT_SCOPE_INSUFFICIENT');
    expect((await call(server.api, 'PUT', '/secrets/by_key', { headers: { 'x-api-key': writer.token }, body: { value: 'v' } })).status).toBe(204);
    expectError(await call(server.api, 'GET', '/secrets'), 401, 'UNAUTHENTICATED');
  });

  it('validates names and values', async () => {
    const put = (name: string, body: unknown) => call(server.api, 'PUT', `/secrets/${name}`, { token: owner.accessToken, body });
    for (const name of ['.hidden', 'has%20space', 'a'.repeat(65), 'org%2Fx']) expectError(await put(name, { value: 'v' }), 422, 'VALIDATION_FAILED');
    expectError(await put('ok', { value: '' }), 422, 'VALIDATION_FAILED');
    expectError(await put('ok', {}), 422, 'VALIDATION_FAILED');
    expectError(await put('ok', { value: 'v', extra: 1 }), 422, 'VALIDATION_FAILED');
    // 1,281 characters but 2,562 bytes: the store's limit is in bytes.
    const tooLong = expectError(await put('ok', { value: 'é'.repeat(1281) }), 422, 'VALIDATION_FAILED');
    expect(tooLong.fields).toEqual([expect.objectContaining({ path: 'value' })]);
    expect((await put('ok', { value: 'é'.repeat(1280) })).status).toBe(204);
  });
});

describe('when the file store cannot be opened', () => {
  it('answers 503 SECRET_STORE_UNAVAILABLE without saying where the files are, and changes nothing', async () => {
    const dataDir = tempDir('nightshift-secrets-key-');
    const key = randomBytes(32).toString('hex');
    const first = await startTestServer({ secretKey: key }, { dataDir });
    const owner = await register(first.api, 'Key Owner');
    expect((await call(first.api, 'PUT', '/secrets/kept', { token: owner.accessToken, body: { value: 'still here' } })).status).toBe(204);
    await first.stop();
    expect(existsSync(join(dataDir, 'secrets', 'secrets.key'))).toBe(false); // the given key, no key file

    const wrongKey = await startTestServer({ secretKey: randomBytes(32).toString('hex') }, { dataDir });
    try {
      const listed = expectError(await call(wrongKey.api, 'GET', '/secrets', { token: owner.accessToken }), 503, 'SECRET_STORE_UNAVAILABLE');
      expect(listed.detail).toMatch(/cannot be decrypted with the configured key/);
      expect(listed.detail).not.toContain(dataDir);
      expectError(await call(wrongKey.api, 'PUT', '/secrets/kept', { token: owner.accessToken, body: { value: 'overwritten?' } }), 503, 'SECRET_STORE_UNAVAILABLE');
      expectError(await call(wrongKey.api, 'DELETE', '/secrets/kept', { token: owner.accessToken }), 503, 'SECRET_STORE_UNAVAILABLE');
      const audit = await call(wrongKey.api, 'GET', '/audit-logs?resource_type=secret', { token: owner.accessToken });
      expect(audit.body.data.map((e: any) => e.action)).toEqual(['CREATE_SECRET']);
    } finally {
      await wrongKey.stop();
    }

    const again = await startTestServer({ secretKey: key }, { dataDir });
    try {
      expect(await createSecretStore({ kind: 'file', dataDir, secretKey: key }).get(`org/${owner.orgId}/kept`)).toBe('still here');
      expect((await call(again.api, 'GET', '/secrets', { token: owner.accessToken })).body.data).toEqual([{ name: 'kept' }]);
    } finally {
      await again.stop();
    }
  });

  it('refuses to start with a malformed NIGHTSHIFT_SECRET_KEY', async () => {
    const dataDir = tempDir('nightshift-secrets-bad-key-');
    await expect(startTestServer({ secretKey: 'not a key' }, { dataDir })).rejects.toMatchObject({ code: 'SECRET_KEY_INVALID' });
    // It failed cleanly: the data dir is not left locked.
    const server = await startTestServer({}, { dataDir });
    await server.stop();
  });
});

describe('choosing the store', () => {
  it('reads --secret-store and NIGHTSHIFT_SECRET_STORE, file by default, and NIGHTSHIFT_SECRET_KEY from the environment only', () => {
    expect(loadConfig([], {}).secretStore).toBe('file');
    expect(loadConfig([], { NIGHTSHIFT_SECRET_STORE: 'keychain' }).secretStore).toBe('keychain');
    expect(loadConfig(['--secret-store', 'file'], { NIGHTSHIFT_SECRET_STORE: 'keychain' }).secretStore).toBe('file');
    expect(loadConfig(['--secret-store=keychain'], {}).secretStore).toBe('keychain');
    expect(() => loadConfig(['--secret-store', 'vault'], {})).toThrow(/--secret-store must be file or keychain/);
    expect(loadConfig([], { NIGHTSHIFT_SECRET_KEY: 'k' }).secretKey).toBe('k');
    expect(() => loadConfig(['--secret-key', 'k'], {})).toThrow(/unknown option --secret-key/);
  });
});

// The real bin with --secret-store keychain: under a private D-Bus session with a fresh gnome-keyring
// (as keytar-store.test.ts does), and with no Secret Service at all.
describe('secrets API over the OS keychain (real gnome-keyring)', () => {
  const root = resolve(import.meta.dirname, '../../..');
  let cli: PrivateCli;
  const children: ChildProcess[] = [];
  beforeAll(() => {
    cli = buildPrivateCli('secrets-keychain');
  }, 120_000);
  afterAll(() => {
    for (const child of children) if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    cli?.dispose();
  });

  /** `nightshift serve --secret-store keychain` in its own process group; resolves with its API once it listens. */
  async function serveWithKeychain(underKeyring: boolean) {
    const dataDir = tempDir('nightshift-keychain-data-');
    const home = tempDir('nightshift-keychain-home-');
    const { DBUS_SESSION_BUS_ADDRESS: _bus, DISPLAY: _display, WAYLAND_DISPLAY: _wayland, ...inherited } = process.env;
    const env = {
      ...inherited, HOME: home, XDG_DATA_HOME: join(home, 'data'), XDG_RUNTIME_DIR: home, XDG_CONFIG_HOME: join(home, 'config'),
      NIGHTSHIFT_SECRET_STORE: 'keychain', NIGHTSHIFT_RENDERER_DIR: join(dataDir, 'no-console'),
    };
    const serve = `exec "${process.execPath}" "${cli.cli}" serve --data-dir "${dataDir}" --port 0 --no-rate-limits --log-level error`;
    const [command, args] = underKeyring
      ? ['dbus-run-session', ['--', 'sh', '-c', `echo pass | gnome-keyring-daemon --unlock --components=secrets >/dev/null; ${serve}`]]
      : ['sh', ['-c', serve]];
    const child = spawn(command, args as string[], { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    children.push(child);
    let out = '';
    let err = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (out += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (err += chunk));
    const url = await new Promise<string>((ready, fail) => {
      const timer = setTimeout(() => fail(new Error(`server did not start: ${out} ${err}`)), 30_000);
      child.stdout!.on('data', () => {
        const match = /Nightshift listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
        if (match) {
          clearTimeout(timer);
          ready(match[1]!);
        }
      });
      child.once('error', (error) => fail(new Error(`${command} could not run (${error.message}); the keychain tests need apt packages dbus, gnome-keyring`)));
      child.once('exit', (code) => {
        clearTimeout(timer);
        fail(new Error(`server exited (${code}) before listening: ${err}`));
      });
    });
    const exited = new Promise<void>((done) => child.once('exit', () => done()));
    return {
      api: `${url}/api/v1`,
      dataDir,
      stderr: () => err,
      async stop() {
        process.kill(-child.pid!, 'SIGTERM');
        await exited;
      },
    };
  }

  it('keeps the secrets in the keychain, not in the data dir', { timeout: 60_000 }, async () => {
    const server = await serveWithKeychain(true);
    try {
      const owner = await register(server.api, 'Keychain Owner');
      expect((await call(server.api, 'PUT', '/secrets/pg_password', { token: owner.accessToken, body: { value: 'in the keyring ✓' } })).status).toBe(204);
      expect((await call(server.api, 'PUT', '/secrets/second', { token: owner.accessToken, body: { value: 'two' } })).status).toBe(204);
      expect((await call(server.api, 'GET', '/secrets', { token: owner.accessToken })).body.data).toEqual([{ name: 'pg_password' }, { name: 'second' }]);
      expect((await call(server.api, 'DELETE', '/secrets/second', { token: owner.accessToken })).status).toBe(204);
      expectError(await call(server.api, 'DELETE', '/secrets/second', { token: owner.accessToken }), 404, 'NOT_FOUND');
      expect((await call(server.api, 'GET', '/secrets', { token: owner.accessToken })).body.data).toEqual([{ name: 'pg_password' }]);
      expect(existsSync(secretFile(server.dataDir))).toBe(false);
      expect(persistedOutsideTheStore(server.dataDir)).not.toContain('in the keyring');
    } finally {
      await server.stop();
    }
  });

  it('answers 503 SECRET_STORE_UNAVAILABLE when no Secret Service can be reached, and the rest of the API works', { timeout: 60_000 }, async () => {
    const server = await serveWithKeychain(false);
    try {
      const owner = await register(server.api, 'No Keychain');
      const listed = expectError(await call(server.api, 'GET', '/secrets', { token: owner.accessToken }), 503, 'SECRET_STORE_UNAVAILABLE');
      expect(listed.detail).toMatch(/the OS keychain did not answer/);
      expectError(await call(server.api, 'PUT', '/secrets/x', { token: owner.accessToken, body: { value: 'v' } }), 503, 'SECRET_STORE_UNAVAILABLE');
      expect((await call(server.api, 'GET', '/incidents', { token: owner.accessToken })).status).toBe(200);
      // The cause is in the server's log for whoever runs it.
      await new Promise((r) => setTimeout(r, 100));
      expect(server.stderr()).toMatch(/SECRET_STORE_UNAVAILABLE[\s\S]*D-Bus/);
    } finally {
      await server.stop();
    }
  });
});
