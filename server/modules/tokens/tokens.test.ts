import { createHash } from 'node:crypto';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call, createApiKey, inviteMember, register, startClockedTestServer, startTestServer,
  type Account, type ManualClock, type TestServer,
} from '../../testing/harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.stop());

const withKey = (key: string) => ({ headers: { 'x-api-key': key } });
const sha256 = (value: string) => createHash('sha256').update(value).digest('hex');

interface TokenPage {
  data: { id: string; token?: string; prefix: string; user_id: string; last_used_at: string | null }[];
  meta: { total: number };
}

const list = async (path: string, token: string) => (await call<TokenPage>(t.api, 'GET', path, { token })).body;

describe('creating keys', () => {
  for (const [createOn, otherRoute] of [['/api-keys', '/me/tokens'], ['/me/tokens', '/api-keys']] as const) {
    it(`creates on ${createOn} a key that ${otherRoute} lists and revokes`, async () => {
      const owner = await register(t.api);
      const created = await call(t.api, 'POST', createOn, { token: owner.accessToken, body: { name: 'ci' } });
      expect(created.status).toBe(201);
      expect((await list(otherRoute, owner.accessToken)).data.map((k) => k.id)).toEqual([created.body.id]);

      const revoked = await call(t.api, 'DELETE', `${otherRoute}/${created.body.id}`, { token: owner.accessToken });
      expect(revoked.status).toBe(204);
      expect((await list(createOn, owner.accessToken)).data).toEqual([]);
      expect((await call(t.api, 'GET', '/users', withKey(created.body.token))).status).toBe(401);
    });
  }

  it('shows the secret once: nsk_ and 43 characters in the creation response, never in a list', async () => {
    const owner = await register(t.api);
    const created = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'once' } });
    expect(created.body.token).toMatch(/^nsk_[A-Za-z0-9_-]{43}$/);
    expect(created.body.prefix).toBe(created.body.token.slice(0, created.body.prefix.length));
    expect(created.body.prefix).toMatch(/^nsk_.{4,}/);
    expect(created.body.prefix.length).toBeLessThan(created.body.token.length);

    for (const path of ['/api-keys', '/me/tokens', '/api-keys/me']) {
      const response = await call(t.api, 'GET', path, { token: owner.accessToken });
      expect(response.body.data).toEqual([expect.objectContaining({ id: created.body.id, prefix: created.body.prefix })]);
      expect(response.body.data[0]).not.toHaveProperty('token');
      expect(response.text).not.toContain(created.body.token.slice(12));
    }
  });

  it('accepts the key as X-API-Key and as Authorization: Bearer', async () => {
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken);
    const viaHeader = await call(t.api, 'GET', '/users', withKey(key.token));
    const viaBearer = await call(t.api, 'GET', '/users', { token: key.token });
    expect(viaHeader.status).toBe(200);
    expect(viaBearer.status).toBe(200);
    expect(viaHeader.body.data.map((u: { id: string }) => u.id)).toEqual([owner.userId]);
  });

  it('refuses a key that was never issued with 401 INVALID_TOKEN', async () => {
    const response = await call(t.api, 'GET', '/users', withKey(`nsk_${'A'.repeat(43)}`));
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('INVALID_TOKEN');
  });

  it('keeps only the SHA-256 of the key at rest, nowhere the plaintext', async () => {
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken, { name: 'at rest' });
    expect((await call(t.api, 'GET', '/users', withKey(key.token))).status).toBe(200);

    const db = new Database(join(t.dataDir, 'nightshift.db'), { readonly: true, fileMustExist: true });
    try {
      const row = db.prepare('SELECT * FROM api_tokens WHERE id = ?').get(key.id) as Record<string, unknown>;
      expect(row.token_hash).toBe(sha256(key.token));
      const secretPart = key.token.slice('nsk_'.length);
      const tables = db.prepare(`SELECT name FROM sqlite_master WHERE type = 'table'`).all() as { name: string }[];
      expect(tables.map((x) => x.name)).toContain('api_tokens');
      for (const { name } of tables) {
        const dump = JSON.stringify(db.prepare(`SELECT * FROM "${name}"`).raw().all());
        expect(dump.includes(secretPart), `plaintext key found in table ${name}`).toBe(false);
      }
    } finally {
      db.close();
    }
  });

  it('accepts 002\'s camelCase expiresAt, dailyMutationLimit and dailyLogBytesLimit and answers in snake_case', async () => {
    const owner = await register(t.api);
    const expiresAt = new Date(Date.now() + 86_400_000).toISOString();
    const response = await call(t.api, 'POST', '/me/tokens', {
      token: owner.accessToken, body: { name: 'camel', expiresAt, dailyMutationLimit: 7, dailyLogBytesLimit: 4096 },
    });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ expires_at: expiresAt, daily_mutation_limit: 7, daily_log_bytes_limit: 4096 });
    expect(response.body).not.toHaveProperty('expiresAt');
  });

  it('refuses an expiry in the past with 422', async () => {
    const owner = await register(t.api);
    for (const body of [{ name: 'old', expires_at: '2020-01-01T00:00:00Z' }, { name: 'old', expiresAt: '2020-01-01T00:00:00Z' }]) {
      const response = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body });
      expect(response.status).toBe(422);
      expect(response.body.code).toBe('VALIDATION_FAILED');
    }
    expect((await list('/api-keys', owner.accessToken)).data).toEqual([]);
  });

  it('refuses an unknown scope with 422 INVALID_SCOPE', async () => {
    const owner = await register(t.api);
    const response = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'bad', scopes: ['users:read', 'rockets:launch'] } });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('INVALID_SCOPE');
    expect(response.body.detail).toContain('rockets:launch');
  });
});

