import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  call, createApiKey, inviteMember, mailedToken, register, startClockedTestServer, startTestServer,
  type Account, type ManualClock, type TestServer,
} from '../../testing/harness';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer();
});
afterAll(async () => t.stop());

let counter = 0;
const freshEmail = () => `invitee${Date.now()}${++counter}@example.com`;

async function auditEvents(owner: Account, query: string) {
  const response = await call(t.api, 'GET', `/audit?${query}`, { token: owner.accessToken });
  expect(response.status).toBe(200);
  return response.body.data as { action: string; actor_user_id: string | null; ip: string | null; resource_id: string | null; meta: Record<string, any> }[];
}

describe('invited members', () => {
  it('join with the invited role and get a session that answers like login', async () => {
    const owner = await register(t.api);
    const email = freshEmail();
    const invite = await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email, role: 'viewer' } });
    expect(invite.status).toBe(201);
    expect(invite.body).toMatchObject({ email, role: 'viewer', status: 'pending', invited_by: owner.userId });
    const token = await mailedToken(t.api, owner.accessToken, email, /invited/i);

    const accepted = await call(t.api, 'POST', '/auth/accept-invite', { body: { token, name: 'Vera', password: 'viewer password 1' } });
    expect(accepted.status).toBe(201);
    expect(accepted.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, user: { email, name: 'Vera', role: 'viewer' } });
    const me = await call(t.api, 'GET', '/auth/me', { token: accepted.body.access_token });
    expect(me.body).toMatchObject({ role: 'viewer', email_verified: true, organization: { id: owner.orgId } });
  });
});

describe('roles', () => {
  let owner: Account;
  let admin: Account;
  let engineer: Account;
  let viewer: Account;
  beforeAll(async () => {
    owner = await register(t.api);
    admin = await inviteMember(t.api, owner, 'admin');
    engineer = await inviteMember(t.api, owner, 'engineer');
    viewer = await inviteMember(t.api, owner, 'viewer');
  });

  it('lists every member with their role', async () => {
    const users = await call(t.api, 'GET', '/users', { token: viewer.accessToken });
    const roles = Object.fromEntries(users.body.data.map((u: { id: string; role: string }) => [u.id, u.role]));
    expect(roles).toEqual({ [owner.userId]: 'owner', [admin.userId]: 'admin', [engineer.userId]: 'engineer', [viewer.userId]: 'viewer' });
  });

  it('refuses a viewer\'s changes to others with 403 INSUFFICIENT_ROLE', async () => {
    const rename = await call(t.api, 'PATCH', `/users/${engineer.userId}`, { token: viewer.accessToken, body: { name: 'Renamed by viewer' } });
    expect(rename.status).toBe(403);
    expect(rename.body.code).toBe('INSUFFICIENT_ROLE');
    const remove = await call(t.api, 'DELETE', `/users/${engineer.userId}`, { token: viewer.accessToken });
    expect(remove.body.code).toBe('INSUFFICIENT_ROLE');
    const invite = await call(t.api, 'POST', '/me/invites', { token: viewer.accessToken, body: { email: freshEmail(), role: 'viewer' } });
    expect(invite.status).toBe(403);
    expect(invite.body.code).toBe('INSUFFICIENT_ROLE');
  });

  it('refuses a viewer promoting themselves', async () => {
    const response = await call(t.api, 'PATCH', `/users/${viewer.userId}`, { token: viewer.accessToken, body: { role: 'admin' } });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('INSUFFICIENT_ROLE');
  });

  it('refuses an engineer changing someone else\'s role', async () => {
    const response = await call(t.api, 'PATCH', `/users/${viewer.userId}`, { token: engineer.accessToken, body: { role: 'engineer' } });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('INSUFFICIENT_ROLE');
  });

  it('lets anyone rename themselves', async () => {
    const response = await call(t.api, 'PATCH', `/users/${viewer.userId}`, { token: viewer.accessToken, body: { name: 'Vee' } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ id: viewer.userId, name: 'Vee', role: 'viewer' });
  });

  it('lets an admin change an engineer\'s role', async () => {
    const member = await inviteMember(t.api, owner, 'engineer');
    const response = await call(t.api, 'PATCH', `/users/${member.userId}`, { token: admin.accessToken, body: { role: 'viewer' } });
    expect(response.status).toBe(200);
    expect(response.body.role).toBe('viewer');
    expect((await call(t.api, 'GET', '/auth/me', { token: member.accessToken })).body.role).toBe('viewer');
  });

  it('refuses an admin granting the owner role, by update or by invitation', async () => {
    const update = await call(t.api, 'PATCH', `/users/${engineer.userId}`, { token: admin.accessToken, body: { role: 'owner' } });
    expect(update.status).toBe(403);
    expect(update.body.code).toBe('INSUFFICIENT_ROLE');
    const self = await call(t.api, 'PATCH', `/users/${admin.userId}`, { token: admin.accessToken, body: { role: 'owner' } });
    expect(self.body.code).toBe('INSUFFICIENT_ROLE');
    const invite = await call(t.api, 'POST', '/me/invites', { token: admin.accessToken, body: { email: freshEmail(), role: 'owner' } });
    expect(invite.status).toBe(403);
    expect(invite.body.code).toBe('INSUFFICIENT_ROLE');
    expect((await call(t.api, 'GET', `/users/${engineer.userId}`, { token: owner.accessToken })).body.role).toBe('engineer');
  });

  it('refuses an admin changing or removing an owner', async () => {
    const demote = await call(t.api, 'PATCH', `/users/${owner.userId}`, { token: admin.accessToken, body: { role: 'viewer' } });
    expect(demote.status).toBe(403);
    const remove = await call(t.api, 'DELETE', `/users/${owner.userId}`, { token: admin.accessToken });
    expect(remove.status).toBe(403);
    expect(remove.body.code).toBe('INSUFFICIENT_ROLE');
  });

  it('lets only an owner use PATCH /me/members/{userId}', async () => {
    const response = await call(t.api, 'PATCH', `/me/members/${viewer.userId}`, { token: admin.accessToken, body: { role: 'engineer' } });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('INSUFFICIENT_ROLE');
  });
});

