import { mkdtempSync, rmSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../config';
import { call, createApiKey, expectError, register, startTestServer, type Account, type ApiResponse, type TestServer } from '../testing/harness';

const servers: TestServer[] = [];
async function server(limits: Partial<typeof DEFAULT_RATE_LIMITS>, extra: Parameters<typeof startTestServer>[0] = {}): Promise<TestServer> {
  const started = await startTestServer({ rateLimits: { ...DEFAULT_RATE_LIMITS, ...limits }, ...extra });
  servers.push(started);
  return started;
}
afterAll(async () => {
  await Promise.all(servers.map((s) => s.stop()));
});

function limitHeaders(response: ApiResponse) {
  return {
    limit: Number(response.headers.get('x-ratelimit-limit')),
    remaining: Number(response.headers.get('x-ratelimit-remaining')),
    reset: Number(response.headers.get('x-ratelimit-reset')),
  };
}

describe('per-user limits', () => {
  let t: TestServer;
  let alice: Account;
  let bob: Account;

  beforeAll(async () => {
    t = await server({ user: 5 });
    alice = await register(t.api, 'Alice');
    bob = await register(t.api, 'Bob');
  });

  it('counts down in X-RateLimit-* headers, then answers 429 RATE_LIMITED with Retry-After', async () => {
    const before = Math.floor(Date.now() / 1000);
    const seen: number[] = [];
    for (let i = 0; i < 5; i++) {
      const response = await call(t.api, 'GET', '/auth/me', { token: alice.accessToken });
      expect(response.status).toBe(200);
      const headers = limitHeaders(response);
      expect(headers.limit).toBe(5);
      // The reset is a Unix time in seconds, at most an hour ahead.
      expect(headers.reset).toBeGreaterThanOrEqual(before);
      expect(headers.reset).toBeLessThanOrEqual(before + 3601);
      seen.push(headers.remaining);
    }
    expect(seen).toEqual([4, 3, 2, 1, 0]);

    const limited = await call(t.api, 'GET', '/auth/me', { token: alice.accessToken });
    const body = expectError(limited, 429, 'RATE_LIMITED');
    expect(body.detail).toMatch(/5 requests per hour/);
    const retryAfter = Number(limited.headers.get('retry-after'));
    expect(Number.isInteger(retryAfter)).toBe(true);
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(3600);
    expect(limitHeaders(limited)).toMatchObject({ limit: 5, remaining: 0 });

    // Mutations are refused too, and nothing runs.
    const write = await call(t.api, 'POST', '/api-keys', { token: alice.accessToken, body: { name: 'over the limit' } });
    expectError(write, 429, 'RATE_LIMITED');
  });

  it('another user of the same address has a budget of their own', async () => {
    const response = await call(t.api, 'GET', '/auth/me', { token: bob.accessToken });
    expect(response.status).toBe(200);
    expect(limitHeaders(response)).toMatchObject({ limit: 5, remaining: 4 });
  });

  it('an API key has its own budget, separate from its owner\'s session', async () => {
    // Bob spends his session budget (1 + the key + 3 = 5), then his key still answers.
    const key = await createApiKey(t.api, bob.accessToken, { name: 'bob key' });
    for (let i = 0; i < 3; i++) await call(t.api, 'GET', '/auth/me', { token: bob.accessToken });
    expectError(await call(t.api, 'GET', '/auth/me', { token: bob.accessToken }), 429, 'RATE_LIMITED');

    const viaKey = await call(t.api, 'GET', '/auth/me', { headers: { 'x-api-key': key.token } });
    expect(viaKey.status).toBe(200);
    expect(limitHeaders(viaKey)).toMatchObject({ limit: DEFAULT_RATE_LIMITS.apiKey, remaining: DEFAULT_RATE_LIMITS.apiKey - 1 });
    const asBearer = await call(t.api, 'GET', '/auth/me', { token: key.token });
    expect(limitHeaders(asBearer).remaining).toBe(DEFAULT_RATE_LIMITS.apiKey - 2);
  });

  it('a second session of the same user shares the user budget', async () => {
    const login = await call(t.api, 'POST', '/auth/login', { body: { email: alice.email, password: alice.password } });
    expect(login.status).toBe(200);
    expectError(await call(t.api, 'GET', '/auth/me', { token: login.body.access_token }), 429, 'RATE_LIMITED');
  });

  it('health, metrics and docs are never limited', async () => {
    for (let i = 0; i < 8; i++) {
      expect((await call(t.url, 'GET', '/health/live')).status).toBe(200);
    }
    expect((await call(t.url, 'GET', '/metrics')).status).toBe(200);
  });
});

describe('per-key and per-org limits', () => {
  it('an API key stops at its own limit while its owner\'s session goes on', async () => {
    const t = await server({ apiKey: 3 });
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken, { name: 'limited' });
    const other = await createApiKey(t.api, owner.accessToken, { name: 'other' });
    for (let i = 0; i < 3; i++) expect((await call(t.api, 'GET', '/auth/me', { token: key.token })).status).toBe(200);
    const limited = await call(t.api, 'GET', '/auth/me', { token: key.token });
    expectError(limited, 429, 'RATE_LIMITED');
    expect(limitHeaders(limited).limit).toBe(3);
    // Another key of the same person, and the person's session, are unaffected.
    expect((await call(t.api, 'GET', '/auth/me', { token: other.token })).status).toBe(200);
    expect((await call(t.api, 'GET', '/auth/me', { token: owner.accessToken })).status).toBe(200);
  });

  it('the org ceiling covers every caller of the organization, and only that organization', async () => {
    const t = await server({ org: 6 });
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken, { name: 'k' }); // 1
    const stranger = await register(t.api, 'Stranger');
    for (let i = 0; i < 3; i++) expect((await call(t.api, 'GET', '/auth/me', { token: owner.accessToken })).status).toBe(200); // 2..4
    for (let i = 0; i < 2; i++) expect((await call(t.api, 'GET', '/auth/me', { token: key.token })).status).toBe(200); // 5..6
    expectError(await call(t.api, 'GET', '/auth/me', { token: key.token }), 429, 'RATE_LIMITED');
    expectError(await call(t.api, 'GET', '/auth/me', { token: owner.accessToken }), 429, 'RATE_LIMITED');
    expect((await call(t.api, 'GET', '/auth/me', { token: stranger.accessToken })).status).toBe(200);
  });

  it('refused requests count nowhere: a key hammering past its limit does not drain its organization', async () => {
    const t = await server({ apiKey: 2, org: 6 });
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken, { name: 'noisy' }); // org 1
    for (let i = 0; i < 2; i++) expect((await call(t.api, 'GET', '/auth/me', { token: key.token })).status).toBe(200); // org 2..3
    for (let i = 0; i < 10; i++) expectError(await call(t.api, 'GET', '/auth/me', { token: key.token }), 429, 'RATE_LIMITED');
    // The organization spent 3 of 6, not 13.
    const session = await call(t.api, 'GET', '/auth/me', { token: owner.accessToken });
    expect(session.status).toBe(200);
    expect(limitHeaders(session)).toMatchObject({ limit: 6, remaining: 2 });
  });

  it('an organization can lower its limits in its settings; others keep the server defaults', async () => {
    const t = await server({});
    const owner = await register(t.api);
    const neighbour = await register(t.api, 'Neighbour');
    const patch = await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { rate_limits: { user: 4, api_key: 2 } } });
    expect(patch.status).toBe(200);
    expect(patch.body.rate_limits).toEqual({ user: 4, api_key: 2 });

    // Register + PATCH spent 1 (the PATCH; registration is anonymous): 3 more fit under 4.
    const statuses: number[] = [];
    let last: ApiResponse | undefined;
    for (let i = 0; i < 5; i++) {
      last = await call(t.api, 'GET', '/auth/me', { token: owner.accessToken });
      statuses.push(last.status);
    }
    expect(statuses).toEqual([200, 200, 200, 429, 429]);
    expect(limitHeaders(last!).limit).toBe(4);

    const neighbourResponse = await call(t.api, 'GET', '/auth/me', { token: neighbour.accessToken });
    expect(neighbourResponse.status).toBe(200);
    expect(limitHeaders(neighbourResponse).limit).toBe(DEFAULT_RATE_LIMITS.user);
  });

  it('the org override of api_key applies to that org\'s keys, read back after a restart', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-test-'));
    try {
      const first = await startTestServer({}, { dataDir });
      const owner = await register(first.api);
      const key = await createApiKey(first.api, owner.accessToken, { name: 'k' });
      expect((await call(first.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { rate_limits: { api_key: 2 } } })).status).toBe(200);
      await first.stop();
      const restarted = await startTestServer({}, { dataDir });
      try {
        const statuses = [];
        for (let i = 0; i < 3; i++) statuses.push((await call(restarted.api, 'GET', '/auth/me', { token: key.token })).status);
        expect(statuses).toEqual([200, 200, 429]);
      } finally {
        await restarted.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });

  it('turning rate limits off sends no limit headers and never answers 429', async () => {
    const t = await server({ user: 1 }, { rateLimitsEnabled: false });
    const owner = await register(t.api);
    for (let i = 0; i < 3; i++) {
      const response = await call(t.api, 'GET', '/auth/me', { token: owner.accessToken });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-ratelimit-limit')).toBeNull();
    }
  });
});