describe('scopes', () => {
  let owner: Account;
  beforeAll(async () => {
    owner = await register(t.api);
  });
  const keyWith = async (scopes: string[]) => (await createApiKey(t.api, owner.accessToken, { name: scopes.join(' '), scopes })).token;

  it('refuses a route outside the key\'s scopes with 403 PAT_SCOPE_INSUFFICIENT', async () => {
    const key = await keyWith(['audit:read']);
    expect((await call(t.api, 'GET', '/audit', withKey(key))).status).toBe(200);
    const response = await call(t.api, 'GET', '/users', withKey(key));
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('PAT_SCOPE_INSUFFICIENT');
  });

  it('lets a read scope read but not write', async () => {
    const key = await keyWith(['users:read']);
    expect((await call(t.api, 'GET', '/users', withKey(key))).status).toBe(200);
    const write = await call(t.api, 'PATCH', `/users/${owner.userId}`, { ...withKey(key), body: { name: 'Nope' } });
    expect(write.status).toBe(403);
    expect(write.body.code).toBe('PAT_SCOPE_INSUFFICIENT');
  });

  it('lets users:* read and write users, and nothing else', async () => {
    const key = await keyWith(['users:*']);
    expect((await call(t.api, 'GET', '/users', withKey(key))).status).toBe(200);
    expect((await call(t.api, 'PATCH', `/users/${owner.userId}`, { ...withKey(key), body: { name: 'Owner' } })).status).toBe(200);
    expect((await call(t.api, 'GET', '/audit', withKey(key))).body.code).toBe('PAT_SCOPE_INSUFFICIENT');
  });

  it('lets * do anything its owner may', async () => {
    const key = await keyWith(['*']);
    expect((await call(t.api, 'GET', '/users', withKey(key))).status).toBe(200);
    expect((await call(t.api, 'GET', '/audit', withKey(key))).status).toBe(200);
    expect((await call(t.api, 'POST', '/api-keys', { ...withKey(key), body: { name: 'child' } })).status).toBe(201);
  });

  it('gives a key without scopes the default *', async () => {
    const key = await createApiKey(t.api, owner.accessToken, { name: 'default' });
    const listed = (await list('/api-keys', owner.accessToken)).data.find((k) => k.id === key.id);
    expect(listed).toMatchObject({ scopes: ['*'] });
    expect((await call(t.api, 'GET', '/audit', withKey(key.token))).status).toBe(200);
  });

  it('expands Opsentry\'s read:status alias into the status read scopes', async () => {
    const key = await keyWith(['read:status']);
    const ping = await call(t.api, 'GET', '/health', withKey(key));
    expect(ping.status).toBe(200);
    expect([...ping.body.scopes].sort()).toEqual(['incidents:read', 'maintenance:read', 'services:read']);
    expect((await call(t.api, 'GET', '/users', withKey(key))).body.code).toBe('PAT_SCOPE_INSUFFICIENT');
  });

  it('lets a key mint keys only within its own scopes', async () => {
    const key = await keyWith(['tokens:*', 'users:read']);
    const mint = (scopes?: string[]) => call(t.api, 'POST', '/me/tokens', { ...withKey(key), body: { name: 'child', ...(scopes ? { scopes } : {}) } });
    expect((await mint(['users:read'])).status).toBe(201);
    expect((await mint(['tokens:read', 'api-keys:write'])).status).toBe(201);
    for (const wider of [['*'], ['users:write'], ['users:*'], ['audit:read'], undefined]) {
      const response = await mint(wider);
      expect(response.status, JSON.stringify(wider)).toBe(403);
      expect(response.body.code).toBe('PAT_SCOPE_INSUFFICIENT');
    }
    const everything = await keyWith(['*']);
    expect((await call(t.api, 'POST', '/me/tokens', { ...withKey(everything), body: { name: 'child', scopes: ['*'] } })).status).toBe(201);
  });

  it('never lets a key do more than its owner\'s role allows', async () => {
    const viewer = await inviteMember(t.api, owner, 'viewer');
    const key = await createApiKey(t.api, viewer.accessToken, { name: 'viewer key', scopes: ['*'] });
    const response = await call(t.api, 'POST', '/me/invites', { ...withKey(key.token), body: { email: 'someone@example.com', role: 'viewer' } });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('INSUFFICIENT_ROLE');
  });
});

