import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, register, startTestServer, type TestServer } from '../../testing/harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.stop());

describe('login', () => {
  it('answers 001\'s shape for JSON and for the OAuth2 form', async () => {
    const owner = await register(t.api);
    const json = await call(t.api, 'POST', '/auth/login', { body: { email: owner.email, password: owner.password } });
    expect(json.status).toBe(200);
    expect(Object.keys(json.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type', 'user']);
    expect(json.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, user: { id: owner.userId, email: owner.email, name: 'Owner', role: 'owner' } });

    const form = await call(t.api, 'POST', '/auth/login', {
      raw: new URLSearchParams({ username: owner.email, password: owner.password, grant_type: 'password' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(200);
    const me = await call(t.api, 'GET', '/auth/me', { token: form.body.access_token });
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: owner.userId, role: 'owner', organization: { id: owner.orgId, plan: 'self-hosted' } });
  });
});
