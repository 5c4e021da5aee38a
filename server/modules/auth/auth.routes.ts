import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ACCESS_COOKIE, REFRESH_COOKIE } from '../../http/auth';
import { AppError } from '../../http/errors';
import { contextOf } from '../../http/principal';
import { Ok } from '../../http/schemas';
import type { UserService } from '../users';
import {
  AcceptInviteBody, AccountResponse, EmailBody, LoginBody, MeResponse, OptionalEmailBody, PasswordChangeBody, ProfileBody,
  RefreshBody, RegisterBody, RegisterResponse, ResetConfirmBody, TokenBody, TokenResponse,
} from './auth.schemas';
import type { AuthService, IssuedSession } from './auth.service';

export interface Usage {
  users: number;
  api_keys: number;
}

const REFRESH_PATH = '/api/v1/auth';

/** The console keeps its session in HttpOnly cookies; API clients use the tokens in the body. */
function setSessionCookies(request: FastifyRequest, reply: FastifyReply, session: IssuedSession): void {
  const secure = request.protocol === 'https';
  reply.setCookie(ACCESS_COOKIE, session.access_token, { httpOnly: true, sameSite: 'strict', secure, path: '/', maxAge: session.expires_in });
  reply.setCookie(REFRESH_COOKIE, session.refresh_token, { httpOnly: true, sameSite: 'strict', secure, path: REFRESH_PATH, maxAge: session.refresh_expires_in });
}

function clearSessionCookies(reply: FastifyReply): void {
  reply.clearCookie(ACCESS_COOKIE, { path: '/' });
  reply.clearCookie(REFRESH_COOKIE, { path: REFRESH_PATH });
}

const respond = ({ refresh_expires_in: _, ...body }: IssuedSession) => body;

