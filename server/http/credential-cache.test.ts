import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createApiKey, inviteMember, register, startTestServer, type TestServer } from '../testing/harness';

// Credentials are remembered between requests; these tests use a key or session first (so it is
// remembered), then change access, then check the very next request sees the change.
let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.stop());

describe('remembered credentials follow access changes at once', () => {
  it('a demoted admin\'s session and API key lose admin rights on the next request', async () => {
    const owner = await register(t.api);
    const admin = await inviteMember(t.api, owner, 'admin');
    const key = await createApiKey(t.api, admin.accessToken, { name: 'admin key' });
    expect((await call(t.api, 'GET', '/me/invites', { token: admin.accessToken })).status).toBe(200);
    expect((await call(t.api, 'GET', '/me/invites', { token: key.token })).status).toBe(200);

    expect((await call(t.api, 'PATCH', `/users/${admin.userId}`, { token: owner.accessToken, body: { role: 'viewer' } })).status).toBe(200);

    expect((await call(t.api, 'GET', '/me/invites', { token: admin.accessToken })).body.code).toBe('INSUFFICIENT_ROLE');
    expect((await call(t.api, 'GET', '/me/invites', { token: key.token })).body.code).toBe('INSUFFICIENT_ROLE');
    expect((await call(t.api, 'GET', '/auth/me', { token: key.token })).body.role).toBe('viewer');
  });

  it('a removed person\'s session and key stop on the next request', async () => {
    const owner = await register(t.api);
    const member = await inviteMember(t.api, owner, 'engineer');
    const key = await createApiKey(t.api, member.accessToken, { name: 'k' });
    expect((await call(t.api, 'GET', '/users', { token: key.token })).status).toBe(200);
    expect((await call(t.api, 'GET', '/users', { token: member.accessToken })).status).toBe(200);
    expect((await call(t.api, 'DELETE', `/users/${member.userId}`, { token: owner.accessToken })).status).toBe(204);
    expect((await call(t.api, 'GET', '/users', { token: key.token })).status).toBe(401);
    expect((await call(t.api, 'GET', '/users', { token: member.accessToken })).status).toBe(401);
  });

  it('a revoked key and a logged-out session stop on the next request', async () => {
    const owner = await register(t.api);
    const key = await createApiKey(t.api, owner.accessToken, { name: 'k' });
    expect((await call(t.api, 'GET', '/users', { token: key.token })).status).toBe(200);
    await call(t.api, 'DELETE', `/api-keys/${key.id}`, { token: owner.accessToken });
    expect((await call(t.api, 'GET', '/users', { token: key.token })).body.code).toBe('TOKEN_REVOKED');

    await call(t.api, 'POST', '/auth/logout', { token: owner.accessToken });
    expect((await call(t.api, 'GET', '/users', { token: owner.accessToken })).body.code).toBe('TOKEN_REVOKED');
  });
});
