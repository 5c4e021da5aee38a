import { request as httpRequest } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createApiKey, expectError, register, startTestServer, type Account, type TestServer } from '../testing/harness';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;

let t: TestServer;
let owner: Account;

beforeAll(async () => {
  // A small body limit so 413 is cheap to reach; everything else behaves as in production.
  t = await startTestServer({ bodyLimitBytes: 2048 });
  owner = await register(t.api);
});
afterAll(async () => t.stop());

const json = { 'content-type': 'application/json' };

describe('error envelope', () => {
  it('400 MALFORMED_REQUEST for a body that is not JSON', async () => {
    const broken = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, raw: '{"name": "x",', headers: json });
    expectError(broken, 400, 'MALFORMED_REQUEST');
    const anonymous = await call(t.api, 'POST', '/auth/login', { raw: '{not json}', headers: json });
    expectError(anonymous, 400, 'MALFORMED_REQUEST');
  });

  it('400 MALFORMED_REQUEST for Content-Type JSON with an empty body', async () => {
    const empty = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, raw: '', headers: { ...json, 'content-length': '0' } });
    expectError(empty, 400, 'MALFORMED_REQUEST');
  });

  it('no body at all is an empty object: the schema names the missing fields', async () => {
    const none = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken });
    const body = expectError(none, 422, 'VALIDATION_FAILED');
    expect(body.fields).toEqual([expect.objectContaining({ path: 'name', code: 'required' })]);
  });

  it('+json media types are parsed as JSON', async () => {
    const patch = await call(t.api, 'POST', '/api-keys', {
      token: owner.accessToken, raw: '{"name":"merge"}', headers: { 'content-type': 'application/merge-patch+json; charset=utf-8' },
    });
    expect(patch.status).toBe(201);
    expect(patch.body.name).toBe('merge');
    const broken = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, raw: '{"name":', headers: { 'content-type': 'application/vnd.api+json' } });
    expectError(broken, 400, 'MALFORMED_REQUEST');
    const poisoned = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, raw: '{"name":"p","__proto__":{"x":1}}', headers: { 'content-type': 'application/vnd.api+json' } });
    expect(poisoned.status).toBe(400);
  });

  it('413 PAYLOAD_TOO_LARGE when the declared length is over the limit', async () => {
    const big = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'x'.repeat(3000) } });
    expectError(big, 413, 'PAYLOAD_TOO_LARGE');
    // Anonymous routes have the same ceiling.
    const login = await call(t.api, 'POST', '/auth/login', { body: { email: owner.email, password: 'p'.repeat(4000) } });
    expectError(login, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('413 PAYLOAD_TOO_LARGE for a chunked body without Content-Length that grows past the limit', async () => {
    const chunk = new TextEncoder().encode(`{"name":"${'y'.repeat(1000)}`);
    let sent = 0;
    const stream = new ReadableStream<Uint8Array>({
      pull(controller) {
        if (sent++ < 4) controller.enqueue(chunk);
        else {
          controller.enqueue(new TextEncoder().encode('"}'));
          controller.close();
        }
      },
    });
    const response = await fetch(`${t.api}/api-keys`, {
      method: 'POST',
      headers: { ...json, authorization: `Bearer ${owner.accessToken}` },
      body: stream,
      duplex: 'half',
    } as RequestInit);
    const text = await response.text();
    expectError({ status: response.status, headers: response.headers, body: JSON.parse(text), text }, 413, 'PAYLOAD_TOO_LARGE');
  });

  it('a body just under the limit is accepted', async () => {
    const ok = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: 'n'.repeat(100) } });
    expect(ok.status).toBe(201);
  });

  it('415 UNSUPPORTED_MEDIA_TYPE for text/plain and form bodies on JSON-only routes', async () => {
    const text = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, raw: 'name=x', headers: { 'content-type': 'text/plain' } });
    const body = expectError(text, 415, 'UNSUPPORTED_MEDIA_TYPE');
    expect(body.detail).toContain('application/json');

    const form = await call(t.api, 'POST', '/api-keys', {
      token: owner.accessToken,
      raw: new URLSearchParams({ name: 'x' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expectError(form, 415, 'UNSUPPORTED_MEDIA_TYPE');

    const xml = await call(t.api, 'POST', '/auth/login', { raw: '<login/>', headers: { 'content-type': 'application/xml' } });
    expectError(xml, 415, 'UNSUPPORTED_MEDIA_TYPE');

    const none = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, raw: '{"name":"x"}' });
    // fetch labels a string body text/plain when no type is given.
    expectError(none, 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  it('POST /auth/login accepts the OAuth2 form that JSON-only routes refuse', async () => {
    const form = await call(t.api, 'POST', '/auth/login', {
      raw: new URLSearchParams({ username: owner.email, password: owner.password, grant_type: 'password' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    });
    expect(form.status).toBe(200);
    expect(form.body.token_type).toBe('bearer');
  });

  it('JSON with a charset parameter is JSON', async () => {
    const ok = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, raw: '{"name":"charset"}', headers: { 'content-type': 'application/json; charset=utf-8' } });
    expect(ok.status).toBe(201);
  });

  it('422 VALIDATION_FAILED lists every field with path, code and message, unknown fields included', async () => {
    const bad = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: { name: '', colour: 'blue', daily_mutation_limit: 'many' } });
    const body = expectError(bad, 422, 'VALIDATION_FAILED');
    expect(body.fields).toBeDefined();
    for (const field of body.fields!) {
      expect(Object.keys(field).sort()).toEqual(['code', 'message', 'path']);
      expect(typeof field.message).toBe('string');
    }
    const byPath = new Map(body.fields!.map((f) => [f.path, f]));
    expect(byPath.get('colour')).toMatchObject({ code: 'unrecognized_key', message: 'Unknown field "colour"' });
    expect(byPath.get('name')?.code).toBe('invalid_minLength');
    expect(byPath.has('daily_mutation_limit')).toBe(true);

    const missing = await call(t.api, 'POST', '/api-keys', { token: owner.accessToken, body: {} });
    expect(expectError(missing, 422, 'VALIDATION_FAILED').fields).toContainEqual(expect.objectContaining({ path: 'name', code: 'required' }));

    const nested = await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { rate_limits: { users: 5 } } });
    expect(expectError(nested, 422, 'VALIDATION_FAILED').fields).toContainEqual(expect.objectContaining({ path: 'rate_limits.users', code: 'unrecognized_key' }));

    const query = await call(t.api, 'GET', '/api-keys?limit=10&sort=name', { token: owner.accessToken });
    expect(expectError(query, 422, 'VALIDATION_FAILED').fields).toContainEqual(expect.objectContaining({ path: 'query.sort', code: 'unrecognized_key' }));

    // Nothing was created by any of the refused requests.
    const keys = await call(t.api, 'GET', '/api-keys?limit=100', { token: owner.accessToken });
    expect(keys.body.data.map((k: { name: string }) => k.name)).not.toContain('');
  });

  it('404 ROUTE_NOT_FOUND for unknown routes, with or without credentials', async () => {
    expectError(await call(t.api, 'GET', '/no-such-thing'), 404, 'ROUTE_NOT_FOUND');
    expectError(await call(t.api, 'GET', '/no-such-thing', { token: owner.accessToken }), 404, 'ROUTE_NOT_FOUND');
    expectError(await call(t.url, 'POST', '/nope', { body: { a: 1 } }), 404, 'ROUTE_NOT_FOUND');
    // A known route under the wrong method is not a different resource.
    expectError(await call(t.api, 'PUT', '/api-keys', { token: owner.accessToken, body: { name: 'x' } }), 404, 'ROUTE_NOT_FOUND');
    // A missing object on a real route is NOT_FOUND, not ROUTE_NOT_FOUND.
    expectError(await call(t.api, 'DELETE', '/api-keys/0190d6a4-0000-7000-8000-000000000000', { token: owner.accessToken }), 404, 'NOT_FOUND');
  });

  it('400 MALFORMED_REQUEST, in the envelope with a request id, for a URL that does not decode', async () => {
    const bad = await call(t.api, 'GET', '/users/%zz', { token: owner.accessToken });
    expectError(bad, 400, 'MALFORMED_REQUEST');
    expect(bad.headers.get('x-request-id')).toBe(bad.body.request_id);
  });

  it('JSON bodies are not coerced: true is not a number, 42 is not a name', async () => {
    const notANumber = await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { rate_limits: { user: true } } });
    expectError(notANumber, 422, 'VALIDATION_FAILED');
    expect(notANumber.body.fields[0].path).toBe('rate_limits.user');
    expectError(await call(t.api, 'PATCH', '/organizations', { token: owner.accessToken, body: { name: 42 } }), 422, 'VALIDATION_FAILED');
    const settings = await call(t.api, 'GET', '/organization-settings', { token: owner.accessToken });
    expect(settings.body.rate_limits).toEqual({});
  });

  it('query strings are still read as numbers', async () => {
    const page = await call(t.api, 'GET', '/users?limit=1&offset=0', { token: owner.accessToken });
    expect(page.body.meta).toMatchObject({ limit: 1, offset: 0 });
  });

  it('401 and 403 use the envelope too', async () => {
    expectError(await call(t.api, 'GET', '/api-keys'), 401, 'UNAUTHENTICATED');
    expectError(await call(t.api, 'GET', '/api-keys', { token: 'not-a-jwt' }), 401, 'INVALID_TOKEN');
    expectError(await call(t.api, 'GET', '/api-keys', { headers: { authorization: 'Basic abc' } }), 401, 'INVALID_TOKEN');
    expectError(await call(t.api, 'GET', '/api-keys', { headers: { 'x-api-key': 'nsk_unknown' } }), 401, 'INVALID_TOKEN');
    const narrow = await createApiKey(t.api, owner.accessToken, { name: 'narrow', scopes: ['users:read'] });
    expectError(await call(t.api, 'GET', '/api-keys', { token: narrow.token }), 403, 'PAT_SCOPE_INSUFFICIENT');
  });
});