/** A request from a chosen loopback address (the whole 127/8 is local on Linux). */
function fromAddress(url: string, localAddress: string, body: unknown, headers: Record<string, string> = {}): Promise<ApiResponse> {
  return new Promise((resolve, reject) => {
    const payload = JSON.stringify(body);
    const req = httpRequest(url, { method: 'POST', localAddress, headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(payload)), ...headers } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => {
        const responseHeaders = new Headers();
        for (const [name, value] of Object.entries(res.headers)) if (typeof value === 'string') responseHeaders.set(name, value);
        resolve({ status: res.statusCode!, headers: responseHeaders, body: text ? JSON.parse(text) : undefined, text });
      });
    });
    req.on('error', reject);
    req.end(payload);
  });
}

describe('anonymous limits', () => {
  it('login is limited per client address, whatever X-Forwarded-For claims', async () => {
    const t = await server({ anonymous: 4 });
    const owner = await register(t.api); // 1 of 4 from 127.0.0.1
    const login = { email: owner.email, password: 'wrong password!' };
    const statuses: number[] = [];
    let last: ApiResponse | undefined;
    for (let i = 0; i < 4; i++) {
      last = await fromAddress(`${t.api}/auth/login`, '127.0.0.1', login);
      statuses.push(last.status);
    }
    expect(statuses).toEqual([401, 401, 401, 429]);
    expectError(last!, 429, 'RATE_LIMITED');
    expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(limitHeaders(last!)).toMatchObject({ limit: 4, remaining: 0 });

    // The server trusts no proxy header: a forged one does not buy a new budget.
    expectError(await fromAddress(`${t.api}/auth/login`, '127.0.0.1', login, { 'x-forwarded-for': '203.0.113.9' }), 429, 'RATE_LIMITED');

    // Another address has its own budget...
    const elsewhere = await fromAddress(`${t.api}/auth/login`, '127.0.0.2', { email: owner.email, password: owner.password });
    expect(elsewhere.status).toBe(200);
    expect(limitHeaders(elsewhere)).toMatchObject({ limit: 4, remaining: 3 });

    // ...and a signed-in caller from the exhausted address is limited by user, not by address.
    const me = await call(t.api, 'GET', '/auth/me', { token: owner.accessToken });
    expect(me.status).toBe(200);
    expect(limitHeaders(me).limit).toBe(DEFAULT_RATE_LIMITS.user);
  });
});
