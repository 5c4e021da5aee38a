import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { IdParams } from '../../http/schemas';
import { Invite, InviteCreate, InvitePage, ListQuery, Member, MemberPage, MemberParams, MemberPatch, User, UserPage, UserPatch } from './users.schemas';
import type { UserService } from './users.service';

export function userRoutes(users: UserService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Users'];
    const page = (q: { limit?: number; offset?: number }) => [q.limit ?? 25, q.offset ?? 0] as const;

    app.get('/users', {
      schema: { tags, summary: 'People in the organization', querystring: ListQuery, response: { 200: UserPage } },
      config: { scope: 'users:read' },
    }, async (request) => users.list(request.principal!, ...page(request.query)));

    app.get('/users/:id', {
      schema: { tags, summary: 'One person', params: IdParams, response: { 200: User } },
      config: { scope: 'users:read' },
    }, async (request) => users.get(request.principal!, request.params.id));

    app.patch('/users/:id', {
      schema: { tags, summary: 'Rename a person or change their role (admins; owners for the owner role)', params: IdParams, body: UserPatch, response: { 200: User } },
      config: { scope: 'users:write', errors: ['SOLE_OWNER'] },
    }, async (request) => users.update(contextOf(request), request.principal!, request.params.id, request.body));

    app.delete('/users/:id', {
      schema: { tags, summary: 'Remove a person from the organization; their sessions and API keys stop at once', params: IdParams, response: { 204: Type.Null() } },
      config: { scope: 'users:write', errors: ['SOLE_OWNER'] },
    }, async (request, reply) => {
      users.remove(contextOf(request), request.principal!, request.params.id);
      return reply.code(204).send(null);
    });

    const memberTags = ['Members and invites'];
    app.get('/me/members', {
      schema: { tags: memberTags, summary: 'Members of my organization (24observe)', querystring: ListQuery, response: { 200: MemberPage } },
      config: { scope: 'members:read' },
    }, async (request) => users.members(request.principal!, ...page(request.query)));

    app.patch('/me/members/:userId', {
      schema: { tags: memberTags, summary: 'Change a member\'s role (owner only; the sole owner cannot be demoted)', params: MemberParams, body: MemberPatch, response: { 200: Member } },
      config: { scope: 'members:write', role: 'owner', errors: ['SOLE_OWNER'] },
    }, async (request) => {
      const user = users.update(contextOf(request), request.principal!, request.params.userId, { role: request.body.role });
      return { user_id: user.id, email: user.email, name: user.name, role: user.role, joined_at: user.created_at };
    });

    app.get('/me/invites', {
      schema: { tags: memberTags, summary: 'Invitations of my organization', querystring: ListQuery, response: { 200: InvitePage } },
      config: { scope: 'invites:read', role: 'admin' },
    }, async (request) => users.listInvites(request.principal!, ...page(request.query)));

    app.post('/me/invites', {
      schema: { tags: memberTags, summary: 'Invite someone by email; the join link goes by mail (or the local outbox)', body: InviteCreate, response: { 201: Invite } },
      config: { scope: 'invites:write', role: 'admin', errors: ['EMAIL_TAKEN'] },
    }, async (request, reply) => reply.code(201).send(users.createInvite(contextOf(request), request.principal!, request.body)));

    app.delete('/me/invites/:id', {
      schema: { tags: memberTags, summary: 'Withdraw an invitation', params: IdParams, response: { 204: Type.Null() } },
      config: { scope: 'invites:write', role: 'admin' },
    }, async (request, reply) => {
      users.revokeInvite(contextOf(request), request.principal!, request.params.id);
      return reply.code(204).send(null);
    });
  };
}
