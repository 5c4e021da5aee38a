import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { IdParams } from '../../http/schemas';
import {
  Integration, IntegrationCreate, IntegrationListQuery, IntegrationPage, IntegrationPatch, IntegrationWithSecret, platformCreate,
  PlatformListQuery, SETTINGS_PLATFORMS,
} from './integrations.schemas';
import type { IntegrationService } from './integrations.service';

/** Where this request reached us: the base of webhook URLs when no public URL is configured. */
export const originOf = (request: FastifyRequest): string => `${request.protocol}://${request.host}`;

export function integrationRoutes(integrations: IntegrationService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Integrations'];

    app.get('/integrations', {
      schema: { tags, summary: 'Integrations that send alerts in, newest first', querystring: IntegrationListQuery, response: { 200: IntegrationPage } },
      config: { scope: 'integrations:read' },
    }, async (request) => integrations.list(request.principal!, request.query, originOf(request)));

    app.post('/integrations', {
      schema: {
        tags,
        summary: 'Add an integration; the answer holds its secret and complete webhook_url, shown once',
        body: IntegrationCreate,
        response: { 201: IntegrationWithSecret },
      },
      config: { scope: 'integrations:write', role: 'admin' },
    }, async (request, reply) => reply.code(201).send(integrations.create(contextOf(request), request.principal!, request.body, originOf(request))));

    for (const platform of SETTINGS_PLATFORMS) {
      app.get(`/integrations/${platform}`, {
        schema: { tags, summary: `The ${platform} integrations`, querystring: PlatformListQuery, response: { 200: IntegrationPage } },
        config: { scope: 'integrations:read' },
      }, async (request) => integrations.list(request.principal!, { ...request.query, platform }, originOf(request)));

      app.post(`/integrations/${platform}`, {
        schema: {
          tags,
          summary: `Add a ${platform} integration with its settings; credentials are write-only`,
          body: platformCreate(platform),
          response: { 201: IntegrationWithSecret },
        },
        config: { scope: 'integrations:write', role: 'admin' },
      }, async (request, reply) =>
        reply.code(201).send(integrations.create(contextOf(request), request.principal!, { ...request.body, platform }, originOf(request))));
    }

    app.get('/integrations/:id', {
      schema: { tags, summary: 'One integration (its secret is never shown again)', params: IdParams, response: { 200: Integration } },
      config: { scope: 'integrations:read' },
    }, async (request) => integrations.get(request.principal!, request.params.id, originOf(request)));

    app.patch('/integrations/:id', {
      schema: { tags, summary: 'Rename, enable or disable, change routing, signing secret or settings', params: IdParams, body: IntegrationPatch, response: { 200: Integration } },
      config: { scope: 'integrations:write', role: 'admin' },
    }, async (request) => integrations.update(contextOf(request), request.principal!, request.params.id, request.body, originOf(request)));

    app.delete('/integrations/:id', {
      schema: { tags, summary: 'Remove an integration; its secret stops working at once', params: IdParams, response: { 204: Type.Null() } },
      config: { scope: 'integrations:write', role: 'admin' },
    }, async (request, reply) => {
      integrations.remove(contextOf(request), request.principal!, request.params.id);
      return reply.code(204).send(null);
    });

    app.post('/integrations/:id/rotate-secret', {
      schema: {
        tags,
        summary: 'Issue a new secret (shown once); the old one stops working at once',
        params: IdParams,
        body: Type.Object({}, { additionalProperties: false, description: 'Nothing: a new random secret is made' }),
        response: { 200: IntegrationWithSecret },
      },
      config: { scope: 'integrations:write', role: 'admin' },
    }, async (request) => integrations.rotateSecret(contextOf(request), request.principal!, request.params.id, originOf(request)));
  };
}
