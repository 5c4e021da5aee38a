import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac } from 'node:crypto';
import { createSigner } from 'fast-jwt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_RATE_LIMITS } from '../../config';
import {
  call, mailedToken, outbox, register, startClockedTestServer, startTestServer,
  type Account, type ManualClock, type TestServer,
} from '../../testing/harness';

let t: TestServer;
beforeAll(async () => {
  // Every anonymous call of this file comes from 127.0.0.1; the limiter itself is tested in server/http.
  t = await startTestServer({ rateLimits: { ...DEFAULT_RATE_LIMITS, anonymous: 10_000 } });
});
afterAll(async () => t.stop());

let counter = 0;
const freshEmail = (tag = 'auth') => `${tag}${Date.now()}${++counter}@example.com`;

const login = (email: string, password: string) => call(t.api, 'POST', '/auth/login', { body: { email, password } });
const me = (token: string) => call(t.api, 'GET', '/auth/me', { token });

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8')) as Record<string, unknown>;
}

const serverKey = (server: TestServer): Buffer => Buffer.from(readFileSync(join(server.dataDir, 'secrets', 'jwt.key'), 'utf8').trim(), 'base64');

/** A token signed with the server's own key: only the part a test changes can make it fail. */
function forge(claims: Record<string, unknown>, algorithm: 'HS256' | 'HS512' = 'HS256'): string {
  return createSigner({ key: serverKey(t), algorithm, noTimestamp: true })(claims);
}

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('register', () => {
  it('creates an account and an organization that the new user owns', async () => {
    const email = freshEmail();
    const response = await call(t.api, 'POST', '/auth/register', { body: { email, password: 'a long enough password', name: 'Ada' } });
    expect(response.status).toBe(201);
    expect(response.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, user: { email, name: 'Ada', role: 'owner' } });
    expect(response.body.organization).toMatchObject({ id: expect.any(String), name: "Ada's organization", slug: expect.any(String) });

    const profile = await me(response.body.access_token);
    expect(profile.status).toBe(200);
    expect(profile.body).toMatchObject({ id: response.body.user.id, role: 'owner', organization: { id: response.body.organization.id } });
    const users = await call(t.api, 'GET', '/users', { token: response.body.access_token });
    expect(users.body.data).toEqual([expect.objectContaining({ id: response.body.user.id, role: 'owner', org_id: response.body.organization.id })]);
  });

  it('names the organization after organization_name', async () => {
    const response = await call(t.api, 'POST', '/auth/register', {
      body: { email: freshEmail(), password: 'a long enough password', name: 'Grace', organization_name: 'Night Owls Ltd' },
    });
    expect(response.status).toBe(201);
    expect(response.body.organization.name).toBe('Night Owls Ltd');
    expect((await me(response.body.access_token)).body.organization.name).toBe('Night Owls Ltd');
  });

  it('refuses an email that is already registered, in any letter case, with 409 EMAIL_TAKEN', async () => {
    const owner = await register(t.api);
    const response = await call(t.api, 'POST', '/auth/register', { body: { email: owner.email.toUpperCase(), password: 'another password 123', name: 'Copy' } });
    expect(response.status).toBe(409);
    expect(response.body.code).toBe('EMAIL_TAKEN');
  });

  it('answers 422 VALIDATION_FAILED with one field entry per problem', async () => {
    const response = await call(t.api, 'POST', '/auth/register', { body: { email: 'not-an-email', password: 'short' } });
    expect(response.status).toBe(422);
    expect(response.body).toMatchObject({ code: 'VALIDATION_FAILED', status_code: 422 });
    const paths = (response.body.fields as { path: string }[]).map((f) => f.path).sort();
    expect(paths).toEqual(['email', 'name', 'password']);
  });

  it('answers 403 REGISTRATION_DISABLED when the server does not allow registration', async () => {
    const closed = await startTestServer({ allowRegistration: false });
    try {
      const response = await call(closed.api, 'POST', '/auth/register', { body: { email: freshEmail(), password: 'a long enough password', name: 'Late' } });
      expect(response.status).toBe(403);
      expect(response.body.code).toBe('REGISTRATION_DISABLED');
    } finally {
      await closed.stop();
    }
  });
});