describe('X-Request-ID', () => {
  it('is on every response: success, error, 404, health, docs', async () => {
    const responses = await Promise.all([
      call(t.api, 'GET', '/auth/me', { token: owner.accessToken }),
      call(t.api, 'GET', '/api-keys'),
      call(t.api, 'GET', '/missing'),
      call(t.url, 'GET', '/health'),
      call(t.url, 'GET', '/health/ready'),
      call(t.url, 'GET', '/metrics'),
      call(t.url, 'GET', '/openapi.json'),
      call(t.api, 'POST', '/api-keys', { token: owner.accessToken, raw: 'x', headers: { 'content-type': 'text/plain' } }),
    ]);
    const ids = responses.map((r) => r.headers.get('x-request-id'));
    for (const [i, id] of ids.entries()) expect(id, `response ${i} (${responses[i]!.status})`).toMatch(UUID);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('echoes a sane incoming id, in the header and in the error envelope', async () => {
    const id = 'trace-abc_123.4:5';
    const ok = await call(t.api, 'GET', '/auth/me', { token: owner.accessToken, headers: { 'x-request-id': id } });
    expect(ok.headers.get('x-request-id')).toBe(id);
    const failed = await call(t.api, 'GET', '/api-keys', { headers: { 'x-request-id': id } });
    expect(expectError(failed, 401, 'UNAUTHENTICATED').request_id).toBe(id);
  });

  it('replaces an unsafe or oversized id with its own', async () => {
    for (const unsafe of ['<script>alert(1)</script>', 'a b', 'x'.repeat(129), 'semi;colon', 'new%0Aline', '']) {
      const response = await call(t.api, 'GET', '/auth/me', { token: owner.accessToken, headers: { 'x-request-id': unsafe } });
      expect(response.status).toBe(200);
      expect(response.headers.get('x-request-id'), unsafe).toMatch(UUID);
    }
  });

  it('replaces an id with a control character in it', async () => {
    // fetch refuses some bytes itself; node:http lets a tab through, which the server must not reflect.
    const id = await new Promise<string | undefined>((resolve, reject) => {
      const req = httpRequest(`${t.url}/health/live`, { headers: { 'x-request-id': 'evil\tvalue' } }, (res) => {
        res.resume();
        resolve(res.headers['x-request-id'] as string | undefined);
      });
      req.on('error', reject);
      req.end();
    });
    expect(id).toMatch(UUID);
  });
});

describe('security headers', () => {
  it('sends nosniff and no-referrer', async () => {
    const response = await call(t.api, 'GET', '/auth/me', { token: owner.accessToken });
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('referrer-policy')).toBe('no-referrer');
  });
});

describe('pagination', () => {
  let account: Account;
  const created: string[] = [];

  beforeAll(async () => {
    account = await register(t.api, 'Pager');
    for (let i = 0; i < 105; i++) created.push((await createApiKey(t.api, account.accessToken, { name: `key ${String(i).padStart(3, '0')}` })).id);
  });

  it('answers {data, meta:{total, limit, offset}} with limit 25 by default', async () => {
    const page = await call(t.api, 'GET', '/api-keys', { token: account.accessToken });
    expect(page.status).toBe(200);
    expect(Object.keys(page.body).sort()).toEqual(['data', 'meta']);
    expect(page.body.meta).toEqual({ total: 105, limit: 25, offset: 0 });
    expect(page.body.data).toHaveLength(25);
  });

  it('takes limit up to 100 and offset, and the pages cover every row once', async () => {
    const seen: string[] = [];
    for (let offset = 0; offset < 105; offset += 100) {
      const page = await call(t.api, 'GET', `/api-keys?limit=100&offset=${offset}`, { token: account.accessToken });
      expect(page.body.meta).toEqual({ total: 105, limit: 100, offset });
      seen.push(...page.body.data.map((k: { id: string }) => k.id));
    }
    expect(seen).toHaveLength(105);
    expect(new Set(seen)).toEqual(new Set(created));

    const tail = await call(t.api, 'GET', '/api-keys?limit=10&offset=100', { token: account.accessToken });
    expect(tail.body.data).toHaveLength(5);
    const beyond = await call(t.api, 'GET', '/api-keys?offset=500', { token: account.accessToken });
    expect(beyond.body).toEqual({ data: [], meta: { total: 105, limit: 25, offset: 500 } });
  });

  it('refuses limit above 100, below 1 and a negative offset with 422', async () => {
    for (const query of ['limit=101', 'limit=0', 'offset=-1', 'limit=ten']) {
      const response = await call(t.api, 'GET', `/api-keys?${query}`, { token: account.accessToken });
      const body = expectError(response, 422, 'VALIDATION_FAILED');
      expect(body.fields![0]!.path).toBe(`query.${query.split('=')[0]}`);
    }
  });

  it('the same shape on other lists (users)', async () => {
    const users = await call(t.api, 'GET', '/users', { token: account.accessToken });
    expect(users.body.meta).toEqual({ total: 1, limit: 25, offset: 0 });
    expect(users.body.data).toHaveLength(1);
  });
});