describe('the sole owner', () => {
  it('cannot be demoted through PATCH /users/{id}: 422 SOLE_OWNER', async () => {
    const owner = await register(t.api);
    const response = await call(t.api, 'PATCH', `/users/${owner.userId}`, { token: owner.accessToken, body: { role: 'admin' } });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('SOLE_OWNER');
    expect((await call(t.api, 'GET', '/auth/me', { token: owner.accessToken })).body.role).toBe('owner');
  });

  it('cannot be demoted through PATCH /me/members/{userId}: 422 SOLE_OWNER', async () => {
    const owner = await register(t.api);
    const response = await call(t.api, 'PATCH', `/me/members/${owner.userId}`, { token: owner.accessToken, body: { role: 'engineer' } });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('SOLE_OWNER');
  });

  it('cannot be removed: 422 SOLE_OWNER', async () => {
    const owner = await register(t.api);
    const response = await call(t.api, 'DELETE', `/users/${owner.userId}`, { token: owner.accessToken });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('SOLE_OWNER');
    expect((await call(t.api, 'GET', '/auth/me', { token: owner.accessToken })).status).toBe(200);
  });

  it('can be demoted once there is a second owner', async () => {
    const owner = await register(t.api);
    const admin = await inviteMember(t.api, owner, 'admin');
    const promoted = await call(t.api, 'PATCH', `/me/members/${admin.userId}`, { token: owner.accessToken, body: { role: 'owner' } });
    expect(promoted.status).toBe(200);
    expect(promoted.body).toMatchObject({ user_id: admin.userId, role: 'owner' });

    const demoted = await call(t.api, 'PATCH', `/users/${owner.userId}`, { token: admin.accessToken, body: { role: 'admin' } });
    expect(demoted.status).toBe(200);
    expect(demoted.body.role).toBe('admin');
    // Now the former admin is the only owner again.
    const last = await call(t.api, 'PATCH', `/me/members/${admin.userId}`, { token: admin.accessToken, body: { role: 'admin' } });
    expect(last.body.code).toBe('SOLE_OWNER');
  });
});