describe('login', () => {
  it('answers a JSON login with exactly 001\'s shape', async () => {
    const owner = await register(t.api);
    const response = await login(owner.email, owner.password);
    expect(response.status).toBe(200);
    expect(Object.keys(response.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type', 'user']);
    expect(response.body).toEqual({
      access_token: expect.any(String),
      refresh_token: expect.any(String),
      token_type: 'bearer',
      expires_in: 3600,
      user: { id: owner.userId, email: owner.email, name: 'Owner', role: 'owner' },
    });
    expect((await me(response.body.access_token)).body.id).toBe(owner.userId);
  });

  it('accepts the OAuth2 password form, where the email is called username', async () => {
    const owner = await register(t.api);
    const form = await call(t.api, 'POST', '/auth/login', {
      raw: new URLSearchParams({ username: owner.email, password: owner.password, grant_type: 'password' }).toString(),
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.status).toBe(200);
    expect(Object.keys(form.body).sort()).toEqual(['access_token', 'expires_in', 'refresh_token', 'token_type', 'user']);
    expect(form.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, user: { id: owner.userId, email: owner.email, role: 'owner' } });
    const profile = await me(form.body.access_token);
    expect(profile.body).toMatchObject({ id: owner.userId, organization: { id: owner.orgId, plan: 'self-hosted' } });
  });

  it('refuses a wrong password with 401 INVALID_CREDENTIALS', async () => {
    const owner = await register(t.api);
    const response = await login(owner.email, 'not the password');
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('INVALID_CREDENTIALS');
  });

  it('gives an unknown email exactly the answer a wrong password gets', async () => {
    const owner = await register(t.api);
    const wrong = await login(owner.email, 'not the password');
    const unknown = await login(freshEmail('nobody'), 'not the password');
    const { request_id: _a, ...wrongBody } = wrong.body;
    const { request_id: _b, ...unknownBody } = unknown.body;
    expect(unknown.status).toBe(wrong.status);
    expect(unknownBody).toEqual(wrongBody);
  });

  it('answers a password reset request identically for known and unknown emails, and mails only the known one', async () => {
    const owner = await register(t.api);
    const unknownEmail = freshEmail('nobody');
    const known = await call(t.api, 'POST', '/auth/password/reset', { body: { email: owner.email } });
    const unknown = await call(t.api, 'POST', '/auth/password/reset', { body: { email: unknownEmail } });
    expect(known.status).toBe(202);
    expect(unknown.status).toBe(202);
    expect(unknown.text).toBe(known.text);
    const mail = await outbox(t.api, owner.accessToken);
    expect(mail.filter((m) => /reset/i.test(m.subject)).map((m) => m.recipient)).toEqual([owner.email]);
  });
});

describe('lockout', () => {
  async function failFiveTimes(email: string) {
    for (let i = 0; i < 5; i++) expect((await login(email, `wrong password ${i}`)).body.code).toBe('INVALID_CREDENTIALS');
  }

  it('locks an account after five failures: the sixth attempt, even with the right password, is 423 with Retry-After', async () => {
    const owner = await register(t.api);
    await failFiveTimes(owner.email);
    const locked = await login(owner.email, owner.password);
    expect(locked.status).toBe(423);
    expect(locked.body.code).toBe('ACCOUNT_LOCKED');
    const retryAfter = Number(locked.headers.get('retry-after'));
    expect(retryAfter).toBeGreaterThan(0);
    expect(retryAfter).toBeLessThanOrEqual(15 * 60);
  });

  it('locks an unknown email the same way, so the lock does not reveal which emails exist', async () => {
    const owner = await register(t.api);
    const unknownEmail = freshEmail('nobody');
    await failFiveTimes(owner.email);
    await failFiveTimes(unknownEmail);
    const known = await login(owner.email, owner.password);
    const unknown = await login(unknownEmail, owner.password);
    expect(unknown.status).toBe(423);
    expect(unknown.body.code).toBe(known.body.code);
    expect(unknown.body.detail).toBe(known.body.detail);
    expect(unknown.headers.get('retry-after')).toEqual(expect.any(String));
  });

  it('lifts the lock when the person completes a password reset', async () => {
    const owner = await register(t.api);
    await failFiveTimes(owner.email);
    expect((await login(owner.email, owner.password)).status).toBe(423);

    await call(t.api, 'POST', '/auth/password/reset', { body: { email: owner.email } });
    const token = await mailedToken(t.api, owner.accessToken, owner.email, /reset/i);
    const confirmed = await call(t.api, 'POST', '/auth/password/reset/confirm', { body: { token, new_password: 'a brand new password' } });
    expect(confirmed.status).toBe(200);

    expect((await login(owner.email, 'a brand new password')).status).toBe(200);
  });
});

describe('password length', () => {
  it('accepts a 128-character password', async () => {
    const email = freshEmail();
    const password = 'p'.repeat(127) + '!';
    expect((await call(t.api, 'POST', '/auth/register', { body: { email, password, name: 'Long' } })).status).toBe(201);
    expect((await login(email, password)).status).toBe(200);
  });

  it('counts every character: two 120-character passwords differing only in the last are different', async () => {
    const email = freshEmail();
    const password = `${'x'.repeat(119)}A`;
    const almost = `${'x'.repeat(119)}B`;
    expect((await call(t.api, 'POST', '/auth/register', { body: { email, password, name: 'Long' } })).status).toBe(201);
    expect((await login(email, almost)).body.code).toBe('INVALID_CREDENTIALS');
    expect((await login(email, password)).status).toBe(200);
  });

  it('refuses a 129-character password with 422 at registration and at login', async () => {
    const register129 = await call(t.api, 'POST', '/auth/register', { body: { email: freshEmail(), password: 'p'.repeat(129), name: 'Too long' } });
    expect(register129.status).toBe(422);
    expect(register129.body.fields).toEqual([expect.objectContaining({ path: 'password' })]);
    const login129 = await login(freshEmail(), 'p'.repeat(129));
    expect(login129.status).toBe(422);
  });
});

describe('JWT attacks', () => {
  let owner: Account;
  let claims: Record<string, unknown>;
  beforeAll(async () => {
    owner = await register(t.api);
    claims = claimsOf(owner.accessToken);
  });

  it('accepts a genuine access token (the baseline every attack below alters)', async () => {
    expect((await me(owner.accessToken)).status).toBe(200);
    expect((await me(forge(claims))).status).toBe(200);
  });

  it('refuses alg:none with 401 INVALID_TOKEN', async () => {
    const unsigned = `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`;
    const response = await me(unsigned);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('INVALID_TOKEN');
  });

  it('refuses a token signed with the right key under HS512', async () => {
    const response = await me(forge(claims, 'HS512'));
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('INVALID_TOKEN');
  });

  it('refuses a token labelled RS256 whose signature is an HMAC with the server key', async () => {
    const unsigned = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
    const signature = createHmac('sha256', serverKey(t)).update(unsigned).digest('base64url');
    const response = await me(`${unsigned}.${signature}`);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('INVALID_TOKEN');
  });

  it('refuses a token whose payload was changed after signing', async () => {
    const other = await register(t.api);
    const [header, , signature] = owner.accessToken.split('.');
    for (const change of [{ sub: other.userId }, { org: other.orgId }, { role: 'owner', typ: 'access', sub: other.userId }]) {
      const response = await me(`${header}.${b64({ ...claims, ...change })}.${signature}`);
      expect(response.status).toBe(401);
      expect(response.body.code).toBe('INVALID_TOKEN');
    }
  });

  it('refuses an expired access token signed with the real key with 401 TOKEN_EXPIRED', async () => {
    const now = Math.floor(Date.now() / 1000);
    const response = await me(forge({ ...claims, iat: now - 7200, exp: now - 60 }));
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('TOKEN_EXPIRED');
  });

  it('refuses a refresh token presented as an access token', async () => {
    const response = await me(owner.refreshToken);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('INVALID_TOKEN');
  });

  it('refuses an access token presented as a refresh token', async () => {
    const response = await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: owner.accessToken } });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('INVALID_TOKEN');
  });
});

