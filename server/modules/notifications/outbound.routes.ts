import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { IdParams } from '../../http/schemas';
import {
  PageOnlyQuery, WebhookDelivery, WebhookDeliveryPage, WebhookEndpoint, WebhookEndpointCreate, WebhookEndpointPage, WebhookEndpointUpdate, WebhookSecret,
} from './outbound.schemas';
import type { OutboundService } from './outbound.service';

const SIGNING = 'Each delivery is a POST of `{"type","timestamp","data"}` signed per Standard Webhooks: headers `webhook-id` (the same on every retry), '
  + '`webhook-timestamp` (seconds) and `webhook-signature: v1,<base64 HMAC-SHA256 of "id.timestamp.body">` under the organization\'s secret '
  + '(`GET /me/webhook-secret`). A delivery is retried with exponential back-off (10 s doubling to 6 h, 15 attempts) until the endpoint answers 2xx.';

const Nothing = Type.Object({}, { additionalProperties: false, description: 'Nothing' });

/** Outbound webhooks: the organization's endpoints and signing secret (admins). */
export function outboundRoutes(outbound: OutboundService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Outbound webhooks'];
    const read = { scope: 'webhooks:read', role: 'admin' } as const;
    const write = { scope: 'webhooks:write', role: 'admin' } as const;

    app.get('/webhook-endpoints', {
      schema: { tags, summary: 'The organization\'s outbound webhook endpoints', description: SIGNING, querystring: PageOnlyQuery, response: { 200: WebhookEndpointPage } },
      config: read,
    }, async (request) => outbound.list(request.principal!, request.query.limit ?? 25, request.query.offset ?? 0));

    app.post('/webhook-endpoints', {
      schema: { tags, summary: 'Add an endpoint that receives the organization\'s events', description: SIGNING, body: WebhookEndpointCreate, response: { 201: WebhookEndpoint } },
      config: { ...write, errors: ['WEBHOOK_URL_NOT_ALLOWED'] },
    }, async (request, reply) => reply.code(201).send(outbound.create(contextOf(request), request.principal!, request.body)));

    app.get('/webhook-endpoints/:id', {
      schema: { tags, summary: 'One endpoint', params: IdParams, response: { 200: WebhookEndpoint } },
      config: read,
    }, async (request) => outbound.get(request.principal!, request.params.id));

    app.patch('/webhook-endpoints/:id', {
      schema: { tags, summary: 'Change an endpoint\'s URL, description, event types, or switch it off (its deliveries wait)', params: IdParams, body: WebhookEndpointUpdate, response: { 200: WebhookEndpoint } },
      config: { ...write, errors: ['WEBHOOK_URL_NOT_ALLOWED'] },
    }, async (request) => outbound.update(contextOf(request), request.principal!, request.params.id, request.body));

    app.delete('/webhook-endpoints/:id', {
      schema: { tags, summary: 'Remove an endpoint; its pending deliveries are abandoned', params: IdParams, response: { 204: Type.Null() } },
      config: write,
    }, async (request, reply) => {
      outbound.remove(contextOf(request), request.principal!, request.params.id);
      return reply.code(204).send(null);
    });

    app.get('/webhook-endpoints/:id/deliveries', {
      schema: { tags, summary: 'What was sent to an endpoint, newest first, with each delivery\'s attempts and outcome (kept 30 days)', params: IdParams, querystring: PageOnlyQuery, response: { 200: WebhookDeliveryPage } },
      config: read,
    }, async (request) => outbound.deliveries(request.principal!, request.params.id, request.query.limit ?? 25, request.query.offset ?? 0));

    app.post('/webhook-endpoints/:id/test', {
      schema: { tags, summary: 'Send the endpoint a `webhook.test` event through the outbox', params: IdParams, body: Nothing, response: { 202: WebhookDelivery } },
      config: write,
    }, async (request, reply) => reply.code(202).send(outbound.test(contextOf(request), request.principal!, request.params.id)));

    app.get('/me/webhook-secret', {
      schema: { tags, summary: 'The organization\'s secret that signs outbound webhooks (reading it is audited)', description: SIGNING, response: { 200: WebhookSecret } },
      config: { scope: 'secrets:read', role: 'admin' },
    }, async (request) => outbound.secret(contextOf(request), request.principal!));

    app.post('/me/webhook-secret/rotate', {
      schema: {
        tags,
        summary: 'Replace the signing secret; for 24 h deliveries carry a signature by the previous one too',
        body: Nothing,
        response: { 200: WebhookSecret },
      },
      config: { scope: 'secrets:write', role: 'admin' },
    }, async (request) => outbound.rotateSecret(contextOf(request), request.principal!));
  };
}
