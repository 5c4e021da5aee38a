import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { contextOf } from '../../http/principal';
import { IdParams } from '../../http/schemas';
import { HistoryQuery, Service, ServiceCreate, ServiceListQuery, ServicePage, ServicePatch, ServiceUptime, StatusHistoryPage } from './services.schemas';
import type { ServiceService } from './services.service';

export function serviceRoutes(services: ServiceService): FastifyPluginAsyncTypebox {
  return async (app) => {
    const tags = ['Services'];
    app.get('/services', {
      schema: { tags, summary: 'Services by name, filtered by status, visibility, tag and words (Opsentry; limit defaults to 100)', querystring: ServiceListQuery, response: { 200: ServicePage } },
      config: { scope: 'services:read' },
    }, async (request) => services.list(request.principal!, request.query));

    app.post('/services', {
      schema: { tags, summary: 'Add a service', body: ServiceCreate, response: { 201: Service } },
      config: { scope: 'services:write', role: 'engineer', errors: ['SERVICE_SLUG_TAKEN'] },
    }, async (request, reply) => reply.code(201).send(services.create(contextOf(request), request.principal!, request.body)));

    app.get('/services/:id', {
      schema: { tags, summary: 'One service', params: IdParams, response: { 200: Service } },
      config: { scope: 'services:read' },
    }, async (request) => services.get(request.principal!, request.params.id));

    app.patch('/services/:id', {
      schema: { tags, summary: 'Change a service; a new current_status starts a row of its status history', params: IdParams, body: ServicePatch, response: { 200: Service } },
      config: { scope: 'services:write', role: 'engineer', errors: ['SERVICE_SLUG_TAKEN'] },
    }, async (request) => services.update(contextOf(request), request.principal!, request.params.id, request.body));

    app.delete('/services/:id', {
      schema: { tags, summary: 'Remove a service (admins)', params: IdParams, response: { 204: Type.Null() } },
      config: { scope: 'services:write', role: 'admin' },
    }, async (request, reply) => {
      services.remove(contextOf(request), request.principal!, request.params.id);
      return reply.code(204).send(null);
    });

    app.get('/services/:id/uptime', {
      schema: { tags, summary: 'Uptime percentages over 24 h, 7 d and 30 d, from status history and incident impact (maintenance excluded)', params: IdParams, response: { 200: ServiceUptime } },
      config: { scope: 'services:read' },
    }, async (request) => services.uptime(request.principal!, request.params.id));

    app.get('/services/:id/status-history', {
      schema: { tags, summary: 'The statuses the service has been in, newest first', params: IdParams, querystring: HistoryQuery, response: { 200: StatusHistoryPage } },
      config: { scope: 'services:read' },
    }, async (request) => services.history(request.principal!, request.params.id, request.query));
  };
}