describe('refresh', () => {
  it('trades a refresh token for a new working pair', async () => {
    const owner = await register(t.api);
    const response = await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: owner.refreshToken } });
    expect(response.status).toBe(200);
    expect(response.body).toMatchObject({ token_type: 'bearer', expires_in: 3600, user: { id: owner.userId } });
    expect(response.body.refresh_token).not.toBe(owner.refreshToken);
    expect(response.body.access_token).not.toBe(owner.accessToken);
    expect((await me(response.body.access_token)).status).toBe(200);
    expect((await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: response.body.refresh_token } })).status).toBe(200);
  });

  it('treats a second use of a refresh token as theft: 401 REFRESH_TOKEN_REUSED and the whole family ends', async () => {
    const owner = await register(t.api);
    const rotated = await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: owner.refreshToken } });
    expect(rotated.status).toBe(200);
    expect((await me(rotated.body.access_token)).status).toBe(200);

    const reused = await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: owner.refreshToken } });
    expect(reused.status).toBe(401);
    expect(reused.body.code).toBe('REFRESH_TOKEN_REUSED');

    const newer = await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: rotated.body.refresh_token } });
    expect(newer.status).toBe(401);
    expect((await me(rotated.body.access_token)).status).toBe(401);
    expect((await me(owner.accessToken)).status).toBe(401);
  });

  it('leaves the person\'s other sessions alone when one family is revoked', async () => {
    const owner = await register(t.api);
    const other = await login(owner.email, owner.password);
    await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: owner.refreshToken } });
    await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: owner.refreshToken } });
    expect((await me(owner.accessToken)).status).toBe(401);
    expect((await me(other.body.access_token)).status).toBe(200);
  });
});