describe('another organization', () => {
  let a: Account;
  let b: Account;
  let bMember: Account;
  beforeAll(async () => {
    a = await register(t.api);
    b = await register(t.api);
    bMember = await inviteMember(t.api, b, 'engineer');
  });

  it('is invisible: its users are 404 for GET, PATCH and DELETE', async () => {
    for (const id of [b.userId, bMember.userId]) {
      const get = await call(t.api, 'GET', `/users/${id}`, { token: a.accessToken });
      expect(get.status).toBe(404);
      expect(get.body.code).toBe('NOT_FOUND');
      expect((await call(t.api, 'PATCH', `/users/${id}`, { token: a.accessToken, body: { role: 'viewer' } })).status).toBe(404);
      expect((await call(t.api, 'PATCH', `/me/members/${id}`, { token: a.accessToken, body: { role: 'viewer' } })).status).toBe(404);
      expect((await call(t.api, 'DELETE', `/users/${id}`, { token: a.accessToken })).status).toBe(404);
    }
    expect((await call(t.api, 'GET', `/users/${bMember.userId}`, { token: b.accessToken })).body.role).toBe('engineer');
  });

  it('keeps its API keys out of reach: revoking one is 404 and it keeps working', async () => {
    const key = await createApiKey(t.api, b.accessToken, { name: 'b key' });
    for (const path of ['/api-keys', '/me/tokens']) {
      expect((await call(t.api, 'DELETE', `${path}/${key.id}`, { token: a.accessToken })).status).toBe(404);
    }
    expect((await call(t.api, 'GET', '/api-keys', { token: a.accessToken })).body.data).toEqual([]);
    expect((await call(t.api, 'GET', '/users', { headers: { 'x-api-key': key.token } })).status).toBe(200);
  });

  it('keeps its invites out of reach: revoking one is 404 and it stays pending', async () => {
    const invite = await call(t.api, 'POST', '/me/invites', { token: b.accessToken, body: { email: freshEmail(), role: 'viewer' } });
    const response = await call(t.api, 'DELETE', `/me/invites/${invite.body.id}`, { token: a.accessToken });
    expect(response.status).toBe(404);
    const list = await call(t.api, 'GET', '/me/invites', { token: b.accessToken });
    expect(list.body.data).toContainEqual(expect.objectContaining({ id: invite.body.id, status: 'pending' }));
    expect((await call(t.api, 'GET', '/me/invites', { token: a.accessToken })).body.data).toEqual([]);
  });
});

describe('GET /users pagination', () => {
  let owner: Account;
  beforeAll(async () => {
    owner = await register(t.api);
    for (const role of ['admin', 'engineer', 'viewer'] as const) await inviteMember(t.api, owner, role);
  });

  it('answers {data, meta:{total, limit, offset}} and honours limit and offset', async () => {
    const all = await call(t.api, 'GET', '/users', { token: owner.accessToken });
    expect(all.body.meta).toEqual({ total: 4, limit: 25, offset: 0 });
    expect(all.body.data).toHaveLength(4);

    const page = await call(t.api, 'GET', '/users?limit=2&offset=1', { token: owner.accessToken });
    expect(page.status).toBe(200);
    expect(page.body.meta).toEqual({ total: 4, limit: 2, offset: 1 });
    expect(page.body.data.map((u: { id: string }) => u.id)).toEqual(all.body.data.slice(1, 3).map((u: { id: string }) => u.id));
  });

  it('refuses a limit above 100 with 422', async () => {
    const response = await call(t.api, 'GET', '/users?limit=101', { token: owner.accessToken });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('VALIDATION_FAILED');
    expect(response.body.fields).toEqual([expect.objectContaining({ path: 'query.limit' })]);
  });
});

describe('removing a user', () => {
  it('ends their sessions at once, and they can no longer log in', async () => {
    const owner = await register(t.api);
    const engineer = await inviteMember(t.api, owner, 'engineer');
    expect((await call(t.api, 'GET', '/auth/me', { token: engineer.accessToken })).status).toBe(200);

    expect((await call(t.api, 'DELETE', `/users/${engineer.userId}`, { token: owner.accessToken })).status).toBe(204);
    expect((await call(t.api, 'GET', '/auth/me', { token: engineer.accessToken })).status).toBe(401);
    expect((await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: engineer.refreshToken } })).status).toBe(401);
    expect((await call(t.api, 'POST', '/auth/login', { body: { email: engineer.email, password: engineer.password } })).status).toBe(401);
    const users = await call(t.api, 'GET', '/users', { token: owner.accessToken });
    expect(users.body.data.map((u: { id: string }) => u.id)).toEqual([owner.userId]);
  });
});

