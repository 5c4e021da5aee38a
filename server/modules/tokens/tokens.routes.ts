import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { IdParams } from '../../http/schemas';
import { CreatedToken, TokenCreate, TokenListQuery, TokenPage } from './tokens.schemas';
import type { TokenService } from './tokens.service';

/** `/api-keys` (Overwatch, ChatOps) and `/me/tokens` (24observe): two doors to one model. */
export function tokenRoutes(tokens: TokenService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['API keys'];
    const mounts = [
      { base: '/api-keys', mine: false, summary: 'API key' },
      { base: '/me/tokens', mine: true, summary: 'personal access token' },
    ];
    for (const { base, mine, summary } of mounts) {
      app.get(base, {
        schema: { tags, summary: mine ? 'List my personal access tokens' : 'List API keys (admins see the whole organization)', querystring: TokenListQuery, response: { 200: TokenPage } },
        config: { scope: 'tokens:read' },
      }, async (request) => tokens.list(request.principal!, { mine, limit: request.query.limit ?? 25, offset: request.query.offset ?? 0 }));

      app.post(base, {
        schema: { tags, summary: `Create an ${summary}; the secret is in "token", shown once`, body: TokenCreate, response: { 201: CreatedToken } },
        config: { scope: 'tokens:write', errors: ['INVALID_SCOPE'] },
      }, async (request, reply) => reply.code(201).send(tokens.create(contextOf(request), request.principal!, request.body)));

      app.delete(`${base}/:id`, {
        schema: { tags, summary: `Revoke an ${summary}; it stops working at once`, params: IdParams, response: { 204: Type.Null() } },
        config: { scope: 'tokens:write' },
      }, async (request, reply) => {
        tokens.revoke(contextOf(request), request.principal!, request.params.id);
        return reply.code(204).send(null);
      });
    }

    app.get('/api-keys/me', {
      schema: { tags, summary: 'List my API keys (ChatOps)', querystring: TokenListQuery, response: { 200: TokenPage } },
      config: { scope: 'tokens:read' },
    }, async (request) => tokens.list(request.principal!, { mine: true, limit: request.query.limit ?? 25, offset: request.query.offset ?? 0 }));
  };
}