export function authRoutes(auth: AuthService, users: UserService, usage: (orgId: string) => Usage): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Auth'];
    const anonymous = { auth: 'public', rateLimit: 'anonymous' } as const;

    app.post('/auth/register', {
      schema: { tags, summary: 'Create an account and an organization you own', body: RegisterBody, response: { 201: RegisterResponse } },
      config: { ...anonymous, errors: ['EMAIL_TAKEN', 'REGISTRATION_DISABLED', 'WEAK_PASSWORD'] },
    }, async (request, reply) => {
      const session = await auth.register(contextOf(request), request.body);
      setSessionCookies(request, reply, session);
      const { refresh_expires_in: _, ...body } = session;
      return reply.code(201).send(body);
    });

    app.post('/auth/login', {
      schema: { tags, summary: 'Log in with email and password (JSON, or the OAuth2 password form with username)', body: LoginBody, response: { 200: TokenResponse } },
      config: { ...anonymous, accepts: ['json', 'form'], errors: ['INVALID_CREDENTIALS', 'ACCOUNT_LOCKED'] },
    }, async (request, reply) => {
      const email = request.body.email ?? request.body.username;
      if (!email) throw new AppError('VALIDATION_FAILED', 'email is required', [{ path: 'email', code: 'required', message: 'is required' }]);
      const session = await auth.login(contextOf(request), email, request.body.password);
      setSessionCookies(request, reply, session);
      return respond(session);
    });

    app.post('/auth/refresh', {
      schema: { tags, summary: 'Trade a refresh token for a new pair; each refresh token works once', body: RefreshBody, response: { 200: TokenResponse } },
      config: { ...anonymous, errors: ['INVALID_TOKEN', 'TOKEN_EXPIRED', 'TOKEN_REVOKED', 'REFRESH_TOKEN_REUSED'] },
    }, async (request, reply) => {
      const token = request.body?.refresh_token ?? request.cookies[REFRESH_COOKIE];
      if (!token) throw new AppError('UNAUTHENTICATED', 'Send refresh_token in the body');
      const session = auth.refresh(contextOf(request), token);
      setSessionCookies(request, reply, session);
      return respond(session);
    });

    app.post('/auth/logout', {
      schema: { tags, summary: 'End the session and clear its cookies', body: RefreshBody, response: { 200: Ok } },
      config: { auth: 'optional' },
    }, async (request, reply) => {
      auth.logout(contextOf(request), request.principal, request.body?.refresh_token ?? request.cookies[REFRESH_COOKIE]);
      clearSessionCookies(reply);
      return { ok: true, message: 'Logged out' };
    });

    app.get('/auth/me', {
      schema: { tags, summary: 'The signed-in person and their organization', response: { 200: MeResponse } },
      config: { scope: 'users:read' },
    }, async (request) => auth.me(request.principal!));

    app.put('/auth/me', {
      schema: { tags, summary: 'Update my profile (ChatOps)', body: ProfileBody, response: { 200: MeResponse } },
      config: { scope: 'users:write' },
    }, async (request) => {
      const principal = request.principal!;
      users.update(contextOf(request), principal, principal.userId, { ...(request.body.name ? { name: request.body.name } : {}) });
      return auth.me(principal);
    });

    app.get('/me', {
      schema: { tags, summary: 'Me with plan and quota (24observe)', response: { 200: AccountResponse } },
      config: { scope: 'users:read' },
    }, async (request) => {
      const principal = request.principal!;
      const me = auth.me(principal);
      const { organization, ...user } = me;
      const used = usage(principal.orgId);
      return {
        user,
        organization: { id: organization.id, name: organization.name, slug: organization.slug, created_at: me.created_at },
        plan: { name: organization.plan, self_hosted: true },
        quota: { users: { used: used.users, limit: null }, api_keys: { used: used.api_keys, limit: null } },
      };
    });

    for (const url of ['/auth/password/change', '/auth/change-password', '/me/change-password']) {
      app.post(url, {
        schema: { tags, summary: 'Change my password (the current one is required); my other sessions end', body: PasswordChangeBody, response: { 200: Ok } },
        config: { errors: ['INVALID_PASSWORD'] },
      }, async (request) => {
        await auth.changePassword(contextOf(request), request.principal!, request.body);
        return { ok: true, message: 'Password changed; other sessions were ended' };
      });
    }

    for (const url of ['/auth/password/reset', '/auth/forgot-password']) {
      app.post(url, {
        schema: { tags, summary: 'Mail a password reset link (same answer whether or not the email exists)', body: EmailBody, response: { 202: Ok } },
        config: anonymous,
      }, async (request, reply) => {
        auth.requestPasswordReset(contextOf(request), request.body.email);
        return reply.code(202).send({ ok: true, message: 'If an account exists for this email, a reset link is on its way' });
      });
    }

    for (const url of ['/auth/password/reset/confirm', '/auth/reset-password']) {
      app.post(url, {
        schema: { tags, summary: 'Set a new password with the mailed token; every session of the account ends', body: ResetConfirmBody, response: { 200: Ok } },
        config: { ...anonymous, errors: ['INVALID_ONE_TIME_TOKEN'] },
      }, async (request) => {
        await auth.confirmPasswordReset(contextOf(request), request.body);
        return { ok: true, message: 'Password reset; log in with the new password' };
      });
    }

    app.post('/auth/verify-email', {
      schema: { tags, summary: 'Confirm an email address with the mailed token', body: TokenBody, response: { 200: Ok } },
      config: { ...anonymous, errors: ['INVALID_ONE_TIME_TOKEN'] },
    }, async (request) => {
      auth.verifyEmail(contextOf(request), request.body.token);
      return { ok: true, message: 'Email verified' };
    });

    app.post('/auth/resend-verification', {
      schema: { tags, summary: 'Send the verification link again (signed in, or by email)', body: OptionalEmailBody, response: { 202: Ok } },
      config: { auth: 'optional', rateLimit: 'anonymous' },
    }, async (request, reply) => {
      auth.resendVerification(contextOf(request), request.principal, request.body?.email);
      return reply.code(202).send({ ok: true, message: 'If the address is not verified yet, a new link is on its way' });
    });

    app.post('/auth/bootstrap', {
      schema: { tags, summary: 'Desktop only: trade the one-time bootstrap token for a session of the local owner', body: TokenBody, response: { 200: TokenResponse } },
      config: { ...anonymous, errors: ['INVALID_TOKEN'] },
    }, async (request, reply) => {
      const session = await auth.bootstrap(contextOf(request), request.body.token);
      setSessionCookies(request, reply, session);
      return respond(session);
    });

    app.post('/auth/accept-invite', {
      schema: { tags, summary: 'Join an organization with an invitation token; answers like login', body: AcceptInviteBody, response: { 201: TokenResponse } },
      config: { ...anonymous, errors: ['INVALID_ONE_TIME_TOKEN', 'EMAIL_TAKEN'] },
    }, async (request, reply) => {
      const session = await auth.acceptInvite(contextOf(request), request.body);
      setSessionCookies(request, reply, session);
      return reply.code(201).send(respond(session));
    });
  };
}
