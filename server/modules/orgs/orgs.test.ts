import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createApiKey, expectError, inviteMember, register, startTestServer, type Account, type TestServer } from '../../testing/harness';

let t: TestServer;
let owner: Account;
let admin: Account;
let engineer: Account;
let viewer: Account;
let stranger: Account;

beforeAll(async () => {
  t = await startTestServer();
  owner = await register(t.api, 'Olga');
  [admin, engineer, viewer] = await Promise.all([
    inviteMember(t.api, owner, 'admin', 'Ada'),
    inviteMember(t.api, owner, 'engineer', 'Eve'),
    inviteMember(t.api, owner, 'viewer', 'Vic'),
  ]);
  stranger = await register(t.api, 'Stranger');
});
afterAll(async () => t.stop());

async function auditRows(action: string) {
  const response = await call(t.api, 'GET', `/audit?action=${action}&limit=100`, { token: owner.accessToken });
  expect(response.status).toBe(200);
  return response.body.data as { actor_user_id: string; resource_id: string; meta: Record<string, any> }[];
}

describe('GET /organizations', () => {
  it('answers the caller\'s organization to every role', async () => {
    for (const member of [owner, admin, engineer, viewer]) {
      const response = await call(t.api, 'GET', '/organizations', { token: member.accessToken });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({
        id: owner.orgId, name: "Olga's organization", slug: 'olga-s-organization', plan: 'self-hosted',
        created_at: expect.any(String), updated_at: expect.any(String),
      });
    }
    const theirs = await call(t.api, 'GET', '/organizations', { token: stranger.accessToken });
    expect(theirs.body.id).toBe(stranger.orgId);
    expectError(await call(t.api, 'GET', '/organizations'), 401, 'UNAUTHENTICATED');
  });

  it('an API key needs organizations:read', async () => {
    const reader = await createApiKey(t.api, owner.accessToken, { name: 'org reader', scopes: ['organizations:read'] });
    expect((await call(t.api, 'GET', '/organizations', { token: reader.token })).status).toBe(200);
    const other = await createApiKey(t.api, owner.accessToken, { name: 'users only', scopes: ['users:read'] });
    expectError(await call(t.api, 'GET', '/organizations', { token: other.token }), 403, 'PAT_SCOPE_INSUFFICIENT');
  });
});