describe('logout', () => {
  it('revokes the session: its access token answers 401 TOKEN_REVOKED and its refresh token stops working', async () => {
    const owner = await register(t.api);
    const response = await call(t.api, 'POST', '/auth/logout', { token: owner.accessToken, body: {} });
    expect(response.status).toBe(200);
    const after = await me(owner.accessToken);
    expect(after.status).toBe(401);
    expect(after.body.code).toBe('TOKEN_REVOKED');
    expect((await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: owner.refreshToken } })).status).toBe(401);
  });

  it('clears both session cookies with an expiry in the past', async () => {
    const owner = await register(t.api);
    const response = await call(t.api, 'POST', '/auth/logout', { token: owner.accessToken, body: {} });
    const cookies = response.headers.getSetCookie();
    for (const name of ['nightshift_access', 'nightshift_refresh']) {
      const cookie = cookies.find((c) => c.startsWith(`${name}=`));
      expect(cookie, name).toBeDefined();
      const expires = /Expires=([^;]+)/i.exec(cookie!)?.[1];
      expect(expires && Date.parse(expires) < Date.now(), cookie).toBe(true);
    }
  });
});

describe('password change', () => {
  it('requires the current password: a wrong one is 422 INVALID_PASSWORD', async () => {
    const owner = await register(t.api);
    const response = await call(t.api, 'POST', '/auth/password/change', {
      token: owner.accessToken, body: { current_password: 'not my password', new_password: 'a brand new password' },
    });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('INVALID_PASSWORD');
    expect((await login(owner.email, owner.password)).status).toBe(200);
  });

  it('ends the person\'s other sessions and keeps the current one', async () => {
    const owner = await register(t.api);
    const elsewhere = await login(owner.email, owner.password);
    const response = await call(t.api, 'POST', '/me/change-password', {
      token: owner.accessToken, body: { current_password: owner.password, new_password: 'a brand new password' },
    });
    expect(response.status).toBe(200);
    const other = await me(elsewhere.body.access_token);
    expect(other.status).toBe(401);
    expect(other.body.code).toBe('TOKEN_REVOKED');
    expect((await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: elsewhere.body.refresh_token } })).status).toBe(401);
    expect((await me(owner.accessToken)).status).toBe(200);
  });

  it('lets the new password in and keeps the old one out', async () => {
    const owner = await register(t.api);
    await call(t.api, 'POST', '/auth/change-password', {
      token: owner.accessToken, body: { current_password: owner.password, new_password: 'a brand new password' },
    });
    expect((await login(owner.email, owner.password)).body.code).toBe('INVALID_CREDENTIALS');
    expect((await login(owner.email, 'a brand new password')).status).toBe(200);
  });
});

