import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { SecretListQuery, SecretNameParams, SecretPage, SecretPut } from './secrets.schemas';
import type { SecretService } from './secrets.service';

export function secretRoutes(secrets: SecretService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Secrets'];

    app.get('/secrets', {
      schema: {
        tags, summary: 'The names of the organization\'s secrets (for runbook steps), sorted; never their values',
        querystring: SecretListQuery, response: { 200: SecretPage },
      },
      config: { scope: 'secrets:read', role: 'engineer', errors: ['SECRET_STORE_UNAVAILABLE'] },
    }, async (request) => secrets.list(request.principal!, request.query));

    app.put('/secrets/:name', {
      schema: {
        tags, summary: 'Set a secret (created or replaced); runbook steps reference it as {secret: name}',
        params: SecretNameParams, body: SecretPut, response: { 204: Type.Null() },
      },
      config: { scope: 'secrets:write', role: 'admin', errors: ['SECRET_STORE_UNAVAILABLE'] },
    }, async (request, reply) => {
      await secrets.put(contextOf(request), request.principal!, request.params.name, request.body.value);
      return reply.code(204).send(null);
    });

    app.delete('/secrets/:name', {
      schema: { tags, summary: 'Delete a secret; steps that reference it fail until it is set again', params: SecretNameParams, response: { 204: Type.Null() } },
      config: { scope: 'secrets:write', role: 'admin', errors: ['NOT_FOUND', 'SECRET_STORE_UNAVAILABLE'] },
    }, async (request, reply) => {
      await secrets.remove(contextOf(request), request.principal!, request.params.name);
      return reply.code(204).send(null);
    });
  };
}