describe('PATCH /organizations', () => {
  it('is for admins and owners; engineers and viewers get 403', async () => {
    expectError(await call(t.api, 'PATCH', '/organizations', { token: viewer.accessToken, body: { name: 'Viewer was here' } }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(t.api, 'PATCH', '/organizations', { token: engineer.accessToken, body: { name: 'Engineer was here' } }), 403, 'INSUFFICIENT_ROLE');
    expect((await call(t.api, 'GET', '/organizations', { token: owner.accessToken })).body.name).toBe("Olga's organization");

    const byAdmin = await call(t.api, 'PATCH', '/organizations', { token: admin.accessToken, body: { name: 'Night Ops' } });
    expect(byAdmin.status).toBe(200);
    expect(byAdmin.body).toMatchObject({ id: owner.orgId, name: 'Night Ops', slug: 'olga-s-organization' });
    const byOwner = await call(t.api, 'PATCH', '/organizations', { token: owner.accessToken, body: { slug: 'night-ops' } });
    expect(byOwner.body).toMatchObject({ name: 'Night Ops', slug: 'night-ops' });
    expect(Date.parse(byOwner.body.updated_at)).toBeGreaterThanOrEqual(Date.parse(byOwner.body.created_at));
    expect((await call(t.api, 'GET', '/organizations', { token: viewer.accessToken })).body).toMatchObject({ name: 'Night Ops', slug: 'night-ops' });
    // Only the caller's own organization changed.
    expect((await call(t.api, 'GET', '/organizations', { token: stranger.accessToken })).body.name).toBe("Stranger's organization");
  });

  it('is audited with the diff of what changed', async () => {
    const [latest] = await auditRows('UPDATE_ORGANIZATION');
    expect(latest).toMatchObject({ actor_user_id: owner.userId, resource_id: owner.orgId });
    expect(latest!.meta.diff).toEqual({ slug: { from: 'olga-s-organization', to: 'night-ops' } });
    const byAdmin = (await auditRows('UPDATE_ORGANIZATION')).find((r) => r.actor_user_id === admin.userId)!;
    expect(byAdmin.meta.diff).toEqual({ name: { from: "Olga's organization", to: 'Night Ops' } });
  });

  it('validates the body: unknown keys, empty names, bad slugs', async () => {
    const unknown = await call(t.api, 'PATCH', '/organizations', { token: owner.accessToken, body: { name: 'ok', plan: 'enterprise' } });
    expect(expectError(unknown, 422, 'VALIDATION_FAILED').fields).toContainEqual(expect.objectContaining({ path: 'plan', code: 'unrecognized_key' }));
    for (const body of [{ name: '' }, { name: 'x'.repeat(201) }, { slug: 'Has Spaces' }, { slug: '-leading' }, { slug: 'a'.repeat(64) }, { name: { first: 'x' } }]) {
      expectError(await call(t.api, 'PATCH', '/organizations', { token: owner.accessToken, body }), 422, 'VALIDATION_FAILED');
    }
    expect((await call(t.api, 'GET', '/organizations', { token: owner.accessToken })).body).toMatchObject({ name: 'Night Ops', slug: 'night-ops' });
  });

  it('an API key needs organizations:write, and its owner\'s role still applies', async () => {
    const readOnly = await createApiKey(t.api, owner.accessToken, { name: 'ro', scopes: ['organizations:read'] });
    expectError(await call(t.api, 'PATCH', '/organizations', { token: readOnly.token, body: { name: 'nope' } }), 403, 'PAT_SCOPE_INSUFFICIENT');
    const engineerKey = await createApiKey(t.api, engineer.accessToken, { name: 'eng', scopes: ['organizations:*'] });
    expectError(await call(t.api, 'PATCH', '/organizations', { token: engineerKey.token, body: { name: 'nope' } }), 403, 'INSUFFICIENT_ROLE');
    const writer = await createApiKey(t.api, owner.accessToken, { name: 'rw', scopes: ['organizations:write'] });
    expect((await call(t.api, 'PATCH', '/organizations', { token: writer.token, body: { name: 'Night Ops' } })).status).toBe(200);
  });
});

describe('organization settings', () => {
  it('GET answers the typed settings with their defaults, to every role', async () => {
    for (const member of [owner, viewer]) {
      const response = await call(t.api, 'GET', '/organization-settings', { token: member.accessToken });
      expect(response.status).toBe(200);
      expect(response.body).toEqual({ allow_command_steps: false, invites_enabled: true, audit_retention_days: null, rate_limits: {} });
    }
  });

  it('PATCH changes only what it names; rate limits merge key by key', async () => {
    const first = await call(t.api, 'PATCH', '/organization-settings', { token: admin.accessToken, body: { audit_retention_days: 90, rate_limits: { user: 5000 } } });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ allow_command_steps: false, invites_enabled: true, audit_retention_days: 90, rate_limits: { user: 5000 } });
    const second = await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { rate_limits: { search: 50 } } });
    expect(second.body).toEqual({ allow_command_steps: false, invites_enabled: true, audit_retention_days: 90, rate_limits: { user: 5000, search: 50 } });
    const third = await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { allow_command_steps: true, audit_retention_days: null, rate_limits: { user: null } } });
    expect(third.body).toEqual({ allow_command_steps: true, invites_enabled: true, audit_retention_days: null, rate_limits: { user: null, search: 50 } });
    // What GET answers is what PATCH said; another organization is untouched.
    expect((await call(t.api, 'GET', '/organization-settings', { token: viewer.accessToken })).body).toEqual(third.body);
    expect((await call(t.api, 'GET', '/organization-settings', { token: stranger.accessToken })).body.rate_limits).toEqual({});
    // An empty patch changes nothing.
    expect((await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: {} })).body).toEqual(third.body);
  });

  it('PATCH is audited with the diff of the changed settings only', async () => {
    const rows = await auditRows('UPDATE_ORGANIZATION_SETTINGS');
    const byAdmin = rows.find((r) => r.actor_user_id === admin.userId)!;
    expect(byAdmin.resource_id).toBe(owner.orgId);
    expect(byAdmin.meta.changed_fields.sort()).toEqual(['audit_retention_days', 'rate_limits']);
    expect(byAdmin.meta.diff).toEqual({ audit_retention_days: { from: null, to: 90 }, rate_limits: { from: {}, to: { user: 5000 } } });
    const empty = rows[0]!;
    expect(empty.meta.changed_fields).toEqual([]);
  });

  it('refuses unknown keys (top level and nested), wrong types and out-of-range values with 422', async () => {
    const before = (await call(t.api, 'GET', '/organization-settings', { token: owner.accessToken })).body;
    const cases: [unknown, string][] = [
      [{ theme: 'dark' }, 'theme'],
      [{ rate_limits: { users: 5 } }, 'rate_limits.users'],
      [{ invites_enabled: 'yes' }, 'invites_enabled'],
      [{ audit_retention_days: 7 }, 'audit_retention_days'],
      [{ rate_limits: { user: -5 } }, 'rate_limits.user'],
      [{ rate_limits: { user: 1.5 } }, 'rate_limits.user'],
      [{ log_retention_days: 14 }, 'log_retention_days'],
    ];
    for (const [body, path] of cases) {
      const response = await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body });
      const error = expectError(response, 422, 'VALIDATION_FAILED');
      expect(error.fields!.map((f) => f.path), JSON.stringify(body)).toContain(path);
    }
    expect((await call(t.api, 'GET', '/organization-settings', { token: owner.accessToken })).body).toEqual(before);
  });

  it('PATCH is for admins and owners', async () => {
    expectError(await call(t.api, 'PATCH', '/organization-settings', { token: engineer.accessToken, body: { invites_enabled: false } }), 403, 'INSUFFICIENT_ROLE');
    expectError(await call(t.api, 'PATCH', '/organization-settings', { token: viewer.accessToken, body: { invites_enabled: false } }), 403, 'INSUFFICIENT_ROLE');
    const key = await createApiKey(t.api, owner.accessToken, { name: 'settings reader', scopes: ['settings:read'] });
    expect((await call(t.api, 'GET', '/organization-settings', { token: key.token })).status).toBe(200);
    expectError(await call(t.api, 'PATCH', '/organization-settings', { token: key.token, body: { invites_enabled: false } }), 403, 'PAT_SCOPE_INSUFFICIENT');
  });

  it('settings take effect: invites off refuses new invitations', async () => {
    expect((await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { invites_enabled: false } })).status).toBe(200);
    try {
      expectError(await call(t.api, 'POST', '/me/invites', { token: admin.accessToken, body: { email: 'blocked@example.com' } }), 403, 'FORBIDDEN');
    } finally {
      await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { invites_enabled: true } });
    }
    expect((await call(t.api, 'POST', '/me/invites', { token: admin.accessToken, body: { email: 'allowed@example.com' } })).status).toBe(201);
  });
});

describe('settings survive a restart', () => {
  it('reads back what was stored', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'nightshift-orgs-'));
    try {
      const first = await startTestServer({}, { dataDir });
      const someone = await register(first.api, 'Persisted');
      await call(first.api, 'PATCH', '/organization-settings', { token: someone.accessToken, body: { audit_retention_days: 365, rate_limits: { org: 1234 } } });
      await call(first.api, 'PATCH', '/organizations', { token: someone.accessToken, body: { name: 'Kept' } });
      await first.stop();
      const second = await startTestServer({}, { dataDir });
      try {
        expect((await call(second.api, 'GET', '/organization-settings', { token: someone.accessToken })).body).toEqual({
          allow_command_steps: false, invites_enabled: true, audit_retention_days: 365, rate_limits: { org: 1234 },
        });
        expect((await call(second.api, 'GET', '/organizations', { token: someone.accessToken })).body.name).toBe('Kept');
      } finally {
        await second.stop();
      }
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