describe('invites', () => {
  it('are listed for admins without their secret', async () => {
    const owner = await register(t.api);
    const email = freshEmail();
    const invite = await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email, role: 'engineer' } });
    const token = await mailedToken(t.api, owner.accessToken, email, /invited/i);
    const list = await call(t.api, 'GET', '/me/invites', { token: owner.accessToken });
    expect(list.status).toBe(200);
    expect(list.body.meta).toEqual({ total: 1, limit: 25, offset: 0 });
    expect(list.body.data).toEqual([expect.objectContaining({ id: invite.body.id, email, role: 'engineer', status: 'pending', accepted_at: null })]);
    expect(list.text).not.toContain(token);
  });

  it('default to the engineer role', async () => {
    const owner = await register(t.api);
    const invite = await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email: freshEmail() } });
    expect(invite.status).toBe(201);
    expect(invite.body.role).toBe('engineer');
  });

  it('once revoked, can no longer be accepted: 422 INVALID_ONE_TIME_TOKEN', async () => {
    const owner = await register(t.api);
    const email = freshEmail();
    const invite = await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email, role: 'engineer' } });
    const token = await mailedToken(t.api, owner.accessToken, email, /invited/i);
    expect((await call(t.api, 'DELETE', `/me/invites/${invite.body.id}`, { token: owner.accessToken })).status).toBe(204);

    const accepted = await call(t.api, 'POST', '/auth/accept-invite', { body: { token, name: 'Late', password: 'late password 123' } });
    expect(accepted.status).toBe(422);
    expect(accepted.body.code).toBe('INVALID_ONE_TIME_TOKEN');
    expect((await call(t.api, 'GET', '/me/invites', { token: owner.accessToken })).body.data).toEqual([]);
  });

  it('once accepted, cannot be used again: 422 INVALID_ONE_TIME_TOKEN', async () => {
    const owner = await register(t.api);
    const email = freshEmail();
    await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email, role: 'engineer' } });
    const token = await mailedToken(t.api, owner.accessToken, email, /invited/i);
    expect((await call(t.api, 'POST', '/auth/accept-invite', { body: { token, name: 'First', password: 'first password 123' } })).status).toBe(201);
    const again = await call(t.api, 'POST', '/auth/accept-invite', { body: { token, name: 'Second', password: 'second password 123' } });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('INVALID_ONE_TIME_TOKEN');
    const list = await call(t.api, 'GET', '/me/invites', { token: owner.accessToken });
    expect(list.body.data).toEqual([expect.objectContaining({ email, status: 'accepted', accepted_at: expect.any(String) })]);
  });

  it('refuses an email that already has an account with 409 EMAIL_TAKEN', async () => {
    const owner = await register(t.api);
    const elsewhere = await register(t.api);
    for (const email of [owner.email, elsewhere.email.toUpperCase()]) {
      const response = await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email, role: 'viewer' } });
      expect(response.status).toBe(409);
      expect(response.body.code).toBe('EMAIL_TAKEN');
    }
  });

  it('are refused with 403 once invites_enabled is false in the organization settings', async () => {
    const owner = await register(t.api);
    const settings = await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { invites_enabled: false } });
    expect(settings.status).toBe(200);
    expect(settings.body.invites_enabled).toBe(false);
    const response = await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email: freshEmail(), role: 'viewer' } });
    expect(response.status).toBe(403);
    expect(response.body.code).toBe('FORBIDDEN');

    await call(t.api, 'PATCH', '/organization-settings', { token: owner.accessToken, body: { invites_enabled: true } });
    expect((await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email: freshEmail(), role: 'viewer' } })).status).toBe(201);
  });
});

