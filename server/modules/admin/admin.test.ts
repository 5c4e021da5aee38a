import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VERSION } from '../../start';
import { call, createApiKey, expectError, inviteMember, register, startTestServer, type Account, type TestServer } from '../../testing/harness';

let t: TestServer;
let owner: Account;

beforeAll(async () => {
  t = await startTestServer();
  owner = await register(t.api, 'Stats Owner');
});
afterAll(async () => t.stop());

const stats = async (token: string) => {
  const response = await call(t.api, 'GET', '/admin/stats', { token });
  expect(response.status, response.text).toBe(200);
  return response.body;
};

describe('GET /admin/stats', () => {
  it('counts this organization\'s people, keys, invites, sessions and audit events', async () => {
    const admin = await inviteMember(t.api, owner, 'admin', 'Stats Admin');
    const first = await stats(owner.accessToken);
    expect(first).toEqual({
      organization_id: owner.orgId,
      users: 2,
      api_keys: 0,
      invites_pending: 0,
      sessions_active: 2,
      audit_events: expect.any(Number),
      database_bytes: expect.any(Number),
      uptime_seconds: expect.any(Number),
      version: VERSION,
      node_version: process.version,
      memory_rss_bytes: expect.any(Number),
    });
    const audit = await call(t.api, 'GET', '/audit?limit=1', { token: owner.accessToken });
    expect(first.audit_events).toBe(audit.body.meta.total);
    expect(first.database_bytes).toBeGreaterThan(0);
    expect(first.memory_rss_bytes).toBeGreaterThan(1024 * 1024);

    await createApiKey(t.api, admin.accessToken, { name: 'a' });
    await createApiKey(t.api, owner.accessToken, { name: 'b' });
    expect((await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email: 'pending@example.com', role: 'viewer' } })).status).toBe(201);
    const login = await call(t.api, 'POST', '/auth/login', { body: { email: owner.email, password: owner.password } });
    expect(login.status).toBe(200);

    const second = await stats(admin.accessToken);
    expect(second).toMatchObject({ users: 2, api_keys: 2, invites_pending: 1, sessions_active: 3 });
    expect(second.audit_events).toBeGreaterThan(first.audit_events);

    expect((await call(t.api, 'POST', '/auth/logout', { token: login.body.access_token, body: {} })).status).toBe(200);
    expect((await stats(owner.accessToken)).sessions_active).toBe(2);
  });

  it('never counts another organization', async () => {
    const other = await register(t.api, 'Other');
    const theirs = await stats(other.accessToken);
    expect(theirs).toMatchObject({ organization_id: other.orgId, users: 1, api_keys: 0, invites_pending: 0, sessions_active: 1 });
  });

  it('is for admins and owners; API keys need admin:read', async () => {
    const engineer = await inviteMember(t.api, owner, 'engineer', 'Stats Engineer');
    const viewer = await inviteMember(t.api, owner, 'viewer', 'Stats Viewer');
    expectError(await call(t.api, 'GET', '/admin/stats', { token: engineer.accessToken }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(t.api, 'GET', '/admin/stats', { token: viewer.accessToken }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(t.api, 'GET', '/admin/stats'), 401, 'UNAUTHENTICATED');
    const reader = await createApiKey(t.api, owner.accessToken, { name: 'admin reader', scopes: ['admin:read'] });
    expect((await call(t.api, 'GET', '/admin/stats', { token: reader.token })).status).toBe(200);
    const other = await createApiKey(t.api, owner.accessToken, { name: 'not admin', scopes: ['audit:read'] });
    expectError(await call(t.api, 'GET', '/admin/stats', { token: other.token }), 403, 'PAT_SCOPE_INSUFFICIENT');
  });
});