describe('key lifecycle', () => {
  it('stops a revoked key at once with 401 TOKEN_REVOKED', async () => {
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken);
    expect((await call(t.api, 'GET', '/users', withKey(key.token))).status).toBe(200);
    expect((await call(t.api, 'DELETE', `/api-keys/${key.id}`, { token: owner.accessToken })).status).toBe(204);
    const response = await call(t.api, 'GET', '/users', withKey(key.token));
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('TOKEN_REVOKED');
  });

  it('records last_used_at when the key is used', async () => {
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken);
    const before = (await list('/api-keys', owner.accessToken)).data[0]!;
    expect(before.last_used_at).toBeNull();
    const start = Date.now();
    await call(t.api, 'GET', '/users', withKey(key.token));
    const after = (await list('/api-keys', owner.accessToken)).data[0]!;
    expect(after.last_used_at).not.toBeNull();
    expect(Date.parse(after.last_used_at!)).toBeGreaterThanOrEqual(start - 1000);
    expect(Date.parse(after.last_used_at!)).toBeLessThanOrEqual(Date.now());
  });

  it('stops a key when its owner is removed from the organization', async () => {
    const owner = await register(t.api);
    const engineer = await inviteMember(t.api, owner, 'engineer');
    const key = await createApiKey(t.api, engineer.accessToken);
    expect((await call(t.api, 'GET', '/users', withKey(key.token))).status).toBe(200);
    expect((await call(t.api, 'DELETE', `/users/${engineer.userId}`, { token: owner.accessToken })).status).toBe(204);
    expect((await call(t.api, 'GET', '/users', withKey(key.token))).status).toBe(401);
  });

  it('shows a non-admin only their own keys, and an admin everyone\'s on /api-keys', async () => {
    const owner = await register(t.api);
    const engineer = await inviteMember(t.api, owner, 'engineer');
    const ownerKey = await createApiKey(t.api, owner.accessToken, { name: 'owner key' });
    const engineerKey = await createApiKey(t.api, engineer.accessToken, { name: 'engineer key' });

    for (const path of ['/api-keys', '/me/tokens']) {
      expect((await list(path, engineer.accessToken)).data.map((k) => k.id)).toEqual([engineerKey.id]);
    }
    expect((await list('/api-keys', owner.accessToken)).data.map((k) => k.id).sort()).toEqual([ownerKey.id, engineerKey.id].sort());
    expect((await list('/me/tokens', owner.accessToken)).data.map((k) => k.id)).toEqual([ownerKey.id]);
  });

  it('answers 404 when a non-admin tries to revoke someone else\'s key, and the key keeps working', async () => {
    const owner = await register(t.api);
    const engineer = await inviteMember(t.api, owner, 'engineer');
    const ownerKey = await createApiKey(t.api, owner.accessToken);
    for (const path of ['/api-keys', '/me/tokens']) {
      const response = await call(t.api, 'DELETE', `${path}/${ownerKey.id}`, { token: engineer.accessToken });
      expect(response.status).toBe(404);
      expect(response.body.code).toBe('NOT_FOUND');
    }
    expect((await call(t.api, 'GET', '/users', withKey(ownerKey.token))).status).toBe(200);
  });

  it('audits creation and revocation with the actor and without the secret', async () => {
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken, { name: 'audited' });
    await call(t.api, 'DELETE', `/api-keys/${key.id}`, { token: owner.accessToken });
    const audit = await call(t.api, 'GET', `/audit?resource_id=${key.id}`, { token: owner.accessToken });
    expect(audit.body.data.map((e: { action: string }) => e.action).sort()).toEqual(['CREATE_API_KEY', 'REVOKE_API_KEY']);
    for (const event of audit.body.data) expect(event).toMatchObject({ actor_user_id: owner.userId, ip: expect.any(String) });
    expect(audit.text).not.toContain(key.token.slice(12));
  });
});

