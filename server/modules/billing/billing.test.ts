import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createApiKey, expectError, inviteMember, register, startTestServer, type Account, type TestServer } from '../../testing/harness';

let t: TestServer;
let owner: Account;
let stranger: Account;

beforeAll(async () => {
  t = await startTestServer();
  owner = await register(t.api, 'Biller');
  stranger = await register(t.api, 'Stranger');
});
afterAll(async () => t.stop());

const billing = async (token: string) => {
  const response = await call(t.api, 'GET', '/billing', { token });
  expect(response.status).toBe(200);
  return response.body;
};

describe('GET /billing', () => {
  it('is the self-hosted plan with no limits and no price', async () => {
    const body = await billing(owner.accessToken);
    expect(Object.keys(body).sort()).toEqual(['limits', 'plan', 'usage']);
    expect(body.plan).toEqual({ name: 'self-hosted', self_hosted: true, price: null, currency: null });
    expect(body.limits).toEqual({ users: null, api_keys: null, audit_retention_days: null });
    expect(body.usage).toEqual({ users: 1, api_keys: 0, audit_events: expect.any(Number), storage_bytes: expect.any(Number) });
    expect(body.usage.audit_events).toBeGreaterThanOrEqual(1); // the registration
    expect(body.usage.storage_bytes).toBeGreaterThan(0);
  });

  it('usage is real: it follows keys, people and audit events, per organization', async () => {
    const start = await billing(owner.accessToken);
    const theirs = await billing(stranger.accessToken);

    const key = await createApiKey(t.api, owner.accessToken, { name: 'counted' });
    const afterKey = await billing(owner.accessToken);
    expect(afterKey.usage.api_keys).toBe(start.usage.api_keys + 1);
    expect(afterKey.usage.audit_events).toBe(start.usage.audit_events + 1);

    await inviteMember(t.api, owner, 'engineer', 'Counted Member');
    const afterMember = await billing(owner.accessToken);
    expect(afterMember.usage.users).toBe(start.usage.users + 1);

    expect((await call(t.api, 'DELETE', `/api-keys/${key.id}`, { token: owner.accessToken })).status).toBe(204);
    expect((await billing(owner.accessToken)).usage.api_keys).toBe(start.usage.api_keys);

    // The other organization's figures did not move.
    const theirsAfter = await billing(stranger.accessToken);
    expect(theirsAfter.usage).toMatchObject({ users: theirs.usage.users, api_keys: theirs.usage.api_keys, audit_events: theirs.usage.audit_events });
  });

  it('every role may read it; an API key needs billing:read', async () => {
    const viewer = await inviteMember(t.api, owner, 'viewer', 'Billing Viewer');
    expect((await call(t.api, 'GET', '/billing', { token: viewer.accessToken })).status).toBe(200);
    const reader = await createApiKey(t.api, owner.accessToken, { name: 'billing reader', scopes: ['billing:read'] });
    expect((await call(t.api, 'GET', '/billing', { token: reader.token })).status).toBe(200);
    const other = await createApiKey(t.api, owner.accessToken, { name: 'no billing', scopes: ['incidents:read'] });
    expectError(await call(t.api, 'GET', '/billing', { token: other.token }), 403, 'PAT_SCOPE_INSUFFICIENT');
    expectError(await call(t.api, 'GET', '/billing'), 401, 'UNAUTHENTICATED');
  });
});

describe('POST /billing/checkout', () => {
  it('is 422 BILLING_NOT_AVAILABLE for the owner, with or without a body', async () => {
    const withBody = await call(t.api, 'POST', '/billing/checkout', { token: owner.accessToken, body: { plan: 'pro', seats: 5 } });
    expect(expectError(withBody, 422, 'BILLING_NOT_AVAILABLE').detail).toMatch(/self-hosted/);
    expectError(await call(t.api, 'POST', '/billing/checkout', { token: owner.accessToken }), 422, 'BILLING_NOT_AVAILABLE');
    expectError(await call(t.api, 'POST', '/billing/checkout', { token: owner.accessToken, body: {} }), 422, 'BILLING_NOT_AVAILABLE');
  });

  it('is for owners only', async () => {
    const admin = await inviteMember(t.api, owner, 'admin', 'Billing Admin');
    expectError(await call(t.api, 'POST', '/billing/checkout', { token: admin.accessToken, body: {} }), 403, 'INSUFFICIENT_ROLE');
    const readOnly = await createApiKey(t.api, owner.accessToken, { name: 'billing ro', scopes: ['billing:read'] });
    expectError(await call(t.api, 'POST', '/billing/checkout', { token: readOnly.token, body: {} }), 403, 'PAT_SCOPE_INSUFFICIENT');
  });
});