describe('audit trail', () => {
  let owner: Account;
  beforeAll(async () => {
    owner = await register(t.api);
  });

  it('records a role change as UPDATE_USER with the actor, the address and diff {role:{from,to}}', async () => {
    const engineer = await inviteMember(t.api, owner, 'engineer');
    await call(t.api, 'PATCH', `/users/${engineer.userId}`, { token: owner.accessToken, body: { role: 'admin' } });
    const events = await auditEvents(owner, `action=UPDATE_USER&resource_id=${engineer.userId}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ action: 'UPDATE_USER', actor_user_id: owner.userId, ip: expect.stringMatching(/127\.0\.0\.1|::1/) });
    expect(events[0]!.meta.diff).toEqual({ role: { from: 'engineer', to: 'admin' } });
    expect(events[0]!.meta.changed_fields).toEqual(['role']);
  });

  it('records a role change through /me/members the same way', async () => {
    const viewer = await inviteMember(t.api, owner, 'viewer');
    await call(t.api, 'PATCH', `/me/members/${viewer.userId}`, { token: owner.accessToken, body: { role: 'engineer' } });
    const events = await auditEvents(owner, `action=UPDATE_USER&resource_id=${viewer.userId}`);
    expect(events.map((e) => e.meta.diff)).toEqual([{ role: { from: 'viewer', to: 'engineer' } }]);
  });

  it('writes nothing for a refused change', async () => {
    const response = await call(t.api, 'PATCH', `/users/${owner.userId}`, { token: owner.accessToken, body: { role: 'viewer' } });
    expect(response.body.code).toBe('SOLE_OWNER');
    expect(await auditEvents(owner, `action=UPDATE_USER&resource_id=${owner.userId}`)).toEqual([]);
  });

  it('records a removal as DELETE_USER with a snapshot of the person', async () => {
    const engineer = await inviteMember(t.api, owner, 'engineer');
    await call(t.api, 'DELETE', `/users/${engineer.userId}`, { token: owner.accessToken });
    const events = await auditEvents(owner, `action=DELETE_USER&resource_id=${engineer.userId}`);
    expect(events).toHaveLength(1);
    expect(events[0]).toMatchObject({ actor_user_id: owner.userId, ip: expect.any(String) });
    expect(events[0]!.meta.snapshot).toMatchObject({ email: engineer.email, role: 'engineer' });
  });

  it('records creating, accepting and revoking invites', async () => {
    const email = freshEmail();
    const invite = await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email, role: 'viewer' } });
    const token = await mailedToken(t.api, owner.accessToken, email, /invited/i);
    const accepted = await call(t.api, 'POST', '/auth/accept-invite', { body: { token, name: 'Newcomer', password: 'newcomer password 1' } });
    const other = await call(t.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email: freshEmail(), role: 'viewer' } });
    await call(t.api, 'DELETE', `/me/invites/${other.body.id}`, { token: owner.accessToken });

    const created = await auditEvents(owner, `action=CREATE_INVITE&resource_id=${invite.body.id}`);
    expect(created).toEqual([expect.objectContaining({ actor_user_id: owner.userId, ip: expect.any(String) })]);
    expect(created[0]!.meta).toMatchObject({ email, role: 'viewer' });
    const joined = await auditEvents(owner, `action=ACCEPT_INVITE&resource_id=${invite.body.id}`);
    expect(joined).toEqual([expect.objectContaining({ actor_user_id: accepted.body.user.id })]);
    const revoked = await auditEvents(owner, `action=REVOKE_INVITE&resource_id=${other.body.id}`);
    expect(revoked).toEqual([expect.objectContaining({ actor_user_id: owner.userId, ip: expect.any(String) })]);
    const everything = await call(t.api, 'GET', '/audit?limit=1000', { token: owner.accessToken });
    expect(everything.text).not.toContain(token);
  });
});

describe('with a clock the test moves', () => {
  let c: TestServer & { clock: ManualClock };
  beforeAll(async () => {
    c = await startClockedTestServer();
  });
  afterAll(async () => c.stop());

  it('expires an invite after seven days: 422 INVALID_ONE_TIME_TOKEN, listed as expired', async () => {
    const owner = await register(c.api);
    const email = freshEmail();
    await call(c.api, 'POST', '/me/invites', { token: owner.accessToken, body: { email, role: 'viewer' } });
    const token = await mailedToken(c.api, owner.accessToken, email, /invited/i);
    c.clock.advance(7 * 24 * 3600 + 1);

    const accepted = await call(c.api, 'POST', '/auth/accept-invite', { body: { token, name: 'Too late', password: 'too late password' } });
    expect(accepted.status).toBe(422);
    expect(accepted.body.code).toBe('INVALID_ONE_TIME_TOKEN');
    // The owner's access token has expired with the jump; a fresh login reads the list.
    const session = await call(c.api, 'POST', '/auth/login', { body: { email: owner.email, password: owner.password } });
    const list = await call(c.api, 'GET', '/me/invites', { token: session.body.access_token });
    expect(list.body.data).toEqual([expect.objectContaining({ email, status: 'expired' })]);
  });
});