describe('email verification', () => {
  const verificationToken = (owner: Account) => mailedToken(t.api, owner.accessToken, owner.email, /verify/i);

  it('verifies the address with the mailed token', async () => {
    const owner = await register(t.api);
    expect((await me(owner.accessToken)).body.email_verified).toBe(false);
    const token = await verificationToken(owner);
    const response = await call(t.api, 'POST', '/auth/verify-email', { body: { token } });
    expect(response.status).toBe(200);
    expect((await me(owner.accessToken)).body.email_verified).toBe(true);
  });

  it('accepts each verification token once: the second use is 422 INVALID_ONE_TIME_TOKEN', async () => {
    const owner = await register(t.api);
    const token = await verificationToken(owner);
    expect((await call(t.api, 'POST', '/auth/verify-email', { body: { token } })).status).toBe(200);
    const again = await call(t.api, 'POST', '/auth/verify-email', { body: { token } });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('INVALID_ONE_TIME_TOKEN');
  });

  it('resends a fresh link that works, and the earlier link stops working', async () => {
    const owner = await register(t.api);
    const first = await verificationToken(owner);
    const resent = await call(t.api, 'POST', '/auth/resend-verification', { token: owner.accessToken, body: {} });
    expect(resent.status).toBe(202);
    const second = await verificationToken(owner);
    expect(second).not.toBe(first);
    expect((await call(t.api, 'POST', '/auth/verify-email', { body: { token: first } })).body.code).toBe('INVALID_ONE_TIME_TOKEN');
    expect((await call(t.api, 'POST', '/auth/verify-email', { body: { token: second } })).status).toBe(200);
    expect((await me(owner.accessToken)).body.email_verified).toBe(true);
  });

  it('refuses a made-up token with 422 INVALID_ONE_TIME_TOKEN', async () => {
    const response = await call(t.api, 'POST', '/auth/verify-email', { body: { token: 'x'.repeat(43) } });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('INVALID_ONE_TIME_TOKEN');
  });
});

describe('password reset', () => {
  async function resetToken(owner: Account, path = '/auth/password/reset'): Promise<string> {
    expect((await call(t.api, 'POST', path, { body: { email: owner.email } })).status).toBe(202);
    return mailedToken(t.api, owner.accessToken, owner.email, /reset/i);
  }

  it('sets the new password with the mailed token; the old password stops working', async () => {
    const owner = await register(t.api);
    const token = await resetToken(owner);
    const response = await call(t.api, 'POST', '/auth/password/reset/confirm', { body: { token, new_password: 'a brand new password' } });
    expect(response.status).toBe(200);
    expect((await login(owner.email, owner.password)).body.code).toBe('INVALID_CREDENTIALS');
    expect((await login(owner.email, 'a brand new password')).status).toBe(200);
  });

  it('ends every session of the account', async () => {
    const owner = await register(t.api);
    const token = await resetToken(owner);
    await call(t.api, 'POST', '/auth/password/reset/confirm', { body: { token, new_password: 'a brand new password' } });
    const response = await me(owner.accessToken);
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('TOKEN_REVOKED');
    expect((await call(t.api, 'POST', '/auth/refresh', { body: { refresh_token: owner.refreshToken } })).status).toBe(401);
  });

  it('accepts each reset token once', async () => {
    const owner = await register(t.api);
    const token = await resetToken(owner);
    expect((await call(t.api, 'POST', '/auth/password/reset/confirm', { body: { token, new_password: 'a brand new password' } })).status).toBe(200);
    const again = await call(t.api, 'POST', '/auth/password/reset/confirm', { body: { token, new_password: 'yet another password' } });
    expect(again.status).toBe(422);
    expect(again.body.code).toBe('INVALID_ONE_TIME_TOKEN');
    expect((await login(owner.email, 'a brand new password')).status).toBe(200);
  });

  it('works through 002\'s /auth/forgot-password and /auth/reset-password', async () => {
    const owner = await register(t.api);
    const token = await resetToken(owner, '/auth/forgot-password');
    const response = await call(t.api, 'POST', '/auth/reset-password', { body: { token, password: 'a brand new password' } });
    expect(response.status).toBe(200);
    expect((await login(owner.email, 'a brand new password')).status).toBe(200);
  });
});

describe('GET /me (002)', () => {
  it('returns the user, their organization, the plan and the quota', async () => {
    const owner = await register(t.api);
    const response = await call(t.api, 'GET', '/me', { token: owner.accessToken });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({
      user: expect.objectContaining({ id: owner.userId, email: owner.email, role: 'owner', org_id: owner.orgId }),
      organization: expect.objectContaining({ id: owner.orgId, name: expect.any(String), slug: expect.any(String) }),
      plan: { name: 'self-hosted', self_hosted: true },
      quota: { users: { used: 1, limit: null }, api_keys: { used: 0, limit: null } },
    });
  });
});

