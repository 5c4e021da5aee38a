import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createApiKey, expectError, register, startClockedTestServer, type Account, type ManualClock, type TestServer } from '../../testing/harness';

describe('GET /incidents/active', () => {
  let server: TestServer & { clock: ManualClock };
  let owner: Account;
  let other: Account;

  const create = async (account: Account, title: string, status?: string) => {
    server.clock.advance(1);
    const response = await call(server.api, 'POST', '/incidents', { token: account.accessToken, body: { title, ...(status ? { status } : {}) } });
    expect(response.status).toBe(201);
    return response.body as { id: string; status: string };
  };

  beforeAll(async () => {
    server = await startClockedTestServer();
    owner = await register(server.api, 'Owner');
    other = await register(server.api, 'Other');
    await create(owner, 'Oldest open');
    await create(owner, 'Already resolved', 'resolved');
    await create(owner, 'Being looked at', 'investigating');
    await create(owner, 'Mitigated, not resolved', 'mitigated');
    await create(other, 'Another org');
  });
  afterAll(async () => {
    await server.stop();
  });

  it('lists the caller\'s unresolved incidents, newest first, with the page envelope', async () => {
    const response = await call(server.api, 'GET', '/incidents/active', { token: owner.accessToken });
    expect(response.status).toBe(200);
    expect(response.body.data.map((i: { title: string }) => i.title)).toEqual(['Mitigated, not resolved', 'Being looked at', 'Oldest open']);
    expect(response.body.meta).toEqual({ total: 3, limit: 25, offset: 0 });
    expect(response.body.data.every((i: { status: string }) => i.status !== 'resolved')).toBe(true);
  });

  it('pages, and meta.total counts every open incident', async () => {
    const response = await call(server.api, 'GET', '/incidents/active?limit=1&offset=1', { token: owner.accessToken });
    expect(response.body.data.map((i: { title: string }) => i.title)).toEqual(['Being looked at']);
    expect(response.body.meta).toEqual({ total: 3, limit: 1, offset: 1 });
  });

  it('never shows another organization\'s incidents', async () => {
    const response = await call(server.api, 'GET', '/incidents/active', { token: other.accessToken });
    expect(response.body.data.map((i: { title: string }) => i.title)).toEqual(['Another org']);
  });

  it('is not mistaken for /incidents/:id, and needs incidents:read', async () => {
    const key = await createApiKey(server.api, owner.accessToken, { name: 'no incidents', scopes: ['audit:read'] });
    expectError(await call(server.api, 'GET', '/incidents/active', { headers: { 'x-api-key': key.token } }), 403, 'PAT_SCOPE_INSUFFICIENT');
    expectError(await call(server.api, 'GET', '/incidents/active'), 401, 'UNAUTHENTICATED');
  });

  it('rejects a limit over 100', async () => {
    expectError(await call(server.api, 'GET', '/incidents/active?limit=1000', { token: owner.accessToken }), 422, 'VALIDATION_FAILED');
  });
});