describe('daily mutation cap', () => {
  it('answers 429 PAT_DAILY_LIMIT_EXCEEDED with Retry-After after N mutations, and still allows reads', async () => {
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken, { name: 'capped', daily_mutation_limit: 2 });
    for (const name of ['One', 'Two']) {
      expect((await call(t.api, 'PUT', '/auth/me', { ...withKey(key.token), body: { name } })).status).toBe(200);
    }
    const over = await call(t.api, 'PUT', '/auth/me', { ...withKey(key.token), body: { name: 'Three' } });
    expect(over.status).toBe(429);
    expect(over.body.code).toBe('PAT_DAILY_LIMIT_EXCEEDED');
    const retryAfter = Number(over.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(86_400);

    const read = await call(t.api, 'GET', '/auth/me', withKey(key.token));
    expect(read.status).toBe(200);
    expect(read.body.name).toBe('Two');
  });

  it('does not count against a key the mutations its owner makes in a session', async () => {
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken, { name: 'capped', daily_mutation_limit: 1 });
    for (const name of ['A', 'B', 'C']) await call(t.api, 'PUT', '/auth/me', { token: owner.accessToken, body: { name } });
    expect((await call(t.api, 'PUT', '/auth/me', { ...withKey(key.token), body: { name: 'Key' } })).status).toBe(200);
  });
});

describe('keys minted by a key', () => {
  it('inherit the parent\'s caps and expiry as ceilings', async () => {
    const owner = await register(t.api);
    const expiry = new Date(Date.now() + 3_600_000).toISOString();
    const parent = await createApiKey(t.api, owner.accessToken, { name: 'agent', daily_mutation_limit: 10, daily_log_bytes_limit: 1000, expires_at: expiry });
    const unbounded = await call(t.api, 'POST', '/api-keys', { ...withKey(parent.token), body: { name: 'child', expires_at: null } });
    expect(unbounded.status).toBe(201);
    expect(unbounded.body).toMatchObject({ daily_mutation_limit: 10, daily_log_bytes_limit: 1000, expires_at: expiry });
    const looser = await call(t.api, 'POST', '/api-keys', {
      ...withKey(parent.token),
      body: { name: 'looser', daily_mutation_limit: 500, expires_at: new Date(Date.now() + 86_400_000).toISOString() },
    });
    expect(looser.body).toMatchObject({ daily_mutation_limit: 10, expires_at: expiry });
    const tighter = await call(t.api, 'POST', '/api-keys', { ...withKey(parent.token), body: { name: 'tighter', daily_mutation_limit: 3 } });
    expect(tighter.body.daily_mutation_limit).toBe(3);
  });

  it('are bounded only by what was asked when a person mints them', async () => {
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken, { name: 'free' });
    expect(key).toMatchObject({ daily_mutation_limit: null, daily_log_bytes_limit: null, expires_at: null });
  });
});

describe('GET /api/v1/health with a key', () => {
  it('answers ok with the key\'s organization, prefix and scopes', async () => {
    const owner = await register(t.api);
    const key = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'ping', scopes: ['users:read', 'audit:*'] } });
    const response = await call(t.api, 'GET', '/health', withKey(key.body.token));
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({
      ok: true, org_id: owner.orgId, tenant_id: owner.orgId, token_prefix: key.body.prefix, scopes: ['users:read', 'audit:*'],
    });
  });

  it('answers 401 to a revoked key', async () => {
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken);
    await call(t.api, 'DELETE', `/me/tokens/${key.id}`, { token: owner.accessToken });
    expect((await call(t.api, 'GET', '/health', withKey(key.token))).status).toBe(401);
  });
});

describe('with a clock the test moves', () => {
  let c: TestServer & { clock: ManualClock };
  beforeAll(async () => {
    c = await startClockedTestServer();
  });
  afterAll(async () => c.stop());

  it('stops a key at its expiry with 401 TOKEN_EXPIRED', async () => {
    const owner = await register(c.api);
    const expiresAt = new Date(c.clock.now().getTime() + 3600_000).toISOString();
    const key = await createApiKey(c.api, owner.accessToken, { name: 'short', expires_at: expiresAt });
    c.clock.advance(3600 - 5);
    expect((await call(c.api, 'GET', '/users', withKey(key.token))).status).toBe(200);
    c.clock.advance(10);
    const response = await call(c.api, 'GET', '/users', withKey(key.token));
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('TOKEN_EXPIRED');
  });

  it('restores the daily mutation cap at the next UTC midnight', async () => {
    const owner = await register(c.api);
    const key = await createApiKey(c.api, owner.accessToken, { name: 'capped', daily_mutation_limit: 1 });
    expect((await call(c.api, 'PUT', '/auth/me', { ...withKey(key.token), body: { name: 'One' } })).status).toBe(200);
    const over = await call(c.api, 'PUT', '/auth/me', { ...withKey(key.token), body: { name: 'Two' } });
    expect(over.status).toBe(429);
    c.clock.advance(Number(over.headers.get('retry-after')));
    expect((await call(c.api, 'PUT', '/auth/me', { ...withKey(key.token), body: { name: 'Two' } })).status).toBe(200);
  });
});