describe('cookie session', () => {
  async function cookieLogin() {
    const owner = await register(t.api);
    const response = await login(owner.email, owner.password);
    const cookies = response.headers.getSetCookie();
    const access = cookies.find((c) => c.startsWith('nightshift_access='))!;
    return { owner, cookies, header: access.split(';')[0]! };
  }

  it('sets HttpOnly, SameSite=Strict cookies on login', async () => {
    const { cookies } = await cookieLogin();
    const access = cookies.find((c) => c.startsWith('nightshift_access='));
    const refresh = cookies.find((c) => c.startsWith('nightshift_refresh='));
    for (const cookie of [access, refresh]) {
      expect(cookie).toBeDefined();
      expect(cookie).toMatch(/;\s*HttpOnly/i);
      expect(cookie).toMatch(/;\s*SameSite=Strict/i);
    }
    expect(access).toMatch(/;\s*Path=\/(;|$)/);
    expect(refresh).toMatch(/;\s*Path=\/api\/v1\/auth/);
  });

  it('authenticates a GET that carries only the cookie', async () => {
    const { owner, header } = await cookieLogin();
    const response = await call(t.api, 'GET', '/auth/me', { headers: { cookie: header } });
    expect(response.status).toBe(200);
    expect(response.body.id).toBe(owner.userId);
  });

  it('refuses a cookie-authenticated change from a foreign Origin with 403, and allows it from its own', async () => {
    const { header } = await cookieLogin();
    const foreign = await call(t.api, 'PUT', '/auth/me', { headers: { cookie: header, origin: 'https://evil.example' }, body: { name: 'Mallory' } });
    expect(foreign.status).toBe(403);
    expect(foreign.body.code).toBe('FORBIDDEN');
    const own = await call(t.api, 'PUT', '/auth/me', { headers: { cookie: header, origin: t.url }, body: { name: 'Renamed' } });
    expect(own.status).toBe(200);
    expect(own.body.name).toBe('Renamed');
  });
});

describe('with a clock the test moves', () => {
  let c: TestServer & { clock: ManualClock };
  beforeAll(async () => {
    c = await startClockedTestServer();
  });
  afterAll(async () => c.stop());

  const clockedLogin = (email: string, password: string) => call(c.api, 'POST', '/auth/login', { body: { email, password } });

  it('lifts a lockout by itself after 15 minutes', async () => {
    const owner = await register(c.api);
    for (let i = 0; i < 5; i++) await clockedLogin(owner.email, 'wrong password');
    c.clock.advance(14 * 60);
    expect((await clockedLogin(owner.email, owner.password)).status).toBe(423);
    c.clock.advance(60 + 1);
    expect((await clockedLogin(owner.email, owner.password)).status).toBe(200);
  });

  it('expires an access token after an hour while its refresh token still works', async () => {
    const owner = await register(c.api);
    c.clock.advance(3600 + 1);
    const expired = await call(c.api, 'GET', '/auth/me', { token: owner.accessToken });
    expect(expired.status).toBe(401);
    expect(expired.body.code).toBe('TOKEN_EXPIRED');
    const refreshed = await call(c.api, 'POST', '/auth/refresh', { body: { refresh_token: owner.refreshToken } });
    expect(refreshed.status).toBe(200);
    expect((await call(c.api, 'GET', '/auth/me', { token: refreshed.body.access_token })).status).toBe(200);
  });

  it('expires a refresh token after seven days', async () => {
    const owner = await register(c.api);
    c.clock.advance(7 * 24 * 3600 + 1);
    const response = await call(c.api, 'POST', '/auth/refresh', { body: { refresh_token: owner.refreshToken } });
    expect(response.status).toBe(401);
    expect(response.body.code).toBe('TOKEN_EXPIRED');
  });

  it('refuses a password reset token after an hour', async () => {
    const owner = await register(c.api);
    await call(c.api, 'POST', '/auth/password/reset', { body: { email: owner.email } });
    const token = await mailedToken(c.api, owner.accessToken, owner.email, /reset/i);
    c.clock.advance(3600 + 1);
    const response = await call(c.api, 'POST', '/auth/password/reset/confirm', { body: { token, new_password: 'a brand new password' } });
    expect(response.status).toBe(422);
    expect(response.body.code).toBe('INVALID_ONE_TIME_TOKEN');
  });
});
