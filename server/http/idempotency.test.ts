import { createHmac, randomUUID } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sha256 } from '../lib/secrets';
import { databaseFile } from '../start';
import { call, createApiKey, expectError, register, startClockedTestServer, startTestServer, type Account, type ApiResponse, type TestServer } from '../testing/harness';

let t: TestServer;
let owner: Account;

beforeAll(async () => {
  t = await startTestServer();
  owner = await register(t.api);
});
let restartedDir: string | undefined;
afterAll(async () => {
  await t.stop();
  if (restartedDir) rmSync(restartedDir, { recursive: true, force: true });
});

const withKey = (key: string, token: string, body: unknown) => ({ token, body, headers: { 'idempotency-key': key } });

async function keyNames(token: string): Promise<string[]> {
  const names: string[] = [];
  for (let offset = 0; ; offset += 100) {
    const page = await call(t.api, 'GET', `/api-keys/me?limit=100&offset=${offset}`, { token });
    expect(page.status).toBe(200);
    names.push(...page.body.data.map((k: { name: string }) => k.name));
    if (offset + 100 >= page.body.meta.total) return names;
  }
}

const count = (names: string[], name: string) => names.filter((n) => n === name).length;

describe('Idempotency-Key', () => {
  it('a retry with the same key and body replays the first response and runs once', async () => {
    const key = randomUUID();
    const first = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'replayed' }));
    expect(first.status).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();

    const again = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'replayed' }));
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe(first.text);
    expect(again.headers.get('content-type')).toBe(first.headers.get('content-type'));
    // A replay is a new request: its own request id.
    expect(again.headers.get('x-request-id')).not.toBe(first.headers.get('x-request-id'));

    expect(count(await keyNames(owner.accessToken), 'replayed')).toBe(1);
    const audit = await call(t.api, 'GET', `/audit?action=CREATE_API_KEY&resource_id=${first.body.id}`, { token: owner.accessToken });
    expect(audit.body.meta.total).toBe(1);
  });

  it('replays a 4xx answer too, without running the handler again', async () => {
    const key = randomUUID();
    const first = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'bad scope', scopes: ['nope:read'] }));
    expectError(first, 422, 'INVALID_SCOPE');
    const again = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'bad scope', scopes: ['nope:read'] }));
    expect(again.status).toBe(422);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body.code).toBe('INVALID_SCOPE');
  });

  it('replays a 204 with an empty body', async () => {
    const created = await createApiKey(t.api, owner.accessToken, { name: 'to revoke' });
    const key = randomUUID();
    const first = await call(t.api, 'DELETE', `/api-keys/${created.id}`, { token: owner.accessToken, headers: { 'idempotency-key': key } });
    expect(first.status).toBe(204);
    const again = await call(t.api, 'DELETE', `/api-keys/${created.id}`, { token: owner.accessToken, headers: { 'idempotency-key': key } });
    expect(again.status).toBe(204);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.text).toBe('');
    // Without the key, the second revoke really runs and finds nothing.
    expectError(await call(t.api, 'DELETE', `/api-keys/${created.id}`, { token: owner.accessToken }), 404, 'NOT_FOUND');
  });

  it('five concurrent requests with one key have exactly one effect', async () => {
    const key = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 5 }, () => call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'concurrent' }))),
    );
    const original = responses.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    expect(original).toHaveLength(1);
    for (const response of responses) {
      if (response === original[0]) continue;
      if (response.status === 409) {
        expectError(response, 409, 'IDEMPOTENCY_IN_PROGRESS');
        expect(response.headers.get('retry-after')).toBe('1');
      } else {
        expect(response.status).toBe(201);
        expect(response.headers.get('idempotent-replayed')).toBe('true');
        expect(response.text).toBe(original[0]!.text);
      }
    }
    expect(count(await keyNames(owner.accessToken), 'concurrent')).toBe(1);
  });

  it('a duplicate that arrives while the first is still running gets 409 IDEMPOTENCY_IN_PROGRESS', async () => {
    // Registration spends real time hashing the password, so the first request is surely in flight
    // when the others arrive; anonymous callers are keyed by their address.
    const key = randomUUID();
    const body = { email: `idem-${key}@example.com`, password: 'long enough password', name: 'Concurrent' };
    const responses = await Promise.all(Array.from({ length: 5 }, () => call(t.api, 'POST', '/auth/register', { body, headers: { 'idempotency-key': key } })));
    const created = responses.filter((r) => r.status === 201 && r.headers.get('idempotent-replayed') === null);
    const busy = responses.filter((r) => r.status === 409);
    expect(created).toHaveLength(1);
    expect(busy.length).toBeGreaterThanOrEqual(1);
    for (const response of busy) expectError(response, 409, 'IDEMPOTENCY_IN_PROGRESS');
    for (const response of responses) expect([201, 409]).toContain(response.status);

    const later = await call(t.api, 'POST', '/auth/register', { body, headers: { 'idempotency-key': key } });
    expect(later.status).toBe(201);
    expect(later.headers.get('idempotent-replayed')).toBe('true');
    expect(later.text).toBe(created[0]!.text);
    // One account: a fresh registration of the address is refused as taken.
    expectError(await call(t.api, 'POST', '/auth/register', { body }), 409, 'EMAIL_TAKEN');
  });

  it('the same key with another body is 422 IDEMPOTENCY_KEY_REUSED and runs nothing', async () => {
    const key = randomUUID();
    expect((await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'first body' }))).status).toBe(201);
    const reused = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'second body' }));
    expectError(reused, 422, 'IDEMPOTENCY_KEY_REUSED');
    // Another route with the same key is another request as well.
    const otherRoute = await call(t.api, 'POST', '/me/tokens', withKey(key, owner.accessToken, { name: 'first body' }));
    expectError(otherRoute, 422, 'IDEMPOTENCY_KEY_REUSED');
    const names = await keyNames(owner.accessToken);
    expect(count(names, 'second body')).toBe(0);
    expect(count(names, 'first body')).toBe(1);
  });

  it('keys longer than 255 characters are 400 IDEMPOTENCY_KEY_TOO_LONG; 255 is fine', async () => {
    const tooLong = await call(t.api, 'POST', '/api-keys', withKey('k'.repeat(256), owner.accessToken, { name: 'too long key' }));
    expectError(tooLong, 400, 'IDEMPOTENCY_KEY_TOO_LONG');
    expect(count(await keyNames(owner.accessToken), 'too long key')).toBe(0);
    const longest = await call(t.api, 'POST', '/api-keys', withKey('k'.repeat(255), owner.accessToken, { name: 'longest key' }));
    expect(longest.status).toBe(201);
  });

  it('keys belong to their caller: another user, or an API key, with the same key runs independently', async () => {
    const key = randomUUID();
    const other = await register(t.api, 'Other');
    const mine = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'shared key name' }));
    const theirs = await call(t.api, 'POST', '/api-keys', withKey(key, other.accessToken, { name: 'shared key name' }));
    expect(mine.status).toBe(201);
    expect(theirs.status).toBe(201);
    expect(theirs.headers.get('idempotent-replayed')).toBeNull();
    expect(theirs.body.id).not.toBe(mine.body.id);
    expect(theirs.body.user_id).toBe(other.userId);

    const apiKey = await createApiKey(t.api, owner.accessToken, { name: 'caller key' });
    const viaKey = await call(t.api, 'POST', '/api-keys', { headers: { 'x-api-key': apiKey.token, 'idempotency-key': key }, body: { name: 'shared key name' } });
    expect(viaKey.status).toBe(201);
    expect(viaKey.headers.get('idempotent-replayed')).toBeNull();
    expect(count(await keyNames(owner.accessToken), 'shared key name')).toBe(2);
    expect(count(await keyNames(other.accessToken), 'shared key name')).toBe(1);
  });

  it('requests without a key are never deduplicated, and reads ignore the header', async () => {
    const a = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'no key' } });
    const b = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'no key' } });
    expect(a.body.id).not.toBe(b.body.id);
    const key = randomUUID();
    const read1 = await call(t.api, 'GET', '/api-keys/me', { token: owner.accessToken, headers: { 'idempotency-key': key } });
    expect(read1.headers.get('idempotent-replayed')).toBeNull();
    // The key was not spent by the read: a mutation may still use it.
    const write = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'after read' }));
    expect(write.status).toBe(201);
    expect(write.headers.get('idempotent-replayed')).toBeNull();
  });

  it('a replay does not spend the API key\'s daily mutation cap, and a 429 from the cap is not kept', async () => {
    const clocked = await startClockedTestServer();
    try {
      const someone = await register(clocked.api);
      const capped = await createApiKey(clocked.api, someone.accessToken, { name: 'capped', daily_mutation_limit: 2 });
      const send = (key: string, name: string) => call(clocked.api, 'POST', '/api-keys', { headers: { 'x-api-key': capped.token, 'idempotency-key': key }, body: { name } });

      const first = await send('cap-1', 'one');
      expect(first.status).toBe(201);
      for (let i = 0; i < 3; i++) {
        const replay = await send('cap-1', 'one');
        expect(replay.status).toBe(201);
        expect(replay.headers.get('idempotent-replayed')).toBe('true');
      }
      expect((await send('cap-2', 'two')).status).toBe(201);
      const overCap = await send('cap-3', 'three');
      expectError(overCap, 429, 'PAT_DAILY_LIMIT_EXCEEDED');
      expect(Number(overCap.headers.get('retry-after'))).toBeGreaterThan(0);
      // Replays of work already done still answer while the cap is spent.
      expect((await send('cap-1', 'one')).headers.get('idempotent-replayed')).toBe('true');

      clocked.clock.advance(24 * 3600);
      const nextDay = await send('cap-3', 'three');
      expect(nextDay.status).toBe(201);
      expect(nextDay.headers.get('idempotent-replayed')).toBeNull();
      // (The session's access token expired with the day; the key reads the list.)
      const names = (await call(clocked.api, 'GET', '/api-keys/me?limit=100', { token: capped.token })).body.data.map((k: { name: string }) => k.name);
      expect(names.sort()).toEqual(['capped', 'one', 'three', 'two']);
    } finally {
      await clocked.stop();
    }
  });

  it('keeps no secret in the database: replays of a new key or a new session still carry theirs', async () => {
    const key = randomUUID();
    const created = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'secret keeper' }));
    const registerKey = randomUUID();
    const password = `pass ${randomUUID()}`;
    const signup = { email: `sealed-${Date.now()}@example.com`, password, name: 'Sealed' };
    const session = await call(t.api, 'POST', '/auth/register', { body: signup, headers: { 'idempotency-key': registerKey } });
    expect(created.status).toBe(201);
    expect(session.status).toBe(201);

    // The replays are whole: the client that lost the first answer gets its secrets.
    const createdAgain = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'secret keeper' }));
    expect(createdAgain.body.token).toBe(created.body.token);
    const sessionAgain = await call(t.api, 'POST', '/auth/register', { body: signup, headers: { 'idempotency-key': registerKey } });
    expect(sessionAgain.body.refresh_token).toBe(session.body.refresh_token);

    // Neither the rows nor the bytes of the database files hold any of them, nor the keys themselves.
    const file = databaseFile(t.dataDir);
    const bytes = [file, `${file}-wal`].filter(existsSync).map((f) => readFileSync(f).toString('latin1')).join('');
    for (const secret of [created.body.token, session.body.access_token, session.body.refresh_token, password, key, registerKey]) {
      expect(bytes.includes(secret), secret.slice(0, 12)).toBe(false);
    }
    // A replay needs the Idempotency-Key itself: the same row under another key of the same hash is no use.
    const db = new Database(file, { readonly: true });
    try {
      const rows = db.prepare('SELECT key, body_hash, response_body FROM idempotency_keys').all() as { key: string; body_hash: string; response_body: string | null }[];
      expect(rows.some((r) => r.key === sha256(key))).toBe(true);
      for (const row of rows) if (row.response_body) expect(row.response_body.startsWith('v1.')).toBe(true);
    } finally {
      db.close();
    }
  });

  it('5xx answers are not kept: a retry with the same key really runs', async () => {
    const key = randomUUID();
    // A second connection to the live database file makes inserts into api_tokens fail for real.
    const db = new Database(databaseFile(t.dataDir));
    let failed: ApiResponse;
    try {
      db.exec(`CREATE TRIGGER test_refuse_tokens BEFORE INSERT ON api_tokens BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`);
      failed = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'after outage' }));
      db.exec('DROP TRIGGER test_refuse_tokens');
    } finally {
      db.close();
    }
    const envelope = expectError(failed, 500, 'INTERNAL_ERROR');
    // The cause stays in the log: no SQL, no message from the database.
    expect(failed.text).not.toContain('disk on fire');
    expect(envelope.detail).toBe('Internal server error');
    expect(count(await keyNames(owner.accessToken), 'after outage')).toBe(0);

    const retry = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'after outage' }));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
    expect(count(await keyNames(owner.accessToken), 'after outage')).toBe(1);

    const replay = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'after outage' }));
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(replay.text).toBe(retry.text);
  });

  it('a key left in flight by a killed process is cleared when the server starts', async () => {
    const dataDir = t.dataDir;
    const db = new Database(databaseFile(dataDir));
    const scope = `user:${owner.userId}`;
    const key = randomUUID();
    try {
      // Exactly the row the server writes when it claims this request: the key hashed, the method,
      // URL and JSON body under an HMAC keyed by the Idempotency-Key.
      const fingerprint = createHmac('sha256', key).update(`POST /api/v1/api-keys\n${JSON.stringify({ name: 'stuck' })}`).digest('hex');
      db.prepare(`INSERT INTO idempotency_keys (scope, key, method, path, body_hash, state, created_at) VALUES (?, ?, 'POST', '/api/v1/api-keys', ?, 'in_flight', ?)`)
        .run(scope, sha256(key), fingerprint, new Date().toISOString());
    } finally {
      db.close();
    }
    // While this process holds it, the key is busy...
    expectError(await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'stuck' })), 409, 'IDEMPOTENCY_IN_PROGRESS');
    // ...a restart (same data dir) frees it, and the retry runs.
    await t.server.close();
    t = await startTestServer({}, { dataDir });
    restartedDir = dataDir;
    const retry = await call(t.api, 'POST', '/api-keys', withKey(key, owner.accessToken, { name: 'stuck' }));
    expect(retry.status).toBe(201);
    expect(retry.headers.get('idempotent-replayed')).toBeNull();
  });
});
